// Plain CPU work: JSON round trips and deep equality.
for (let i = 0; i < 40; i++) {
  test(`JSON round trip ${i}`, () => {
    const value = {
      id: i,
      tags: Array.from({ length: 50 }, (_, k) => `tag-${i}-${k}`),
      nested: Array.from({ length: 20 }, (_, k) => ({ k, square: k * k, label: `n${k}` })),
    }
    const copy = JSON.parse(JSON.stringify(value))
    expect(copy).toEqual(value)
  })
}
