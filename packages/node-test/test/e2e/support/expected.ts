import {
  type CheckOptions,
  checkExpected,
  type Expected,
  type FileOutcome,
  readExpected,
  testOutcome,
} from '../../../../core/test/support/expected.js'
import type { NodeTestRun } from './run-node-test.js'

// node:test's results (fixtures/node-test-support/json-reporter.mjs) as the shared checker's
// neutral view: a file fails as a whole when node:test reports a failure for the file itself
// (its root `after` hook, its process's exit code).

function outcomes(run: NodeTestRun): ((file: string) => FileOutcome | undefined) | undefined {
  const results = run.results
  if (!results) return undefined
  return (file) => {
    const result = results[file]
    if (!result) return undefined
    return {
      failure: result.failures.join('\n'),
      test: (name) => {
        const test = result.tests[name]
        return test && testOutcome(test.status, test.error ? [test.error] : [])
      },
    }
  }
}

/** Checks a node:test run of a shared fixture against its expected.json. */
export function checkRun(run: NodeTestRun, expected: Expected, options: CheckOptions = {}): string[] {
  return checkExpected({ runner: 'node:test', report: run.report, files: outcomes(run) }, expected, options)
}

export { readExpected }
