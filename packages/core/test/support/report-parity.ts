import type { LeakgateReport } from '@leakgate/core/report'
import type { Expected } from './expected.js'

// fixtures/report-parity: report mode records exactly what enforce mode fails (issue 10.7). What
// every adapter's report-parity e2e compares between its enforce and its report run.

/** The same expectations with every test passing and no file failing: report mode refuses nothing. */
export function inReportMode(expected: Expected): Expected {
  const files = Object.fromEntries(
    Object.entries(expected.files).map(([file, spec]) => [
      file,
      {
        ...spec,
        status: undefined,
        tests: Object.fromEntries(
          Object.entries(spec.tests).map(([name, test]) => [name, { ...test, status: 'pass' as const }]),
        ),
      },
    ]),
  )
  return { ...expected, files }
}

/** Each violation as the baseline sees a leak: what, where, which test (no line, no mode), sorted. */
export function reportedViolations(report: LeakgateReport | undefined): string[] {
  return (report?.events ?? [])
    .filter((event) => !event.decision.allowed)
    .map((event) => `${event.scope.file} > ${event.scope.test}: ${event.category} ${event.event} ${event.target}`)
    .sort()
}
