import fs from 'node:fs'
import path from 'node:path'
import type { ReportEvent } from '@leakgate/core/report'
import { FIXTURES, fileResult, type JestRun, testResult } from './run-jest.js'

// Checks a Jest run against a shared fixture's expected.json (the contract both adapters meet):
// each file's and test's outcome from Jest's own results, and every event of the leakgate
// report accounted for: violations per test and per file, allowed events per test (or anywhere,
// when listed so). An event nobody expected is a false positive. Returns the list of problems.

interface ExpectedEvent {
  category: string
  event: string
  target?: string
  phase?: string
  test?: string
  rule?: string
  source?: string
  origin?: string
}

interface ExpectedTest {
  status: 'pass' | 'fail'
  violations?: ExpectedEvent[]
  allowed?: ExpectedEvent[]
}

interface ExpectedFile {
  status?: 'pass' | 'fail'
  fileViolations?: ExpectedEvent[]
  tests: Record<string, ExpectedTest>
}

export interface Expected {
  options: object
  files: Record<string, ExpectedFile>
  allowedAnywhere?: ExpectedEvent[]
}

export function readExpected(fixture: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, fixture, 'expected.json'), 'utf8')) as Expected
}

/** `*` matches any run of characters; everything else literally. */
function glob(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${source}$`).test(value)
}

function matches(expected: ExpectedEvent, event: ReportEvent): boolean {
  if (event.category !== expected.category || !glob(expected.event, event.event)) return false
  if (expected.target !== undefined && !glob(expected.target, event.target)) return false
  if (expected.phase !== undefined && event.scope.phase !== expected.phase) return false
  if (expected.test !== undefined && event.scope.test !== expected.test) return false
  if (expected.rule !== undefined && !glob(expected.rule, event.decision.rule ?? '')) return false
  if (expected.source !== undefined && event.decision.source !== expected.source) return false
  return (expected.origin ?? undefined) === (event.origin ?? undefined)
}

function show(event: ReportEvent): string {
  const where = [event.scope.file, event.scope.test, event.scope.phase].filter(Boolean).join(' > ')
  const rule = event.decision.allowed ? ` allowed by ${event.decision.rule} (${event.decision.source})` : ''
  return `${event.category} ${event.event} ${JSON.stringify(event.target)}${event.origin ? ` [${event.origin}]` : ''}${rule} at ${where}`
}

/**
 * Pairs expected events with actual ones (each used once); returns what is missing. Matched
 * actual events are removed from `pool`.
 */
function claim(expected: readonly ExpectedEvent[], pool: ReportEvent[], label: string, problems: string[]): void {
  for (const want of expected) {
    const at = pool.findIndex((event) => matches(want, event))
    if (at === -1) problems.push(`${label}: missing ${JSON.stringify(want)}`)
    else pool.splice(at, 1)
  }
}

export function checkExpected(run: JestRun, expected: Expected): string[] {
  const problems: string[] = []
  const report = run.report
  if (!run.results) return ['no --json results were written']
  if (!report) return ['no leakgate report was written']
  const pool = [...report.events]
  for (const [file, want] of Object.entries(expected.files)) {
    const result = fileResult(run, file)
    if (!result) {
      problems.push(`${file}: not in Jest's results`)
      continue
    }
    const fileFails = want.status === 'fail'
    const suiteFailed = result.message.includes('Test suite failed to run')
    if (fileFails !== suiteFailed) {
      problems.push(
        `${file}: expected the suite to ${fileFails ? 'fail to run' : 'run'}, Jest said:\n${result.message}`,
      )
    }
    const fileLevel = pool.filter(
      (event) => event.scope.file === file && !event.decision.allowed && event.scope.phase !== 'test',
    )
    for (const event of fileLevel) pool.splice(pool.indexOf(event), 1)
    claim(want.fileViolations ?? [], fileLevel, `${file} (file level)`, problems)
    for (const extra of fileLevel) problems.push(`${file}: unexpected file-level violation ${show(extra)}`)
    for (const event of want.fileViolations ?? []) {
      if (!result.message.includes(`${event.event.includes('*') ? '' : event.event}`)) {
        problems.push(`${file}: the suite's failure does not mention ${event.event}`)
      }
    }
    for (const [name, test] of Object.entries(want.tests)) {
      const label = `${file} > ${name}`
      const actual = testResult(run, file, name)
      if (!actual) {
        problems.push(`${label}: not in Jest's results`)
        continue
      }
      const status = actual.status === 'passed' ? 'pass' : actual.status === 'failed' ? 'fail' : actual.status
      if (status !== test.status) {
        problems.push(`${label}: expected ${test.status}, got ${status}\n${actual.failureMessages.join('\n')}`)
      }
      const mine = pool.filter((event) => event.scope.file === file && event.scope.test === name)
      for (const event of mine) pool.splice(pool.indexOf(event), 1)
      const violations = mine.filter((event) => !event.decision.allowed)
      const allowed = mine.filter((event) => event.decision.allowed)
      claim(test.violations ?? [], violations, `${label} (violations)`, problems)
      claim(test.allowed ?? [], allowed, `${label} (allowed)`, problems)
      for (const extra of [...violations, ...allowed]) problems.push(`${label}: unexpected ${show(extra)}`)
      // Why it failed: Jest's message names each violation (report mode fails nothing).
      for (const violation of test.status === 'fail' ? (test.violations ?? []) : []) {
        const text = actual.failureMessages.join('\n')
        // Ours, or a library's error that carries our message (a service keeping its reason).
        const named = text.includes('LeakgateError') || /LEAKGATE_[A-Z]+_BLOCKED/.test(text)
        if (!named || (!violation.event.includes('*') && !text.includes(violation.event))) {
          problems.push(`${label}: Jest's failure does not show the ${violation.event} violation`)
        }
      }
    }
  }
  for (const event of pool) {
    const anywhere = (expected.allowedAnywhere ?? []).some((want) => event.decision.allowed && matches(want, event))
    if (!anywhere) problems.push(`unexpected event ${show(event)}`)
  }
  return problems
}
