import {
  type CheckOptions,
  checkExpected as checkOutcome,
  type Expected,
  type RunOutcome,
  testOutcome,
} from '../../../../core/test/support/expected.js'
import { fileResult, type JestRun, testResult } from './run-jest.js'

// A Jest run of a shared fixture against its expected.json, through the checker every adapter
// shares (packages/core/test/support/expected.ts): this file only says how Jest's --json results
// read.

export { type Expected, readExpected } from '../../../../core/test/support/expected.js'

/** The run as the shared checker reads it. A file's `message` also holds its tests' failures:
 * the file failed as a whole only when Jest says the suite failed to run. */
export function jestOutcome(run: JestRun): RunOutcome {
  return {
    runner: 'Jest',
    report: run.report,
    files:
      run.results &&
      ((file) => {
        const result = fileResult(run, file)
        if (!result) return undefined
        return {
          failure: result.message.includes('Test suite failed to run') ? result.message : '',
          test: (name) => {
            const test = testResult(run, file, name)
            return test && testOutcome(test.status, test.failureMessages)
          },
        }
      }),
  }
}

export function checkExpected(run: JestRun, expected: Expected, options?: CheckOptions): string[] {
  return checkOutcome(jestOutcome(run), expected, options)
}
