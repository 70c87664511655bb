import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  CONNECT_TEST,
  expectFloodReport,
  FLOOD_FILE,
  FLOOD_OUTCOMES,
  FLOOD_SUMMARY_LINES,
  FUNCTION_TEST,
} from '../../../core/test/support/flood.js'
import { cleanup, copyFixtures, type RunResult, runFixture, runVitest, testResult } from './harness.js'

// Issue 11.5, with the real Vitest CLI on fixtures/flood: tests that swallow 10,000 refused
// `new Function` calls and 10,000 refused connects, and one that makes 300 allowed connects.
// Before the cap the run printed 1.9 MB (every one of the 9,999 "more" violations, twice) and
// wrote a 15.7 MB report; now a failure lists ten and counts the rest, and the report keeps a
// hundred events per test and counts what it leaves out.

describe('fixtures/flood: output and report stay bounded', () => {
  let run: RunResult
  beforeAll(async () => {
    run = await runFixture('flood', { timeout: 240_000 })
  }, 300_000)
  afterAll(() => cleanup(run))

  const tail = () => run.output.slice(-3000)

  test('the tests fail or pass as before', () => {
    expect(run.code, tail()).toBe(1)
    for (const [name, outcome] of Object.entries(FLOOD_OUTCOMES)) {
      expect(testResult(run, FLOOD_FILE, name)?.status, name).toBe(outcome === 'pass' ? 'passed' : 'failed')
    }
  })

  test('the terminal gets a few kilobytes, not megabytes', () => {
    expect(run.output.length, tail()).toBeLessThan(32_000)
    expect(run.output.split('\n').length).toBeLessThan(300)
  })

  test('a failure lists ten violations, counts the rest and names the report', () => {
    const message = testResult(run, FLOOD_FILE, FUNCTION_TEST)?.failureMessages.join('\n') ?? ''
    expect(message).toContain('blocked Function of "return 0" (LEAKGATE_EVAL_BLOCKED)')
    expect(message).toContain('and 9,999 more violations:')
    expect(message).toContain('blocked Function of "return 9" (LEAKGATE_EVAL_BLOCKED)')
    expect(message).not.toContain('"return 10"')
    expect(message).toContain(
      '… and 9,990 more violations not listed here: the leakgate report counts them all (npx leakgate report)',
    )
    const connects = testResult(run, FLOOD_FILE, CONNECT_TEST)?.failureMessages.join('\n') ?? ''
    expect(connects).toContain('and 9,999 more violations:')
    expect(connects).toContain('… and 9,990 more violations not listed here')
  })

  test('violations left out of meta failed their test: none is called an orphan', () => {
    expect(run.output).not.toContain('failed no test')
    for (const line of FLOOD_SUMMARY_LINES) expect(run.output).toContain(line)
  })

  test('the report keeps 100 events per test and counts the rest', () => {
    const report = run.report
    expect(report, tail()).toBeDefined()
    if (!report) return
    expectFloodReport(report)
    // The file as written (indented), not only its JSON.
    const size = fs.statSync(path.join(run.dir, 'leakgate-report.json')).size
    expect(size).toBeLessThan(1_000_000)
  })
})

describe('fixtures/flood through blob reports and --merge-reports', () => {
  // After --merge-reports only task.meta is left: it carries a test's first hundred violations
  // and the count of the others, which the merged report takes as what was left out.
  let merged: RunResult
  beforeAll(async () => {
    const dir = path.join(copyFixtures(['flood']), 'flood')
    const blob = await runVitest(dir, { args: ['--reporter=blob'], noJson: true, timeout: 240_000 })
    merged = await runVitest(dir, { args: ['--merge-reports'], timeout: 240_000 })
    merged.output = `${blob.output}\n---\n${merged.output}`
  }, 540_000)
  afterAll(() => cleanup(merged))

  test('counts every violation, lists a hundred per test, and prints no orphans', () => {
    const report = merged.report
    expect(report, merged.output.slice(-3000)).toBeDefined()
    if (!report) return
    expect(report.summary.violations).toBe(20001)
    expect(report.summary.byCategory.eval.violations).toBe(10001)
    expect(report.summary.byCategory.net.violations).toBe(10000)
    const violations = (test: string) => report.events.filter((event) => event.scope.test === test)
    expect(violations(FUNCTION_TEST)).toHaveLength(100)
    expect(violations(CONNECT_TEST)).toHaveLength(100)
    const dropped = (test: string) => report.dropped?.find((entry) => entry.test === test)
    expect(dropped(FUNCTION_TEST)).toMatchObject({ file: FLOOD_FILE, violations: 9900, allowed: 0 })
    expect(dropped(CONNECT_TEST)?.byCategory.net.violations).toBe(9900)
    expect(merged.output).not.toContain('failed no test')
    expect(merged.output.length).toBeLessThan(64_000)
  })
})
