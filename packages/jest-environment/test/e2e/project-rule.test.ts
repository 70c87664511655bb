import { describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './support/expected.js'
import { describeRun, runJest, testResult } from './support/run-jest.js'

// fixtures/project-rule: a rule for the project's own files (issue 10.11), with the real Jest
// CLI: `{ project: 'src/templates/*' }` allows the project's template engine; the message for
// other project code offers a rule naming that file, and for the test's own code an allowance.

const FILE = 'tests/project-code.test.js'

describe('fixtures/project-rule (enforce mode)', () => {
  const expected = readExpected('project-rule')
  test('meets expected.json; the messages offer a rule that fits the call site', async () => {
    const run = await runJest('project-rule', ['--maxWorkers=1'])
    expect(checkExpected(run, expected), describeRun(run)).toEqual([])
    const message = (title: string) => testResult(run, FILE, title)?.failureMessages.join('\n') ?? ''
    expect(message('other project code is refused; the message names its file')).toContain(
      "To allow it in this test:  allowAudit({ eval: [{ project: 'src/other/compile.js' }] })",
    )
    expect(message('code the test itself generates is refused')).toContain(
      'To allow it in this test:  allowAudit({ eval: true })',
    )
  }, 300_000)
})
