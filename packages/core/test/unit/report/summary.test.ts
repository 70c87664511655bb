import { describe, expect, test } from 'vitest'
import { createReport } from '../../../src/report/model.js'
import { formatRecord, formatSummary } from '../../../src/report/summary.js'
import { record } from '../../support/record.js'

const run = { framework: 'vitest', node: 'v20', mode: 'enforce' as const, root: '/p', startedAt: '' }

describe('formatSummary', () => {
  test('nothing leaked', () => {
    const allowedEvent = record({ decision: { allowed: true, reason: 'rule', rule: 'echo', source: 'test' } })
    const report = createReport(run, [allowedEvent])
    expect(
      formatSummary({ report, mode: 'enforce', reportPath: 'leakgate-report.json', orphans: [], violations: [] }),
    ).toEqual(['leakgate: no violations, 1 event allowed by rules; report: leakgate-report.json'])
  })

  test('violations by category, and the ones that failed no test listed in full', () => {
    const failed = record()
    const orphan = record({
      category: 'net',
      event: 'net.connect',
      target: '127.0.0.2:9',
      code: 'LEAKGATE_NET_BLOCKED',
      message: 'blocked net.connect to "127.0.0.2:9" (LEAKGATE_NET_BLOCKED)',
      scope: { phase: 'late', file: 'tests/a.test.js', test: 'starts a timer' },
      callSite: { file: 'src/poll.js', line: 7, column: 3 },
      time: 2,
    })
    const report = createReport(run, [failed, orphan])
    const lines = formatSummary({ report, mode: 'enforce', reportPath: undefined, orphans: [orphan], violations: [] })
    expect(lines).toEqual([
      'leakgate: 2 violations (net 1, exec 1), 0 allowed by rules',
      '',
      'leakgate: 1 violation failed no test: it happened after its test file had finished. The run fails for it:',
      '  blocked net.connect to "127.0.0.2:9" (LEAKGATE_NET_BLOCKED)',
      '    test       tests/a.test.js > starts a timer (after the test ended)',
      '    called at  src/poll.js:7:3',
    ])
  })

  test('report mode lists what was recorded, at most twenty', () => {
    const many = Array.from({ length: 25 }, (_, i) =>
      record({ mode: 'report', blocked: false, target: `echo ${i}`, time: i, message: `reported ${i}` }),
    )
    const report = createReport({ ...run, mode: 'report' }, many)
    const lines = formatSummary({ report, mode: 'report', reportPath: 'r.json', orphans: [], violations: many })
    expect(lines[0]).toBe(
      'leakgate: 25 violations (exec 25), 0 allowed by rules; report: r.json (report mode: nothing was blocked)',
    )
    expect(lines.at(-1)).toBe('  … and 5 more (see the report)')
  })

  test('formatRecord names the phase, the package and where it ran', () => {
    const lines = formatRecord(
      record({
        scope: { phase: 'import', file: 'tests/b.test.js' },
        package: 'depd',
        origin: 'child',
        callSite: undefined,
      }),
    )
    expect(lines).toEqual([
      '  blocked child_process.execSync of "echo hi" (LEAKGATE_EXEC_BLOCKED)',
      '    test       tests/b.test.js (while importing the file)',
      '    via        depd',
      '    in         a child process',
    ])
  })
})
