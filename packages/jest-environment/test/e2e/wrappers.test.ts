import { describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './support/expected.js'
import { describeRun, runJest } from './support/run-jest.js'

// fixtures/wrappers: Jest's mocks, spies and runner forwarding the test's code to `Function`
// and `eval` (issue 12.4), against its expected.json, with the real Jest CLI. Fails without
// trust by operation: jest-mock's frames made every wrapped call Jest's own code generation.

describe('fixtures/wrappers (enforce mode)', () => {
  const expected = readExpected('wrappers')
  test('every test and event as expected.json says', async () => {
    const run = await runJest('wrappers', ['--maxWorkers=1'])
    expect(checkExpected(run, expected), describeRun(run)).toEqual([])
    expect(run.code, describeRun(run)).toBe(1)
  })
})
