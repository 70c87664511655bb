import { describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './support/expected.js'
import { describeRun, runJest } from './support/run-jest.js'

// fixtures/codegen-shapes: shapes of code generation from real suites (issue 10), against its
// expected.json, with the real Jest CLI.

describe('fixtures/codegen-shapes (enforce mode)', () => {
  const expected = readExpected('codegen-shapes')
  test('two workers: every test and event as expected.json says', async () => {
    const run = await runJest('codegen-shapes', ['--maxWorkers=2'])
    expect(checkExpected(run, expected), describeRun(run)).toEqual([])
    expect(run.code, describeRun(run)).toBe(0)
  })
})
