import {
  type CheckOptions,
  checkExpected as checkOutcome,
  type Expected,
  type RunOutcome,
  testOutcome,
} from '../../../core/test/support/expected.js'
import { fileResult, type RunResult } from './harness.js'

// A Vitest run of a shared fixture against its expected.json, through the checker every adapter
// shares (packages/core/test/support/expected.ts): this file only says how Vitest's JSON results
// read.

export { type Expected, readExpected } from '../../../core/test/support/expected.js'

/** The run as the shared checker reads it: Vitest's `message` of a file is its own failure only. */
export function vitestOutcome(run: RunResult): RunOutcome {
  return {
    runner: 'Vitest',
    report: run.report,
    files:
      run.json &&
      ((file) => {
        const result = fileResult(run, file)
        if (!result) return undefined
        return {
          failure: result.message ?? '',
          test: (name) => {
            const assertion = result.assertionResults.find((r) => r.title === name)
            return assertion && testOutcome(assertion.status, assertion.failureMessages)
          },
        }
      }),
  }
}

export function checkExpected(run: RunResult, expected: Expected, options?: CheckOptions): string[] {
  return checkOutcome(vitestOutcome(run), expected, options)
}
