import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './expected.js'
import { cleanup, type RunResult, runFixture, testResult } from './harness.js'

// fixtures/project-rule: a rule for the project's own files (issue 10.11), with the real Vitest
// CLI: `{ project: 'src/templates/*' }` allows the project's template engine; the message for
// other project code offers a rule naming that file, and for the test's own code an allowance.

const FILE = 'tests/project-code.test.js'

describe('fixtures/project-rule (enforce mode)', () => {
  const expected = readExpected('project-rule')
  let run: RunResult
  beforeAll(async () => {
    run = await runFixture('project-rule')
  }, 300_000)
  afterAll(() => cleanup(run))

  test('meets expected.json', () => {
    expect(checkExpected(run, expected), run.output.slice(-3000)).toEqual([])
  })

  test('the messages offer a rule that fits the call site', () => {
    const message = (title: string) => testResult(run, FILE, title)?.failureMessages.join('\n') ?? ''
    expect(message('other project code is refused; the message names its file')).toContain(
      "To allow it in this test:  allowAudit({ eval: [{ project: 'src/other/compile.js' }] })",
    )
    expect(message('code the test itself generates is refused')).toContain(
      'To allow it in this test:  allowAudit({ eval: true })',
    )
  })
})
