import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './expected.js'
import { cleanup, type RunResult, runFixture } from './harness.js'

// fixtures/allowance-ends (issue 12.8): an allowance ends with its test. A timer, an
// AsyncLocalStorage snapshot and a queue worker left by an allowed test connect after it ended:
// refused, late work of that test, failing the file; with the real Vitest CLI.

describe('fixtures/allowance-ends (enforce mode)', () => {
  const expected = readExpected('allowance-ends')
  let run: RunResult
  beforeAll(async () => {
    run = await runFixture('allowance-ends', { timeout: 180_000 })
  }, 240_000)
  afterAll(() => cleanup(run))

  test('meets expected.json', () => {
    expect(checkExpected(run, expected), run.output.slice(-3000)).toEqual([])
    expect(run.code, run.output.slice(-3000)).toBe(1)
  })

  test('nothing late was allowed by the test that left it', () => {
    const late = run.report?.events.filter((e) => e.scope.phase === 'late') ?? []
    expect(late).toHaveLength(3)
    for (const event of late) expect(event.decision).toEqual({ allowed: false, reason: 'no-rule' })
  })
})
