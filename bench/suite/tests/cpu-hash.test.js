// Plain CPU work: hashing and string handling.
import { createHash } from 'node:crypto'

for (let i = 0; i < 40; i++) {
  test(`hashes and splits ${i}`, () => {
    const text = Array.from({ length: 200 }, (_, k) => `word${(k * 7 + i) % 97}`).join(' ')
    const digest = createHash('sha256').update(text).digest('hex')
    expect(digest).toMatch(/^[0-9a-f]{64}$/)
    const words = new Set(text.split(' '))
    expect(words.size).toBeGreaterThan(50)
  })
}
