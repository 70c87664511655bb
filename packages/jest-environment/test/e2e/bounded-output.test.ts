import type { ReportEvent } from '@leakgate/core/report'
import { beforeAll, describe, expect, test } from 'vitest'
import { describeRun, type JestRun, runJest, testResult } from './support/run-jest.js'

// Issue 11.5, with the real Jest CLI on fixtures/flood: tests that swallow 10,000 refused
// `new Function` calls and 10,000 refused connects, and one that makes 300 allowed connects.
// Before the cap Jest printed 13.9 MB (every violation as its own error with a code frame) and
// the report was 15.7 MB; now a test shows three in full, one error that lists seven more and
// counts the rest, and the report keeps a hundred events per test and counts what it leaves out.

const FILE = 'tests/flood.test.js'
const FUNCTION_TEST = 'swallows 10,000 refused new Function calls'
const CONNECT_TEST = 'swallows 10,000 refused connects'
const ALLOWED_TEST = 'makes 300 allowed connects'

describe('fixtures/flood: output and report stay bounded', () => {
  let run: JestRun
  beforeAll(async () => {
    run = await runJest('flood', [], { timeout: 240_000 })
  }, 300_000)

  test('the tests fail or pass as before', () => {
    expect(run.code, describeRun(run)).toBe(1)
    expect(testResult(run, FILE, FUNCTION_TEST)?.status).toBe('failed')
    expect(testResult(run, FILE, CONNECT_TEST)?.status).toBe('failed')
    expect(testResult(run, FILE, 'leaks once')?.status).toBe('failed')
    expect(testResult(run, FILE, ALLOWED_TEST)?.status).toBe('passed')
    expect(testResult(run, FILE, 'stays clean')?.status).toBe('passed')
  })

  test('the terminal gets a few kilobytes, not megabytes', () => {
    expect(run.output.length, describeRun(run)).toBeLessThan(32_000)
    expect(run.output.split('\n').length).toBeLessThan(400)
  })

  test('a failing test shows three violations in full, then lists seven and counts the rest', () => {
    const messages = testResult(run, FILE, FUNCTION_TEST)?.failureMessages ?? []
    expect(messages).toHaveLength(4)
    expect(messages[0]).toContain('blocked Function of "return 0" (LEAKGATE_EVAL_BLOCKED)')
    expect(messages[2]).toContain('blocked Function of "return 2" (LEAKGATE_EVAL_BLOCKED)')
    const more = messages[3] ?? ''
    expect(more).toContain('9,997 more violations in this test than shown above')
    expect(more).toContain('blocked Function of "return 9" (LEAKGATE_EVAL_BLOCKED)')
    expect(more).not.toContain('"return 10"')
    expect(more).toContain(
      '… and 9,990 more violations not listed here: the leakgate report counts them all (npx leakgate report)',
    )
    expect(testResult(run, FILE, CONNECT_TEST)?.failureMessages).toHaveLength(4)
    expect(testResult(run, FILE, 'leaks once')?.failureMessages).toHaveLength(1)
  })

  test('every violation failed its test: none is listed as after its file ended', () => {
    expect(run.output).not.toContain('that no failed test shows')
    expect(run.output).toContain('leakgate: 20001 violations (net 10000, eval 10001), 300 allowed by rules')
    expect(run.output).toContain(
      'leakgate: 19800 violations and 200 allowed events of 3 tests are counted, not listed: the report keeps 100 events per test (leakgate report names the tests)',
    )
  })

  test('the report keeps 100 events per test and counts the rest', () => {
    const report = run.report
    expect(report, describeRun(run)).toBeDefined()
    if (!report) return
    const perTest = new Map<string, ReportEvent[]>()
    for (const event of report.events) {
      const key = event.scope.test ?? ''
      perTest.set(key, [...(perTest.get(key) ?? []), event])
    }
    expect(perTest.get(FUNCTION_TEST)).toHaveLength(100)
    expect(perTest.get(CONNECT_TEST)).toHaveLength(100)
    expect(perTest.get(ALLOWED_TEST)).toHaveLength(100)
    expect(perTest.get('leaks once')).toHaveLength(1)
    const dropped = (test: string) => report.dropped?.find((entry) => entry.test === test)
    expect(dropped(FUNCTION_TEST)).toMatchObject({ file: FILE, events: 9900, violations: 9900, allowed: 0 })
    expect(dropped(FUNCTION_TEST)?.byCategory.eval.violations).toBe(9900)
    expect(dropped(CONNECT_TEST)).toMatchObject({ events: 9900, violations: 9900, allowed: 0 })
    expect(dropped(CONNECT_TEST)?.byCategory.net.violations).toBe(9900)
    expect(dropped(ALLOWED_TEST)).toMatchObject({ events: 200, violations: 0, allowed: 200 })
    expect(report.dropped).toHaveLength(3)
    expect(report.summary).toEqual({
      violations: 20001,
      allowed: 300,
      byCategory: {
        net: { violations: 10000, allowed: 300 },
        exec: { violations: 0, allowed: 0 },
        eval: { violations: 10001, allowed: 0 },
        tamper: { violations: 0, allowed: 0 },
      },
    })
    expect(JSON.stringify(report).length).toBeLessThan(1_000_000)
  })
})
