import type { AuditRecord, Mode } from '../events.js'
import { type ViolationFacts, violationFacts } from '../message.js'
import { describeDroppedTotal } from './cap.js'
import { describeProblem } from './coverage.js'
import type { LeakgateReport } from './model.js'

// What every adapter prints after its runner's own summary, one wording for every runner: the
// run's verdict line, what the cap left out, an incomplete run, and the violations no test could
// fail for. No colour: it may end up in CI logs.

const MAX_LISTED = 20

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** The fields of a violation the summary shows (a record, or a report event). */
export type SummaryRecord = Pick<AuditRecord, 'message'> & ViolationFacts

/** Short form of one violation: its first line, then its facts. */
export function formatRecord(record: SummaryRecord): string[] {
  return [`  ${record.message}`, ...violationFacts(record).map(([label, value]) => `    ${label.padEnd(10)} ${value}`)]
}

function list(records: readonly SummaryRecord[]): string[] {
  const lines: string[] = []
  for (const record of records.slice(0, MAX_LISTED)) lines.push(...formatRecord(record))
  if (records.length > MAX_LISTED) lines.push(`  … and ${records.length - MAX_LISTED} more (see the report)`)
  return lines
}

export interface SummaryInput {
  report: LeakgateReport
  mode: Mode
  /** Where the report was written, as the user finds it; undefined when none was. */
  reportPath: string | undefined
  /** Violations that failed no test or file (after their file ended, outside any file). */
  orphans: readonly SummaryRecord[]
  /** Every violation, for report mode's listing. */
  violations: readonly SummaryRecord[]
  /** Violations in files whose worker stopped mid-file (listed with the incomplete run). */
  stopped?: readonly SummaryRecord[]
  /** The adapter's own lines, right after the verdict line (a Jest project left unguarded). */
  notes?: readonly string[]
}

/** The lines of the end-of-run summary. */
export function formatSummary(input: SummaryInput): string[] {
  const { report, mode, reportPath, orphans, violations, stopped = [], notes = [] } = input
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
    lines.push(`leakgate: no violations, ${plural(summary.allowed, 'event')} allowed by rules${where}`, ...notes)
    return lines
  }
  const parts = (['net', 'exec', 'eval', 'tamper'] as const)
    .filter((category) => (summary.byCategory[category]?.violations ?? 0) > 0)
    .map((category) => `${category} ${summary.byCategory[category].violations}`)
  const head = `leakgate: ${plural(summary.violations, 'violation')} (${parts.join(', ')}), ${summary.allowed} allowed by rules${where}`
  const dropped = describeDroppedTotal(report.dropped)
  if (mode === 'report') {
    lines.push(
      `${head} (report mode: nothing was blocked)`,
      ...notes,
      ...(dropped ? [dropped] : []),
      ...list(violations),
    )
    return lines
  }
  lines.push(head, ...notes)
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
