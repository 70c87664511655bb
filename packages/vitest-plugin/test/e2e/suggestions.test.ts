import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
// @ts-expect-error: a plain ES module of the fixture, shared with the Jest e2e test
import { pasteSuggestions } from '../../../../fixtures/suggestions/paste.mjs'
import { checkExpected, readExpected } from './expected.js'
import { cleanup, copyFixtures, type RunResult, runVitest } from './harness.js'

// fixtures/suggestions (issue 10.12): every suggestion, pasted where it says, makes its test
// pass, with the real Vitest CLI: a describe body's code generation is allowed at the file's
// top, an import's in the config, a program name with a space at its end by a rule that matches,
// a long-lived service refused in its first test where that test's failure says.

describe('fixtures/suggestions: pasted, each suggestion works', () => {
  const dir = path.join(copyFixtures(['suggestions']), 'suggestions')
  let before: RunResult
  let after: RunResult
  afterAll(() => cleanup(after ?? before))

  test('the failing run says where each allowance goes', async () => {
    before = await runVitest(dir, { timeout: 180_000 })
    expect(checkExpected(before, readExpected('suggestions')), before.output.slice(-3000)).toEqual([])
    expect(before.output).toMatch(
      /FAIL +tests\/describe-body\.test\.js[\s\S]*?To allow it in this file \(at its top\): {2}allowAudit\(\{ eval: /,
    )
    expect(before.output).toMatch(/FAIL +tests\/import-time\.test\.js[\s\S]*?To allow it in the config/)
    expect(before.output).toContain("allowAudit({ exec: ['echo*'] })")
    // The later test fails with the service's kept reason: it names the test that started it.
    expect(before.output).toContain(
      'The service is no longer running: blocked child_process.spawn of "node helpers/service-process.js"',
    )
    expect(before.output).toContain(
      'To allow it in the test that started it ("the first transform starts the service"), or for every test at the top of the file:',
    )
    // Counted among the failures Vitest details (Vitest 3 also repeats each message in its tree).
    const detailed = before.output.slice(before.output.search(/Failed Tests \d+/))
    expect(detailed.match(/To allow it in this test: {2}allowAudit\(\{ exec: \['node'\] \}\)/g)).toHaveLength(1)
  }, 240_000)

  test('pasted as said, every test passes and nothing is flagged', async () => {
    const pasted = pasteSuggestions(dir, before.output, 'vitest.config.mjs')
    expect(pasted.inConfig).toMatch(/^allow: \{ eval: /)
    after = await runVitest(dir, { timeout: 180_000 })
    expect(after.code, after.output.slice(-3000)).toBe(0)
    expect(after.json?.numPassedTests).toBe(5)
    expect(after.report?.events.filter((event) => !event.decision.allowed)).toEqual([])
  }, 240_000)
})
