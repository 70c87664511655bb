import fs from 'node:fs'
import path from 'node:path'
import type { ReportEvent } from '@leakgate/core/report'
import { fixturesDir, type RunResult } from './harness.js'

// Checks one run of a shared fixture against its `expected.json` (the contract with the Jest
// adapter, see fixtures/README.md). Returns the list of differences, one line each, so a
// failing e2e test shows every problem at once.

interface ExpectedEvent {
  category: string
  event: string
  target?: string
  rule?: string
  source?: string
  origin?: string
  phase?: string
  test?: string
}

interface ExpectedTest {
  status: 'pass' | 'fail'
  violations?: ExpectedEvent[]
  allowed?: ExpectedEvent[]
}

interface ExpectedFile {
  status?: 'fail'
  fileViolations?: ExpectedEvent[]
  tests: Record<string, ExpectedTest>
}

export interface Expected {
  options: Record<string, unknown>
  files: Record<string, ExpectedFile>
  allowedAnywhere?: ExpectedEvent[]
}

export function loadExpected(fixture: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(fixturesDir, fixture, 'expected.json'), 'utf8')) as Expected
}

/** `*` matches anything (ports, paths); everything else literally. */
export function globMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${source}$`, 's').test(value)
}

function matches(expected: ExpectedEvent, event: ReportEvent): boolean {
  if (expected.category !== event.category) return false
  if (!globMatch(expected.event, event.event)) return false
  if (expected.target !== undefined && !globMatch(expected.target, event.target)) return false
  if (expected.rule !== undefined && !globMatch(expected.rule, event.decision.rule)) return false
  if (expected.source !== undefined && expected.source !== event.decision.source) return false
  if (expected.origin !== event.origin) return false
  return true
}

function show(event: ReportEvent): string {
  const where = [event.scope.file, event.scope.test, event.scope.phase].filter(Boolean).join(' > ')
  const how = event.decision.allowed ? `allowed by ${event.decision.rule} (${event.decision.source})` : 'violation'
  return `${event.category} ${event.event} ${JSON.stringify(event.target)}${event.origin ? ` [${event.origin}]` : ''} at ${where}: ${how}`
}

export interface CheckOptions {
  /** Files left out of this run, with the reason (a framework limitation). */
  skipFiles?: Record<string, string>
}

export function checkExpected(run: RunResult, expected: Expected, options: CheckOptions = {}): string[] {
  const problems: string[] = []
  const events = run.report?.events ?? []
  if (!run.json) problems.push('no Vitest JSON report: the run did not get that far')
  if (!run.report) problems.push('no leakgate-report.json')
  const used = new Set<ReportEvent>()
  const claim = (candidates: ReportEvent[], wanted: ExpectedEvent, label: string) => {
    const found = candidates.filter((event) => matches(wanted, event))
    if (found.length === 0) problems.push(`${label}: missing ${JSON.stringify(wanted)}`)
    for (const event of found) used.add(event)
  }
  for (const [file, spec] of Object.entries(expected.files)) {
    if (options.skipFiles?.[file]) continue
    const result = run.json?.testResults.find((r) => r.name.split(path.sep).join('/').endsWith(`/${file}`))
    if (run.json && !result) {
      problems.push(`${file}: not in Vitest's results`)
      continue
    }
    const fileMessage = result?.message ?? ''
    const fileFailed = /LEAKGATE_[A-Z]+_BLOCKED/.test(fileMessage)
    if (spec.status === 'fail' && !fileFailed)
      problems.push(`${file}: the file should fail (got ${JSON.stringify(fileMessage.split('\n')[0])})`)
    if (spec.status !== 'fail' && fileFailed)
      problems.push(`${file}: the file should not fail: ${fileMessage.split('\n')[0]}`)
    if (fileMessage && !fileFailed) problems.push(`${file}: failed to run: ${fileMessage.split('\n')[0]}`)
    const inFile = events.filter((event) => event.scope.file === file)
    for (const wanted of spec.fileViolations ?? []) {
      const candidates = inFile.filter(
        (event) =>
          !event.decision.allowed &&
          event.scope.phase === wanted.phase &&
          (wanted.test === undefined ? event.scope.test === undefined : event.scope.test === wanted.test),
      )
      claim(candidates, wanted, `${file} (file, ${wanted.phase})`)
    }
    for (const [name, test] of Object.entries(spec.tests)) {
      const assertion = result?.assertionResults.find((r) => r.title === name)
      const status =
        assertion?.status === 'passed' ? 'pass' : assertion?.status === 'failed' ? 'fail' : assertion?.status
      if (result && status !== test.status) {
        const why = assertion?.failureMessages[0]?.split('\n')[0]
        problems.push(
          `${file} > ${name}: expected ${test.status}, got ${status ?? 'no result'}${why ? ` (${why})` : ''}`,
        )
      }
      const ofTest = inFile.filter((event) => event.scope.test === name && event.scope.phase === 'test')
      for (const wanted of test.violations ?? []) {
        claim(
          ofTest.filter((event) => !event.decision.allowed),
          wanted,
          `${file} > ${name} (violation)`,
        )
      }
      for (const wanted of test.allowed ?? []) {
        claim(
          ofTest.filter((event) => event.decision.allowed),
          wanted,
          `${file} > ${name} (allowed)`,
        )
      }
    }
  }
  for (const event of events) {
    if (used.has(event)) continue
    if (event.scope.file && options.skipFiles?.[event.scope.file]) continue
    if (event.decision.allowed && (expected.allowedAnywhere ?? []).some((wanted) => matches(wanted, event))) continue
    problems.push(`unexpected event: ${show(event)}`)
  }
  return problems
}
