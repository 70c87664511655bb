import { beforeAll, describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './support/expected.js'
import { describeRun, type JestRun, runJest } from './support/run-jest.js'

// fixtures/stack-shapes (issue 10.13): failures as a person reads them, with the real Jest CLI.
// The call site is the test's line through ajv's forty frames; no failure shows leakgate's own
// frames (the environment's wrapper, Engine.runInScope); an unmocked fetch is one failure (the
// LeakgateError, caused by fetch's TypeError).

const OWN_FRAMES = /realm-\w+\.[cm]?js|runInScope|packages\/(core|jest-environment)\/dist|@leakgate\//

describe('fixtures/stack-shapes (enforce mode)', () => {
  const expected = readExpected('stack-shapes')
  let run: JestRun
  beforeAll(async () => {
    run = await runJest('stack-shapes', ['--maxWorkers=2'], { timeout: 180_000 })
  }, 240_000)

  test('meets expected.json', () => {
    expect(checkExpected(run, expected), describeRun(run)).toEqual([])
    expect(run.code, describeRun(run)).toBe(1)
  })

  test('ajv compiling deep inside its own frames: the call site is the test line', () => {
    const event = run.report?.events.find((e) => e.category === 'eval' && !e.decision.allowed)
    expect(event?.callSite, describeRun(run)).toMatchObject({ file: 'tests/deep-library.test.js', line: 5 })
    expect(event?.package).toBe('ajv')
    expect(run.output).toContain('called at  tests/deep-library.test.js:5:')
    expect(run.output).toContain('> 5 |   new Ajv(')
  })

  test("one failure per failed test: the LeakgateError, caused by fetch's TypeError", () => {
    expect(run.output.match(/● an unmocked fetch/g)).toHaveLength(1)
    expect(run.output).toMatch(/● an unmocked fetch\s+LeakgateError: blocked net\.connect to "127\.0\.0\.2:8443"/)
    expect(run.output).toContain('TypeError: fetch failed')
    expect(run.output).toContain('Tests:       4 failed, 4 total')
    const fetched = run.results?.testResults
      .flatMap((f) => f.assertionResults)
      .find((a) => a.title === 'an unmocked fetch')
    expect(fetched?.failureMessages).toHaveLength(1)
    expect(fetched?.failureMessages[0]).toContain('LEAKGATE_NET_BLOCKED')
  })

  test("no failure shows leakgate's own frames", () => {
    const messages = run.results?.testResults.flatMap((file) => file.assertionResults.flatMap((a) => a.failureMessages))
    expect(messages?.length).toBe(4)
    for (const message of messages ?? []) expect(message).not.toMatch(OWN_FRAMES)
    expect(run.output).not.toMatch(OWN_FRAMES)
  })
})
