import { beforeAll, describe, expect, test } from 'vitest'
import {
  CONNECT_TEST,
  expectFloodReport,
  FLOOD_FILE,
  FLOOD_OUTCOMES,
  FLOOD_SUMMARY_LINES,
  FUNCTION_TEST,
} from '../../../core/test/support/flood.js'
import { describeRun, type JestRun, runJest, testResult } from './support/run-jest.js'

// Issue 11.5, with the real Jest CLI on fixtures/flood: tests that swallow 10,000 refused
// `new Function` calls and 10,000 refused connects, and one that makes 300 allowed connects.
// Before the cap Jest printed 13.9 MB (every violation as its own error with a code frame) and
// the report was 15.7 MB; now a test shows three in full, one error that lists seven more and
// counts the rest, and the report keeps a hundred events per test and counts what it leaves out.

describe('fixtures/flood: output and report stay bounded', () => {
  let run: JestRun
  beforeAll(async () => {
    run = await runJest('flood', [], { timeout: 240_000 })
  }, 300_000)

  test('the tests fail or pass as before', () => {
    expect(run.code, describeRun(run)).toBe(1)
    for (const [name, outcome] of Object.entries(FLOOD_OUTCOMES)) {
      expect(testResult(run, FLOOD_FILE, name)?.status, name).toBe(outcome === 'pass' ? 'passed' : 'failed')
    }
  })

  test('the terminal gets a few kilobytes, not megabytes', () => {
    expect(run.output.length, describeRun(run)).toBeLessThan(32_000)
    expect(run.output.split('\n').length).toBeLessThan(400)
  })

  test('a failing test shows three violations in full, then lists seven and counts the rest', () => {
    const messages = testResult(run, FLOOD_FILE, FUNCTION_TEST)?.failureMessages ?? []
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
    expect(testResult(run, FLOOD_FILE, CONNECT_TEST)?.failureMessages).toHaveLength(4)
    expect(testResult(run, FLOOD_FILE, 'leaks once')?.failureMessages).toHaveLength(1)
  })

  test('every violation failed its test: none is listed as after its file ended', () => {
    expect(run.output).not.toContain('failed no test')
    for (const line of FLOOD_SUMMARY_LINES) expect(run.output).toContain(line)
  })

  test('the report keeps 100 events per test and counts the rest', () => {
    const report = run.report
    expect(report, describeRun(run)).toBeDefined()
    if (!report) return
    expectFloodReport(report)
  })
})
