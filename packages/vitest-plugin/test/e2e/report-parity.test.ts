import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { inReportMode, reportedViolations } from '../../../core/test/support/report-parity.js'
import { checkExpected, readExpected } from './expected.js'
import { cleanup, limited, type RunResult, runFixture } from './harness.js'

// fixtures/report-parity: report mode records exactly what enforce mode fails (issue 10.7), with
// the real Vitest CLI: the fixture in enforce mode meets expected.json; in report mode every test
// passes and the violations are the same ones (a reference to eval never called is in neither).

describe('fixtures/report-parity (enforce and report mode)', () => {
  const expected = readExpected('report-parity')
  let enforce: RunResult
  let report: RunResult
  beforeAll(async () => {
    ;[enforce, report] = (await limited(
      2,
      ['enforce', 'report'].map((mode) => () => runFixture('report-parity', { env: { LEAKGATE_MODE: mode } })),
    )) as [RunResult, RunResult]
  }, 300_000)
  afterAll(() => [enforce, report].forEach(cleanup))

  test('enforce mode meets expected.json', () => {
    expect(checkExpected(enforce, expected), enforce.output.slice(-3000)).toEqual([])
    expect(enforce.report?.runs[0]?.mode).toBe('enforce')
  })

  test('report mode: every test passes, the same violations are recorded', () => {
    expect(checkExpected(report, inReportMode(expected)), report.output.slice(-3000)).toEqual([])
    expect(report.report?.runs[0]?.mode).toBe('report')
    expect(report.code, report.output.slice(-3000)).toBe(0)
    expect(reportedViolations(report.report)).toEqual(reportedViolations(enforce.report))
    expect(reportedViolations(report.report)).toHaveLength(4)
  })
})
