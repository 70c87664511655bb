import { type AuditRecord, describeTest, type Mode } from '@leakgate/core'
import { describeDroppedTotal, describeProblem, type LeakgateReport } from '@leakgate/core/report'

// What the reporter prints after Vitest's own summary. No colour: it may end up in CI logs.

const MAX_LISTED = 20

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** Short form of one violation: its first line, then where it came from. */
export function formatRecord(record: AuditRecord): string[] {
  const lines = [`  ${record.message}`]
  const test = describeTest(record.scope)
  if (test) lines.push(`    test       ${test}`)
  if (record.callSite) {
    lines.push(`    called at  ${record.callSite.file}:${record.callSite.line}:${record.callSite.column}`)
  }
  if (record.package) lines.push(`    via        ${record.package}`)
  if (record.origin) lines.push(`    in         ${record.origin === 'child' ? 'a child process' : 'a worker thread'}`)
  return lines
}

function list(records: readonly AuditRecord[]): string[] {
  const lines: string[] = []
  for (const record of records.slice(0, MAX_LISTED)) lines.push(...formatRecord(record))
  if (records.length > MAX_LISTED) lines.push(`  … and ${records.length - MAX_LISTED} more (see the report)`)
  return lines
}

export interface SummaryInput {
  report: LeakgateReport
  mode: Mode
  /** Where the report was written, relative to the root; undefined when disabled. */
  reportPath: string | undefined
  /** Violations that failed no test or file (after their file ended, a crashed worker). */
  orphans: readonly AuditRecord[]
  /** Every violation, for report mode's listing. */
  violations: readonly AuditRecord[]
  /** Violations in files whose worker stopped mid-file (listed with the incomplete run). */
  stopped?: readonly AuditRecord[]
}

export function formatSummary(input: SummaryInput): string[] {
  const { report, mode, reportPath, orphans, violations, stopped = [] } = input
  const { summary } = report
  const where = reportPath ? `; report: ${reportPath}` : ''
  const lines: string[] = []
  const incomplete = report.runs[0]?.incomplete
  if (incomplete) {
    const { expected, audited, problems } = incomplete
    lines.push(
      `leakgate: the run is incomplete: ${plural(expected - audited, 'test file')} of ${expected} not audited; the gate refuses this report:`,
    )
    for (const problem of problems.slice(0, MAX_LISTED)) lines.push(`  ${describeProblem(problem)}`)
    if (problems.length > MAX_LISTED) lines.push(`  … and ${problems.length - MAX_LISTED} more (see the report)`)
  }
  if (summary.violations === 0) {
    lines.push(`leakgate: no violations, ${plural(summary.allowed, 'event')} allowed by rules${where}`)
    return lines
  }
  const parts = (['net', 'exec', 'eval', 'tamper'] as const)
    .filter((category) => (summary.byCategory[category]?.violations ?? 0) > 0)
    .map((category) => `${category} ${summary.byCategory[category].violations}`)
  const head = `leakgate: ${plural(summary.violations, 'violation')} (${parts.join(', ')}), ${summary.allowed} allowed by rules${where}`
  const dropped = describeDroppedTotal(report.dropped)
  if (mode === 'report') {
    lines.push(`${head} (report mode: nothing was blocked)`, ...(dropped ? [dropped] : []), ...list(violations))
    return lines
  }
  lines.push(head)
  if (dropped) lines.push(dropped)
  if (stopped.length > 0) {
    lines.push(
      '',
      `leakgate: ${plural(stopped.length, 'violation')} in files whose worker stopped mid-file (no test could fail for ${stopped.length === 1 ? 'it' : 'them'}). The run fails for ${stopped.length === 1 ? 'it' : 'them'}:`,
      ...list(stopped),
    )
  }
  if (orphans.length > 0) {
    lines.push(
      '',
      `leakgate: ${plural(orphans.length, 'violation')} failed no test: it happened after its test file had finished. ` +
        'The run fails for it:',
      ...list(orphans),
    )
  }
  return lines
}
