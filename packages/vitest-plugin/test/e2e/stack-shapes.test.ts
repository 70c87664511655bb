import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './expected.js'
import { cleanup, type RunResult, runFixture } from './harness.js'

// fixtures/stack-shapes (issue 10.13): failures as a person reads them, with the real Vitest CLI.
// The call site is the test's line through ajv's forty frames; no failure shows leakgate's own
// frames; an unmocked fetch is one failure (the LeakgateError, caused by fetch's TypeError).

const OWN_FRAMES =
  /realm-\w+\.[cm]?js|runInScope|leakgateTest|leakgateFile|packages\/(core|vitest-plugin)\/dist|@leakgate\//

describe('fixtures/stack-shapes (enforce mode)', () => {
  const expected = readExpected('stack-shapes')
  let run: RunResult
  beforeAll(async () => {
    run = await runFixture('stack-shapes', { timeout: 180_000 })
  }, 240_000)
  afterAll(() => cleanup(run))

  test('meets expected.json', () => {
    expect(checkExpected(run, expected), run.output.slice(-3000)).toEqual([])
    expect(run.code, run.output.slice(-3000)).toBe(1)
  })

  test('ajv compiling deep inside its own frames: the call site is the test line', () => {
    const event = run.report?.events.find((e) => e.category === 'eval' && !e.decision.allowed)
    expect(event?.callSite, run.output.slice(-3000)).toMatchObject({ file: 'tests/deep-library.test.js', line: 5 })
    expect(event?.package).toBe('ajv')
    expect(run.output).toContain('called at  tests/deep-library.test.js:5:')
  })

  test("one failure per failed test: the LeakgateError, caused by fetch's TypeError, nothing dumped", () => {
    expect(run.output).toContain('Failed Tests 4')
    expect(run.output).toContain('[4/4]')
    expect(run.output).not.toContain('[5/5]')
    expect(run.output).toMatch(
      /LeakgateError: blocked net\.connect to "127\.0\.0\.2:8443"[\s\S]*Caused by: TypeError: fetch failed/,
    )
    expect(run.output).not.toContain('Serialized Error')
    // Reporters that drop causes (the JSON reporter) still name the leak.
    const fetched = run.json?.testResults
      .flatMap((f) => f.assertionResults)
      .find((a) => a.title === 'an unmocked fetch')
    expect(fetched?.failureMessages).toHaveLength(1)
    expect(fetched?.failureMessages[0]).toContain('LEAKGATE_NET_BLOCKED')
  })

  test("no failure shows leakgate's own frames", () => {
    const messages = run.json?.testResults.flatMap((file) => file.assertionResults.flatMap((a) => a.failureMessages))
    expect(messages?.length).toBe(4)
    for (const message of messages ?? []) expect(message).not.toMatch(OWN_FRAMES)
    expect(run.output).not.toMatch(OWN_FRAMES)
  })
})
