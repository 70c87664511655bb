import { breakdown, describeRuns } from './breakdown.js'
import { describeScope, describeSite, plural, safeText } from './display.js'
import { allowedCount, countOf, type Gate, newViolationCount } from './gate.js'
import type { ReportEvent } from './model.js'
import { describeIncomplete, INCOMPLETE_HINT, incompleteHeadline } from './text.js'

// Markdown for pull-request comments and the GitHub job summary. Tables are capped (a job
// summary holds 1 MiB) and every cell is escaped: a target is data, never markup.

export interface MarkdownOptions {
  /** Rows per table before "… and N more" (default 50). */
  limit?: number
}

/** Inline code that survives backticks and pipes inside the value. */
function code(value: string): string {
  const text = safeText(value).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')
  const fence = text.includes('`') ? '``' : '`'
  return `${fence}${fence === '``' ? ' ' : ''}${text}${fence === '``' ? ' ' : ''}${fence}`
}

/** Plain table cell text. */
function cell(value: string): string {
  return safeText(value)
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_{}[\]<|#]/g, (char) => (char === '|' ? '\\|' : char === '<' ? '&lt;' : `\\${char}`))
}

function eventRows(events: readonly ReportEvent[], limit: number): string[] {
  const rows = ['| category | event | target | test | called at | package | count |', '|---|---|---|---|---|---|--:|']
  for (const event of events.slice(0, limit)) {
    rows.push(
      `| ${event.category} | ${code(event.event)} | ${code(event.target)} | ${cell(describeScope(event))} | ${event.callSite ? code(describeSite(event.callSite)) : ''} | ${event.package ? code(event.package) : ''} | ${event.count} |`,
    )
  }
  if (events.length > limit) rows.push(`| … | ${events.length - limit} more | | | | | |`)
  return rows
}

export function formatMarkdown(gate: Gate, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? 50
  const fresh = newViolationCount(gate)
  const out: string[] = []
  const incomplete = gate.incomplete.length > 0
  out.push(
    incomplete
      ? `## leakgate: ✖ ${cell(incompleteHeadline(gate))}${fresh > 0 ? `, ${plural(fresh, 'new violation')}` : ''}`
      : fresh > 0
        ? `## leakgate: ✖ ${plural(fresh, 'new violation')}`
        : `## leakgate: ✔ no new violations`,
  )
  out.push('')
  const baseline =
    gate.baselineFile !== undefined
      ? ` · baseline ${code(gate.baselineFile)} (${plural(gate.baselineSize, 'entry', 'entries')})`
      : ''
  out.push(`${plural(gate.report.runs.length, 'run')}: ${cell(describeRuns(gate))}${baseline}`)
  const rows = breakdown(gate)
  if (rows.length > 0) {
    out.push('', '| category | package | new | known | allowed |', '|---|---|--:|--:|--:|')
    for (const row of rows) {
      out.push(
        `| ${row.category} | ${cell(row.package)} | ${row.new ? `**${row.new}**` : 0} | ${row.known} | ${row.allowed} |`,
      )
    }
  }
  if (incomplete) {
    const several = new Set(gate.report.runs.map((run) => run.framework)).size > 1
    out.push('', '### Incomplete run', '', INCOMPLETE_HINT, '')
    for (const problem of gate.incomplete.slice(0, limit)) out.push(`- ${cell(describeIncomplete(problem, several))}`)
    if (gate.incomplete.length > limit) out.push(`- … and ${gate.incomplete.length - limit} more`)
  }
  if (gate.fresh.length > 0) {
    out.push('', '### New violations', '', ...eventRows(gate.fresh, limit))
    out.push(
      '',
      'Fix the test, allow the call with `allowAudit()` or the config, or accept it with `leakgate baseline`.',
    )
  }
  if (gate.dropped.length > 0) {
    out.push(
      '',
      '### Not listed: tests over the report’s cap',
      '',
      'These tests added more events than the report keeps per test (100). They are counted here; their violations count as new.',
      '',
      '| test | violations | allowed | groups |',
      '|---|--:|--:|--:|',
    )
    for (const entry of gate.dropped.slice(0, limit)) {
      const where = [entry.file, entry.test].filter(Boolean).join(' > ') || '(outside any test file)'
      out.push(`| ${cell(where)} | ${entry.violations} | ${entry.allowed} | ${entry.events} |`)
    }
    if (gate.dropped.length > limit) out.push(`| … ${gate.dropped.length - limit} more | | | |`)
  }
  if (gate.known.length > 0) {
    out.push('', `<details><summary>${plural(countOf(gate.known), 'known violation')} (in the baseline)</summary>`, '')
    out.push(...eventRows(gate.known, limit), '', '</details>')
  }
  if (gate.stale.length > 0) {
    out.push(
      '',
      '### Stale baseline entries',
      '',
      'These no longer occur: remove them with `leakgate baseline --prune`.',
      '',
    )
    for (const entry of gate.stale.slice(0, limit)) {
      const where = [entry.file, entry.test].filter(Boolean).join(' > ') || '(outside any test file)'
      out.push(
        `- ${entry.category} ${code(entry.target)} in ${cell(where)}${entry.package ? ` via ${code(entry.package)}` : ''}`,
      )
    }
    if (gate.stale.length > limit) out.push(`- … and ${gate.stale.length - limit} more`)
  }
  if (gate.allowed.length > 0) {
    out.push('', `<details><summary>${plural(allowedCount(gate), 'event')} allowed by a rule</summary>`, '')
    out.push('| category | event | target | test | rule | from | count |', '|---|---|---|---|---|---|--:|')
    for (const event of gate.allowed.slice(0, limit)) {
      out.push(
        `| ${event.category} | ${code(event.event)} | ${code(event.target)} | ${cell(describeScope(event))} | ${event.decision.rule ? code(event.decision.rule) : ''} | ${event.decision.source ?? ''} | ${event.count} |`,
      )
    }
    if (gate.allowed.length > limit) out.push(`| … | ${gate.allowed.length - limit} more | | | | | |`)
    out.push('', '</details>')
  }
  return `${out.join('\n')}\n`
}
