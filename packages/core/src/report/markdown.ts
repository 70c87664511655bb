import { breakdown, describeRuns, describeVia } from './breakdown.js'
import { describePlace, describeSite, plural, safeText } from './display.js'
import { allowedCount, countOf, type Gate, newViolationCount } from './gate.js'
import { describeTests, groupAllowed, groupLeaks, type LeakGroup } from './leaks.js'
import { describeIncomplete, INCOMPLETE_HINT, incompleteHeadline } from './text.js'

// Markdown for pull-request comments and the GitHub job summary. Tables are capped (a job
// summary holds 1 MiB) and every cell is escaped: a target is data, never markup. Like the text
// format: counts by host, program and package; a violation once per place, with its tests;
// allowed events summed by what they reached and the rule that allowed them.

export interface MarkdownOptions {
  /** Rows per table before "… and N more" (default 50). */
  limit?: number
}

/** Rows of the summary table per category before the rest are summed into one. */
const ROWS_PER_CATEGORY = 10

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

function leakRows(groups: readonly LeakGroup[], limit: number): string[] {
  const rows = ['| category | event | target | tests | called at | package | count |', '|---|---|---|---|---|---|--:|']
  for (const group of groups.slice(0, limit)) {
    const event = group.first
    rows.push(
      `| ${event.category} | ${code(event.event)} | ${code(event.target)} | ${cell(describeTests(group.tests, 1))} | ${event.callSite ? code(describeSite(event.callSite)) : ''} | ${event.package ? code(event.package) : ''} | ${group.count} |`,
    )
  }
  if (groups.length > limit) {
    const rest = groups.slice(limit).reduce((total, group) => total + group.count, 0)
    rows.push(`| … | ${groups.length - limit} more places | | | | | ${rest} |`)
  }
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
  const rows = breakdown(gate, ROWS_PER_CATEGORY)
  if (rows.length > 0) {
    out.push('', '| category | what | new | known | allowed | tests | via |', '|---|---|--:|--:|--:|--:|---|')
    for (const row of rows) {
      const what = row.others === undefined ? code(row.subject) : cell(`(${row.subject})`)
      out.push(
        `| ${row.category} | ${what} | ${row.new ? `**${row.new}**` : 0} | ${row.known} | ${row.allowed} | ${row.tests} | ${cell(describeVia(row.via))} |`,
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
    out.push('', '### New violations', '', ...leakRows(groupLeaks(gate.fresh), limit))
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
      const where = describePlace(entry)
      out.push(`| ${cell(where)} | ${entry.violations} | ${entry.allowed} | ${entry.events} |`)
    }
    if (gate.dropped.length > limit) out.push(`| … ${gate.dropped.length - limit} more | | | |`)
  }
  if (gate.known.length > 0) {
    out.push('', `<details><summary>${plural(countOf(gate.known), 'known violation')} (in the baseline)</summary>`, '')
    out.push(...leakRows(groupLeaks(gate.known), limit), '', '</details>')
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
      const where = describePlace(entry)
      out.push(
        `- ${entry.category} ${code(entry.target)} in ${cell(where)}${entry.package ? ` via ${code(entry.package)}` : ''}`,
      )
    }
    if (gate.stale.length > limit) out.push(`- … and ${gate.stale.length - limit} more`)
  }
  if (gate.allowed.length > 0) {
    out.push('', `<details><summary>${plural(allowedCount(gate), 'event')} allowed by a rule</summary>`, '')
    out.push('| category | rule | from | what | tests | count |', '|---|---|---|---|--:|--:|')
    const groups = groupAllowed(gate.allowed)
    for (const group of groups.slice(0, limit)) {
      out.push(
        `| ${group.category} | ${code(group.rule)} | ${group.source} | ${cell(describeVia(group.subjects, 3))} | ${group.tests} | ${group.count} |`,
      )
    }
    if (groups.length > limit) {
      const rest = groups.slice(limit).reduce((total, group) => total + group.count, 0)
      out.push(`| … | ${groups.length - limit} more | | | | ${rest} |`)
    }
    out.push('', '</details>')
  }
  return `${out.join('\n')}\n`
}
