import { describeWhat, violationFacts } from '../message.js'
import { type StyleName, style } from '../style.js'
import { breakdown, describeRuns, describeVia } from './breakdown.js'
import type { DroppedEvents } from './cap.js'
import { describeProblem } from './coverage.js'
import { describePlace, describeScope, plural, safeText, suggestAllowance } from './display.js'
import { allowedCount, countOf, type Gate, type GateIncomplete, newViolationCount } from './gate.js'
import { describeTests, groupAllowed, groupLeaks, type LeakGroup } from './leaks.js'
import type { ReportEvent } from './model.js'

// The terminal summary (`leakgate report`, the default format). Colour only when asked (the CLI
// asks when stdout is a TTY and NO_COLOR is unset); the words carry the meaning without it.
// Its length follows what needs a person, not the size of the suite: a table of counts by host,
// program and package (the largest rows per category, the rest summed), each place a new
// violation happens with its tests (the first 20 places), known leaks and stale entries a line
// each (20), and allowed events only as counts. `details` lists everything.

export interface TextOptions {
  color?: boolean
  /** Everything one by one: every row, every new and known violation, every allowed event. */
  details?: boolean
  /** At most this many places of new violations, known violations or stale entries listed (default 20). */
  limit?: number
}

type Paint = (text: string) => string

/** Rows of the summary table per category before the rest are summed into one. */
const ROWS_PER_CATEGORY = 10

function palette(color: boolean) {
  const wrap =
    (name: StyleName): Paint =>
    (text) =>
      style(color, name, text)
  return { red: wrap('red'), green: wrap('green'), yellow: wrap('yellow'), bold: wrap('bold'), dim: wrap('dim') }
}

/** `net.connect to "api.example.com:443"` */
export function describeEvent(event: ReportEvent): string {
  return describeWhat(event)
}

function describeEntry(entry: { category: string; target: string; file?: string; test?: string; package?: string }) {
  const where = describePlace(entry)
  const via = entry.package ? ` via ${entry.package}` : ''
  return `${entry.category} ${JSON.stringify(entry.target)} in ${where}${via}`
}

/** `tests/a.test.js > loops: 9900 more violations (net 9900), 12 allowed events, in 9912 groups` */
export function describeDropped(entry: DroppedEvents): string {
  const where = describePlace(entry)
  const parts: string[] = []
  if (entry.violations > 0) {
    const categories = (['net', 'exec', 'eval', 'tamper'] as const)
      .filter((category) => (entry.byCategory[category]?.violations ?? 0) > 0)
      .map((category) => `${category} ${entry.byCategory[category]?.violations ?? 0}`)
    parts.push(`${plural(entry.violations, 'violation')} (${categories.join(', ')})`)
  }
  if (entry.allowed > 0) parts.push(plural(entry.allowed, 'allowed event'))
  return `${where}: ${parts.join(' and ')} not listed, in ${plural(entry.events, 'group')}`
}

