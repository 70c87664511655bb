import { randomBytes } from 'node:crypto'
import { violationFacts } from '../message.js'
import { describePlace, describeScope, plural, rootOf, safeText, suggestAllowance, workspacePath } from './display.js'
import { type Gate, newViolationCount } from './gate.js'
import { describeTests, groupLeaks, type LeakGroup } from './leaks.js'
import type { ReportEvent } from './model.js'
import {
  describeDropped,
  describeEvent,
  describeIncomplete,
  formatText,
  INCOMPLETE_HINT,
  incompleteHeadline,
} from './text.js'

// GitHub Actions workflow commands: one `::error` annotation per new violation at its call site,
// a `::notice` per stale baseline entry, then the text summary in a collapsed group. Escaping
// follows @actions/core: in data %, CR and LF; in properties also `:` and `,`. The text part runs
// between ::stop-commands:: markers, so nothing a test printed into a name can act as a command.

export interface GithubOptions {
  /** The repository checkout: annotation paths are relative to it. */
  workspace: string
  baselineFile?: string
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** `::name key=value,...::message` with both parts escaped. */
export function workflowCommand(
  name: string,
  properties: Record<string, string | number | undefined>,
  message: string,
) {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',')
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`
}

function location(gate: Gate, event: ReportEvent, workspace: string) {
  const root = rootOf(gate.report, event)
  if (event.callSite) {
    const file = workspacePath(event.callSite.file, root, workspace)
    if (file) {
      return {
        file,
        line: event.callSite.line > 0 ? event.callSite.line : undefined,
        col: event.callSite.column > 0 ? event.callSite.column : undefined,
      }
    }
  }
  const testFile = event.scope.file ? workspacePath(event.scope.file, root, workspace) : undefined
  return { file: testFile, line: undefined, col: undefined }
}

export function formatAnnotation(gate: Gate, event: ReportEvent, workspace: string): string {
  const head = `${describeEvent(event)} (${event.code ?? event.category})${event.count > 1 ? ` ×${event.count}` : ''}`
  return annotation(gate, event, workspace, head, `test: ${describeScope(event)}`)
}

/** One error annotation: its head line, who ran it, where, through what, and the line that allows it. */
function annotation(gate: Gate, event: ReportEvent, workspace: string, head: string, who: string): string {
  const lines = [head, who]
  // The test row is `who`: one test, or the tests of a place.
  for (const [label, value] of violationFacts(event)) if (label !== 'test') lines.push(`${label}: ${value}`)
  lines.push(`to allow: ${suggestAllowance(event)}`)
  const where = location(gate, event, workspace)
  return workflowCommand(
    'error',
    {
      file: where.file,
      line: where.line,
      col: where.col,
      title: `leakgate: ${event.event} (${event.code ?? event.category})`,
    },
    safeText(lines.join('\n')),
  )
}

/** At most this many places get an annotation (GitHub shows ten error annotations per step). */
const MAX_ANNOTATED_PLACES = 50

/** The annotation of one place: as formatAnnotation for a single event, with its tests for several. */
export function formatPlaceAnnotation(gate: Gate, place: LeakGroup, workspace: string): string {
  const event = place.first
  if (place.events.length === 1) return formatAnnotation(gate, event, workspace)
  const head = `${describeEvent(event)} (${event.code ?? event.category}) ×${place.count}`
  return annotation(gate, event, workspace, head, `tests: ${describeTests(place.tests)}`)
}

export function formatGithub(gate: Gate, options: GithubOptions): string {
  const out: string[] = []
  const several = new Set(gate.report.runs.map((run) => run.framework)).size > 1
  for (const problem of gate.incomplete) {
    const run = gate.report.runs.find((candidate) => candidate.framework === problem.framework)
    const file = problem.file && run ? workspacePath(problem.file, run.root, options.workspace) : undefined
    out.push(
      workflowCommand(
        'error',
        { file, title: 'leakgate: incomplete run' },
        safeText(`${describeIncomplete(problem, several)}\n${INCOMPLETE_HINT}`),
      ),
    )
  }
  // One annotation per place a new violation happens (its tests named), the largest first; GitHub
  // shows only the first few per step, and a run with thousands of violations must not print a
  // line for each.
  const places = groupLeaks(gate.fresh)
  for (const place of places.slice(0, MAX_ANNOTATED_PLACES)) {
    out.push(formatPlaceAnnotation(gate, place, options.workspace))
  }
  if (places.length > MAX_ANNOTATED_PLACES) {
    const rest = places.slice(MAX_ANNOTATED_PLACES)
    const count = rest.reduce((total, place) => total + place.count, 0)
    out.push(
      workflowCommand(
        'warning',
        { title: 'leakgate: more places than annotated' },
        `${plural(count, 'more new violation')} at ${plural(rest.length, 'other place')}: counted in the job log's table; \`leakgate report --details\` or --format sarif lists every one`,
      ),
    )
  }
  for (const entry of gate.dropped) {
    if (entry.violations === 0) continue
    const run = gate.report.runs.find((candidate) => candidate.framework === entry.framework) ?? gate.report.runs[0]
    const file = entry.file ? workspacePath(entry.file, run?.root, options.workspace) : undefined
    out.push(
      workflowCommand(
        'error',
        { file, title: 'leakgate: more violations than the report lists' },
        safeText(`${describeDropped(entry)} (the report keeps 100 events per test; see the job log)`),
      ),
    )
  }
  for (const entry of gate.stale) {
    const where = describePlace(entry)
    out.push(
      workflowCommand(
        'notice',
        { file: options.baselineFile, title: 'leakgate: stale baseline entry' },
        safeText(
          `${entry.category} ${JSON.stringify(entry.target)} in ${where} no longer occurs: remove it with \`leakgate baseline --prune\``,
        ),
      ),
    )
  }
  const token = randomBytes(16).toString('hex')
  const fresh = newViolationCount(gate)
  const headline = fresh > 0 ? plural(fresh, 'new violation') : 'no new violations'
  out.push(
    `::group::leakgate: ${gate.incomplete.length > 0 ? `${escapeData(incompleteHeadline(gate))}, ${headline}` : headline}`,
  )
  out.push(`::stop-commands::${token}`)
  out.push(formatText(gate, { color: false }).trimEnd())
  out.push(`::${token}::`)
  out.push('::endgroup::')
  return `${out.join('\n')}\n`
}
