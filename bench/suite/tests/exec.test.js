// Child processes of allowed commands: spawnSync, execFileSync and async execFile.
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

for (let i = 0; i < 10; i++) {
  test(`spawnSync true #${i}`, () => {
    expect(spawnSync('true').status).toBe(0)
  })
  test(`execFileSync echo #${i}`, () => {
    expect(execFileSync('echo', [`line ${i}`], { encoding: 'utf8' })).toBe(`line ${i}\n`)
  })
  test(`execFile echo (async) #${i}`, async () => {
    const { stdout } = await execFileAsync('echo', [String(i)])
    expect(stdout.trim()).toBe(String(i))
  })
}