export function formatText(gate: Gate, options: TextOptions = {}): string {
  const paint = palette(options.color ?? false)
  const limit = options.limit ?? 20
  const details = options.details === true
  const lines: string[] = []
  const { report } = gate
  lines.push(`${paint.bold('leakgate')}: ${plural(report.runs.length, 'run')}: ${describeRuns(gate)}`)
  if (gate.baselineFile !== undefined) {
    lines.push(`baseline: ${gate.baselineFile} (${plural(gate.baselineSize, 'entry', 'entries')})`)
  }
  const rows = breakdown(gate, details ? Number.POSITIVE_INFINITY : ROWS_PER_CATEGORY)
  if (rows.length > 0) {
    lines.push('')
    const table = [['category', 'what', 'new', 'known', 'allowed', 'tests', 'via']]
    for (const row of rows) {
      table.push([
        row.category,
        row.others === undefined ? row.subject : `(${row.subject})`,
        String(row.new),
        String(row.known),
        String(row.allowed),
        String(row.tests),
        describeVia(row.via),
      ])
    }
    const widths = (table[0] as string[]).map((_, column) =>
      Math.max(...table.map((cells) => (cells[column] as string).length)),
    )
    table.forEach((cells, index) => {
      const text = cells
        .map((cell, column) =>
          column < 2 || column === 6 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number),
        )
        .join('  ')
        .trimEnd()
      lines.push(`  ${index === 0 ? paint.dim(text) : safeText(text)}`)
    })
    if (!details && rows.some((row) => row.others !== undefined)) {
      lines.push(paint.dim('  (--details lists every row)'))
    }
  }
  if (gate.incomplete.length > 0) {
    lines.push('', paint.red(paint.bold(`✖ ${incompleteHeadline(gate)}`)))
    const several = new Set(report.runs.map((run) => run.framework)).size > 1
    for (const problem of gate.incomplete) lines.push(`  ${safeText(describeIncomplete(problem, several))}`)
    lines.push(`  ${INCOMPLETE_HINT}`)
  }
  const freshCount = newViolationCount(gate)
  // Which runner saw it matters only when several ran (Vitest and Jest side by side).
  const frameworks = new Set(report.runs.map((run) => run.framework)).size
  if (freshCount > 0) {
    lines.push('', paint.red(paint.bold(`✖ ${plural(freshCount, 'new violation')}`)))
    const groups = groupLeaks(gate.fresh)
    const shown = details ? groups : groups.slice(0, limit)
    for (const group of shown) {
      const event = group.first
      lines.push('')
      const times = group.count > 1 ? ` ×${group.count}` : ''
      lines.push(`  ${paint.bold(safeText(describeEvent(event)))}${times} (${event.code ?? event.category})`)
      const row = (label: string, value: string) => lines.push(`    ${paint.dim(label.padEnd(10))} ${safeText(value)}`)
      if (group.tests.length === 1 || details) {
        row(
          group.tests.length === 1 ? 'test' : 'tests',
          group.tests.length === 1 ? (group.tests[0] as string) : `${group.tests.length} tests:`,
        )
        if (group.tests.length > 1) for (const test of group.tests) lines.push(`      ${safeText(test)}`)
      } else {
        row('tests', describeTests(group.tests))
      }
      // The test row above names the group's tests.
      for (const [label, value] of violationFacts(event)) if (label !== 'test') row(label, value)
      if (event.decision.reason === 'hook') row('policy', 'refused by an audit hook')
      if (frameworks > 1) row('framework', event.framework)
      row('to allow', suggestAllowance(event))
    }
    if (shown.length < groups.length) {
      const rest = groups.slice(shown.length)
      const count = rest.reduce((total, group) => total + group.count, 0)
      lines.push(
        '',
        `  … and ${plural(count, 'new violation')} at ${plural(rest.length, 'other place')}: counted in the table above (--details lists every one)`,
      )
    }
  }
  if (gate.dropped.length > 0) {
    lines.push(
      '',
      paint.yellow(
        `! ${plural(gate.dropped.length, 'test')} added more events than the report keeps per test; counted, not listed (their violations count as new):`,
      ),
    )
    listed(gate.dropped, limit, details, describeDropped, lines)
  }
  if (gate.known.length > 0) {
    lines.push('', `${plural(countOf(gate.known), 'known violation')} accepted by the baseline:`)
    const describeKnown = (group: LeakGroup) =>
      `${describeEvent(group.first)}${group.count > 1 ? ` ×${group.count}` : ''} in ${describeTests(group.tests)}`
    listed(groupLeaks(gate.known), limit, details, describeKnown, lines)
  }
  if (gate.stale.length > 0) {
    lines.push(
      '',
      paint.yellow(
        `! ${plural(gate.stale.length, 'baseline entry', 'baseline entries')} no longer occur${gate.stale.length === 1 ? 's' : ''}: remove ${gate.stale.length === 1 ? 'it' : 'them'} with \`leakgate baseline --prune\``,
      ),
    )
    listed(gate.stale, limit, details, describeEntry, lines)
  }
  if (gate.unchecked.length > 0) {
    lines.push(
      '',
      paint.dim(
        `${plural(gate.unchecked.length, 'baseline entry', 'baseline entries')} of test files these runs did not execute: not checked`,
      ),
    )
  }
  if (!details && gate.allowed.length > 0) {
    lines.push('', `${plural(allowedCount(gate), 'event')} allowed by rules (--details lists each):`)
    const groups = groupAllowed(gate.allowed)
    const table = groups.map((group) => [
      group.category,
      `${group.rule} (${group.source})`,
      String(group.count),
      `in ${plural(group.tests, 'test')}: ${describeVia(group.subjects, 3)}`,
    ])
    const widths = [0, 1, 2].map((column) => Math.max(...table.map((cells) => (cells[column] as string).length)))
    const shown = table.slice(0, limit)
    for (const cells of shown) {
      const [category, rule, count, rest] = cells as [string, string, string, string]
      lines.push(
        `  ${safeText(`${category.padEnd(widths[0] as number)}  ${rule.padEnd(widths[1] as number)}  ${count.padStart(widths[2] as number)} ${rest}`)}`,
      )
    }
    if (shown.length < table.length)
      lines.push(`  … and ${table.length - shown.length} more rules (--details lists all)`)
  }
  if (details && gate.allowed.length > 0) {
    lines.push('', `${plural(allowedCount(gate), 'event')} allowed by a rule:`)
    for (const event of gate.allowed) {
      const rule = event.decision.rule ? ` by ${event.decision.rule} (${event.decision.source ?? 'config'})` : ''
      lines.push(
        `  ${safeText(`${describeEvent(event)} in ${describeScope(event)}${rule}`)}${event.count > 1 ? ` ×${event.count}` : ''}`,
      )
    }
  }
  lines.push('', formatVerdict(gate, options.color ?? false))
  return `${lines.join('\n')}\n`
}

