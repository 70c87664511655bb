import { violationFacts } from '../message.js'
import type { DroppedEvents } from './cap.js'
import { describeProblem } from './coverage.js'
import { NO_FILE, plural, safeText, suggestAllowance } from './display.js'
import type { Gate } from './gate.js'
import type { ReportEvent } from './model.js'
import { describeDropped, describeEvent, INCOMPLETE_HINT } from './text.js'

// JUnit XML for CI test-report views (GitLab, Jenkins, Azure, test-reporter actions): one
// <testsuite> per test file, one <testcase> per test that had events. New violations are a
// <failure>; known ones (baseline) and allowed events go to <system-out>, and do not fail.
// Valid against the Jenkins JUnit schema (junit-4.xsd), which the unit tests check.

// XML 1.0 forbids most control characters even as references: drop them.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

export function escapeXml(text: string, attribute = false): string {
  const escaped = text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return attribute
    ? escaped.replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;')
    : escaped
}

interface Case {
  name: string
  fresh: ReportEvent[]
  known: ReportEvent[]
  allowed: ReportEvent[]
  /** What the report's per-test cap left out of this test. */
  dropped?: DroppedEvents
}

function caseName(event: ReportEvent): string {
  if (event.scope.test) return event.scope.test
  return event.scope.phase === 'run' ? '(run)' : `(file: ${event.scope.phase})`
}

function detail(event: ReportEvent): string {
  const lines = [
    `${describeEvent(event)} (${event.code ?? event.category})${event.count > 1 ? ` ×${event.count}` : ''}`,
  ]
  for (const [label, value] of violationFacts(event, { noTest: NO_FILE })) lines.push(`  ${label.padEnd(10)} ${value}`)
  lines.push(`  framework  ${event.framework}`)
  lines.push(`  to allow   ${suggestAllowance(event)}`)
  return lines.join('\n')
}

function timestampOf(gate: Gate): string {
  const first = gate.report.runs.map((run) => run.startedAt).sort()[0]
  const date = first ? new Date(first) : new Date(0)
  return (Number.isNaN(date.getTime()) ? new Date(0) : date).toISOString().slice(0, 19)
}

export function formatJunit(gate: Gate): string {
  const files = new Map<string, Map<string, Case>>()
  const caseOf = (file: string, name: string): Case => {
    let cases = files.get(file)
    if (!cases) {
      cases = new Map()
      files.set(file, cases)
    }
    let entry = cases.get(name)
    if (!entry) {
      entry = { name, fresh: [], known: [], allowed: [] }
      cases.set(name, entry)
    }
    return entry
  }
  const place = (events: readonly ReportEvent[], kind: 'fresh' | 'known' | 'allowed') => {
    for (const event of events) caseOf(event.scope.file ?? NO_FILE, caseName(event))[kind].push(event)
  }
  place(gate.fresh, 'fresh')
  place(gate.known, 'known')
  place(gate.allowed, 'allowed')
  for (const dropped of gate.dropped) {
    caseOf(dropped.file ?? NO_FILE, dropped.test ?? '(file: outside its tests)').dropped = dropped
  }
  const timestamp = timestampOf(gate)
  const suites: string[] = []
  let tests = 0
  let failures = 0
  if (gate.incomplete.length > 0) {
    // A run the guard did not see to its end: one failing case per reason, in a suite of its own.
    const attr = (text: string) => escapeXml(safeText(text), true)
    const body = gate.incomplete.map((problem) => {
      const name = problem.file ?? `(${problem.framework} run)`
      const message = describeProblem(problem)
      return `    <testcase name="${attr(name)}" classname="leakgate.incomplete" time="0">\n      <failure type="LEAKGATE_INCOMPLETE_RUN" message="${attr(message)}">${escapeXml(safeText(`${message} [${problem.framework}]\n${INCOMPLETE_HINT}`))}</failure>\n    </testcase>`
    })
    tests += gate.incomplete.length
    failures += gate.incomplete.length
    suites.push(
      `  <testsuite name="leakgate: incomplete run" tests="${gate.incomplete.length}" failures="${gate.incomplete.length}" errors="0" skipped="0" time="0" timestamp="${timestamp}">\n${body.join('\n')}\n  </testsuite>`,
    )
  }
  for (const file of [...files.keys()].sort()) {
    const cases = [...(files.get(file) as Map<string, Case>).values()].sort((a, b) => a.name.localeCompare(b.name))
    const fails = (entry: Case) => entry.fresh.length > 0 || (entry.dropped?.violations ?? 0) > 0
    const failing = cases.filter(fails).length
    tests += cases.length
    failures += failing
    const attr = (text: string) => escapeXml(safeText(text), true)
    const body = cases.map((entry) => {
      const parts: string[] = []
      const unlisted = entry.dropped?.violations ?? 0
      if (entry.fresh.length > 0) {
        const first = entry.fresh[0] as ReportEvent
        const others = entry.fresh.length - 1 + unlisted
        const more = others > 0 ? ` (and ${others} more)` : ''
        const details = entry.fresh.map(detail)
        if (entry.dropped && unlisted > 0) details.push(`not listed: ${describeDropped(entry.dropped)}`)
        parts.push(
          `      <failure type="${attr(first.code ?? first.category)}" message="${attr(`${describeEvent(first)}${more}`)}">${escapeXml(safeText(details.join('\n\n')))}</failure>`,
        )
      } else if (entry.dropped && unlisted > 0) {
        parts.push(
          `      <failure type="${attr(droppedCode(entry.dropped))}" message="${attr(`${plural(unlisted, 'violation')} not listed in the report`)}">${escapeXml(safeText(describeDropped(entry.dropped)))}</failure>`,
        )
      }
      const notes = [
        ...(entry.dropped && unlisted === 0 ? [`not listed: ${describeDropped(entry.dropped)}`] : []),
        ...entry.known.map((event) => `known (in the baseline): ${detail(event)}`),
        ...entry.allowed.map(
          (event) =>
            `allowed by ${event.decision.rule ?? 'a rule'} (${event.decision.source ?? 'config'}): ${describeEvent(event)}${event.count > 1 ? ` ×${event.count}` : ''}`,
        ),
      ]
      if (notes.length > 0) parts.push(`      <system-out>${escapeXml(safeText(notes.join('\n')))}</system-out>`)
      const open = `    <testcase name="${attr(entry.name)}" classname="${attr(file)}" time="0"`
      return parts.length === 0 ? `${open}/>` : `${open}>\n${parts.join('\n')}\n    </testcase>`
    })
    suites.push(
      `  <testsuite name="${attr(file)}" tests="${cases.length}" failures="${failing}" errors="0" skipped="0" time="0" timestamp="${timestamp}">\n${body.join('\n')}\n  </testsuite>`,
    )
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="leakgate" tests="${tests}" failures="${failures}" errors="0" time="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}

/** The error code of the first category the dropped violations are in. */
function droppedCode(dropped: DroppedEvents): string {
  const category =
    (['net', 'exec', 'eval', 'tamper'] as const).find((name) => (dropped.byCategory[name]?.violations ?? 0) > 0) ??
    'net'
  return `LEAKGATE_${category.toUpperCase()}_BLOCKED`
}
