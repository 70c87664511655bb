import type { LeakgateReport, ReportEvent } from '@leakgate/core/report'
import { expect } from 'vitest'

// fixtures/flood (issue 11.5): tests that swallow 10,000 refused `new Function` calls and 10,000
// refused connects, and one that makes 300 allowed connects. What every adapter's bounded-output
// e2e checks of the run: which tests pass, the summary line, and a report that keeps a hundred
// events per test and counts what it leaves out.

export const FLOOD_FILE = 'tests/flood.test.js'
export const FUNCTION_TEST = 'swallows 10,000 refused new Function calls'
export const CONNECT_TEST = 'swallows 10,000 refused connects'
export const ALLOWED_TEST = 'makes 300 allowed connects'

/** Each test of the fixture and whether it passes (the runner's results say it in its own words). */
export const FLOOD_OUTCOMES: Record<string, 'pass' | 'fail'> = {
  [FUNCTION_TEST]: 'fail',
  [CONNECT_TEST]: 'fail',
  'leaks once': 'fail',
  [ALLOWED_TEST]: 'pass',
  'stays clean': 'pass',
}

/** The end-of-run lines every adapter prints for the flood. */
export const FLOOD_SUMMARY_LINES = [
  'leakgate: 20001 violations (net 10000, eval 10001), 300 allowed by rules',
  'leakgate: 19800 violations and 200 allowed events of 3 tests are counted, not listed: the report keeps 100 events per test (leakgate report names the tests)',
]

/** The report keeps 100 events per test, counts the rest by test and category, and stays under 1 MB. */
export function expectFloodReport(report: LeakgateReport): void {
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
  expect(dropped(FUNCTION_TEST)).toMatchObject({ file: FLOOD_FILE, events: 9900, violations: 9900, allowed: 0 })
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
}