/** What a run that was not fully audited tells the reader to do. */
export const INCOMPLETE_HINT =
  'The gate refuses a run the guard did not see to its end: fix what stopped it and run the tests again.'

/** `the run is incomplete: 1 of 3 test files not audited` */
export function incompleteHeadline(gate: Gate): string {
  const { expected, audited } = gate.coverage
  const files = expected > 0 ? `${plural(expected - audited, 'test file')} of ${expected} not audited` : ''
  const refused = gate.incomplete.some((problem) => problem.reason === 'options')
  const shards = gate.incomplete.some((problem) => problem.reason === 'shard-missing')
  const parts = [refused ? 'the guard refused its options' : '', files, shards ? 'shards without a report' : ''].filter(
    Boolean,
  )
  return `the run is incomplete: ${parts.join('; ') || 'the guard did not run everywhere'}`
}

/** One reason, with its runner when several ran. */
export function describeIncomplete(problem: GateIncomplete, withFramework = false): string {
  const runner = problem.shard
    ? `${problem.framework} shard ${problem.shard.index}/${problem.shard.count}`
    : problem.framework
  return withFramework || problem.shard ? `${describeProblem(problem)} [${runner}]` : describeProblem(problem)
}

/** The last line: `✖ leakgate: 2 new violations (1 known, 3 allowed)`. */
export function formatVerdict(gate: Gate, color = false): string {
  const paint = palette(color)
  const tail = `(${countOf(gate.known)} known, ${allowedCount(gate)} allowed)`
  const fresh = newViolationCount(gate)
  if (gate.incomplete.length > 0) {
    const first = gate.incomplete[0] as GateIncomplete
    const more = gate.incomplete.length > 1 ? ` and ${gate.incomplete.length - 1} more` : ''
    const violations = fresh > 0 ? plural(fresh, 'new violation') : 'no new violations seen'
    return paint.red(
      `✖ leakgate: ${incompleteHeadline(gate)} (${safeText(first.file ?? first.detail)}${more}); ${violations} ${tail}`,
    )
  }
  if (fresh > 0) {
    const hint =
      gate.fresh.length > 0 && gate.baselineFile === undefined ? '; to accept them for now: leakgate baseline' : ''
    return paint.red(`✖ leakgate: ${plural(fresh, 'new violation')} ${tail}${hint}`)
  }
  return paint.green(`✔ leakgate: no new violations ${tail}`)
}

function listed<T>(
  items: readonly T[],
  limit: number,
  all: boolean | undefined,
  show: (item: T) => string,
  lines: string[],
) {
  const shown = all ? items : items.slice(0, limit)
  for (const item of shown) lines.push(`  ${safeText(show(item))}`)
  if (shown.length < items.length) lines.push(`  … and ${items.length - shown.length} more (--details lists all)`)
}
