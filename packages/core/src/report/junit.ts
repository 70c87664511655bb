import { describeScope, describeSite, NO_FILE, safeText, suggestAllowance } from './display.js'
import type { Gate } from './gate.js'
import type { ReportEvent } from './model.js'
import { describeEvent } from './text.js'

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
}

function caseName(event: ReportEvent): string {
  if (event.scope.test) return event.scope.test
  return event.scope.phase === 'run' ? '(run)' : `(file: ${event.scope.phase})`
}

function detail(event: ReportEvent): string {
  const lines = [
    `${describeEvent(event)} (${event.code ?? event.category})${event.count > 1 ? ` ×${event.count}` : ''}`,
  ]
  lines.push(`  test       ${describeScope(event)}`)
  if (event.callSite) lines.push(`  called at  ${describeSite(event.callSite)}`)
  if (event.package)
    lines.push(`  via        ${event.via ? `${event.package} (${describeSite(event.via)})` : event.package}`)
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
  const place = (events: readonly ReportEvent[], kind: 'fresh' | 'known' | 'allowed') => {
    for (const event of events) {
      const file = event.scope.file ?? NO_FILE
      let cases = files.get(file)
      if (!cases) {
        cases = new Map()
        files.set(file, cases)
      }
      const name = caseName(event)
      let entry = cases.get(name)
      if (!entry) {
        entry = { name, fresh: [], known: [], allowed: [] }
        cases.set(name, entry)
      }
      entry[kind].push(event)
    }
  }
  place(gate.fresh, 'fresh')
  place(gate.known, 'known')
  place(gate.allowed, 'allowed')
  const timestamp = timestampOf(gate)
  const suites: string[] = []
  let tests = 0
  let failures = 0
  for (const file of [...files.keys()].sort()) {
    const cases = [...(files.get(file) as Map<string, Case>).values()].sort((a, b) => a.name.localeCompare(b.name))
    const failing = cases.filter((entry) => entry.fresh.length > 0).length
    tests += cases.length
    failures += failing
    const attr = (text: string) => escapeXml(safeText(text), true)
    const body = cases.map((entry) => {
      const parts: string[] = []
      if (entry.fresh.length > 0) {
        const first = entry.fresh[0] as ReportEvent
        const more = entry.fresh.length > 1 ? ` (and ${entry.fresh.length - 1} more)` : ''
        parts.push(
          `      <failure type="${attr(first.code ?? first.category)}" message="${attr(`${describeEvent(first)}${more}`)}">${escapeXml(safeText(entry.fresh.map(detail).join('\n\n')))}</failure>`,
        )
      }
      const notes = [
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
