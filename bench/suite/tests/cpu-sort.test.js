// Plain CPU work: no network, no processes, no code generation.
function random(seed) {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

for (let i = 0; i < 40; i++) {
  test(`sorts 5000 numbers, seed ${i}`, () => {
    const next = random(i + 1)
    const values = Array.from({ length: 5000 }, () => next())
    const sorted = [...values].sort((a, b) => a - b)
    let inOrder = true
    for (let k = 1; k < sorted.length; k++) inOrder &&= sorted[k - 1] <= sorted[k]
    expect(inOrder).toBe(true)
    expect(sorted).toHaveLength(values.length)
  })
}
