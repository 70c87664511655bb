import { describe, expect, test } from 'vitest'
import { inReportMode, reportedViolations } from '../../../core/test/support/report-parity.js'
import { checkExpected, readExpected } from './support/expected.js'
import { describeRun, runJest } from './support/run-jest.js'

// fixtures/report-parity: report mode records exactly what enforce mode fails (issue 10.7), with
// the real Jest CLI: the fixture in enforce mode meets expected.json; in report mode every test
// passes and the violations are the same ones (a reference to eval never called is in neither).

describe('fixtures/report-parity (enforce and report mode)', () => {
  const expected = readExpected('report-parity')
  test('enforce mode meets expected.json; report mode passes every test with the same violations', async () => {
    const [enforce, report] = await Promise.all(
      ['enforce', 'report'].map((mode) =>
        runJest('report-parity', ['--maxWorkers=1'], { env: { LEAKGATE_MODE: mode } }),
      ),
    )
    if (!enforce || !report) throw new Error('a run is missing')
    expect(checkExpected(enforce, expected), describeRun(enforce)).toEqual([])
    expect(enforce.report?.runs[0]?.mode).toBe('enforce')
    expect(checkExpected(report, inReportMode(expected)), describeRun(report)).toEqual([])
    expect(report.report?.runs[0]?.mode).toBe('report')
    expect(report.code, describeRun(report)).toBe(0)
    expect(reportedViolations(report.report)).toEqual(reportedViolations(enforce.report))
    expect(reportedViolations(report.report)).toHaveLength(4)
  }, 300_000)
})
