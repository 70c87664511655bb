import { beforeAll, describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './support/expected.js'
import { describeRun, type JestRun, runJest } from './support/run-jest.js'

// fixtures/allowance-ends (issue 12.8): an allowance ends with its test. A timer, an
// AsyncLocalStorage snapshot and a queue worker left by an allowed test connect after it ended:
// refused, late work of that test, failing the file; with the real Jest CLI.

describe('fixtures/allowance-ends (enforce mode)', () => {
  const expected = readExpected('allowance-ends')
  let run: JestRun
  beforeAll(async () => {
    run = await runJest('allowance-ends', ['--maxWorkers=2'], { timeout: 180_000 })
  }, 240_000)

  test('meets expected.json', () => {
    expect(checkExpected(run, expected), describeRun(run)).toEqual([])
    expect(run.code, describeRun(run)).toBe(1)
  })

  test('nothing late was allowed by the test that left it', () => {
    const late = run.report?.events.filter((e) => e.scope.phase === 'late') ?? []
    expect(late).toHaveLength(3)
    for (const event of late) expect(event.decision).toEqual({ allowed: false, reason: 'no-rule' })
  })
})
