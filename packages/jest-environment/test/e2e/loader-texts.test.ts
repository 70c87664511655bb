import { describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './support/expected.js'
import { describeRun, runJest } from './support/run-jest.js'

// fixtures/loader-texts: a module every test file loads, which Jest compiles again for each file
// (issue 15: from the second time on it is trusted by its text, without a stack), and code a
// test compiles under that module's name or its own, which stays the test's eval, against its
// expected.json, with the real Jest CLI. One worker, so that both files run in one process.

describe('fixtures/loader-texts (enforce mode)', () => {
  const expected = readExpected('loader-texts')
  test('every test and event as expected.json says', async () => {
    const run = await runJest('loader-texts', ['--maxWorkers=1'])
    expect(checkExpected(run, expected), describeRun(run)).toEqual([])
    expect(run.code, describeRun(run)).toBe(1)
  })
})
