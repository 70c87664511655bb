import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LeakgateReport, ReportEvent } from '@leakgate/core/report'

/**
 * The one checker of a shared fixture's `expected.json` (fixtures/README.md), for every
 * adapter's e2e: Vitest, Jest, Mocha, node:test. An adapter's e2e runs its real CLI on a copy of
 * the fixture, then calls:
 *
 * ```ts
 * import { checkExpected, readExpected } from '../../../core/test/support/expected.js'
 *
 * const problems = checkExpected(
 *   {
 *     runner: 'Mocha',
 *     report: run.report, // the leakgate-report.json the run wrote (undefined: none)
 *     // How the runner itself saw one file, by its path relative to the fixture; `files`
 *     // undefined when the runner wrote no results at all.
 *     files: results && ((file) => outcomeOf(results, file)),
 *   },
 *   readExpected('leaky'),
 *   { skipFiles: { 'tests/snapshot.test.js': 'Mocha has no toMatchSnapshot' } },
 * )
 * expect(problems, run.output.slice(-3000)).toEqual([])
 * ```
 *
 * It returns every difference, one line each (a failing test shows all of them at once):
 * - each file's outcome: it fails as a whole (import, hook, late work) exactly when expected.json
 *   says `status: "fail"`, and then with a leakgate error that names each file-level violation;
 *   a file that fails for any other reason is a problem;
 * - each test's outcome (pass/fail), and a failing test with violations shows a leakgate error
 *   naming each of them;
 * - every event of the report accounted for, each expected event claiming one report event (the
 *   report groups repeats, with a count): a file's violations by phase (`import`, `hook`, `late`)
 *   and test (none for import and file hooks), a test's violations and allowed events (phase
 *   `test`), and allowed events listed in `allowedAnywhere`. An event nobody expected is a false
 *   positive, and a problem.
 * A file the runner cannot run is left out only through `skipFiles`, with the reason: never
 * silently. Its events are not checked either.
 */
export function checkExpected(run: RunOutcome, expected: Expected, options: CheckOptions = {}): string[] {
  const problems: string[] = []
  if (!run.files) problems.push(`no ${run.runner} results: the run did not get that far`)
  if (!run.report) problems.push('no leakgate report was written')
  if (!run.files || !run.report) return problems
  const skipped = (file: string | undefined) => file !== undefined && options.skipFiles?.[file] !== undefined
  const pool = run.report.events.filter((event) => !skipped(event.scope.file))
  /** Takes the events of `pool` that `select` picks out of it. */
  const take = (select: (event: ReportEvent) => boolean): ReportEvent[] => {
    const taken = pool.filter(select)
    for (const event of taken) pool.splice(pool.indexOf(event), 1)
    return taken
  }
  const allowedAnywhere = (event: ReportEvent) =>
    event.decision.allowed && (expected.allowedAnywhere ?? []).some((want) => matches(want, event))
  for (const [file, spec] of Object.entries(expected.files)) {
    if (skipped(file)) continue
    const outcome = run.files(file)
    if (!outcome) {
      problems.push(`${file}: not in ${run.runner}'s results`)
      continue
    }
    checkFileOutcome(file, spec, outcome, run.runner, problems)
    const fileLevel = take(
      (event) => event.scope.file === file && !event.decision.allowed && event.scope.phase !== 'test',
    )
    // A file-level violation is of its phase, and of its test (late work) or of none.
    const fileLevelClaims = (spec.fileViolations ?? []).map((want) => ({
      ...want,
      where: (event: ReportEvent) => event.scope.phase === want.phase && event.scope.test === want.test,
    }))
    claim(fileLevelClaims, fileLevel, `${file} (file, violation)`, problems)
    for (const extra of fileLevel) problems.push(`${file}: unexpected file-level ${show(extra)}`)
    for (const [name, test] of Object.entries(spec.tests)) {
      const label = `${file} > ${name}`
      const result = outcome.test(name)
      if (!result) problems.push(`${label}: not in ${run.runner}'s results`)
      else checkTestOutcome(label, test, result, run.runner, problems)
      const mine = take(
        (event) => event.scope.file === file && event.scope.test === name && event.scope.phase === 'test',
      )
      const violations = mine.filter((event) => !event.decision.allowed)
      const allowed = mine.filter((event) => event.decision.allowed)
      claim(test.violations ?? [], violations, `${label} (violation)`, problems)
      claim(test.allowed ?? [], allowed, `${label} (allowed)`, problems)
      for (const extra of [...violations, ...allowed]) {
        if (!allowedAnywhere(extra)) problems.push(`${label}: unexpected ${show(extra)}`)
      }
    }
  }
  for (const event of pool) if (!allowedAnywhere(event)) problems.push(`unexpected ${show(event)}`)
  return problems
}

/** How a runner saw one run: its own results, adapter-neutral, and the leakgate report. */
export interface RunOutcome {
  /** The runner's name, for the problems ("Vitest", "Jest"). */
  runner: string
  /** The leakgate report the run wrote; undefined when none was. */
  report: LeakgateReport | undefined
  /**
   * One file's outcome by its path relative to the fixture (`tests/net.test.js`); undefined
   * when the runner has no result for it. The function itself is undefined when the runner
   * wrote no results.
   */
  files: ((file: string) => FileOutcome | undefined) | undefined
}

export interface FileOutcome {
  /**
   * The error that failed the file as a whole (at import, in a file hook, late work), as the
   * runner printed it; '' when the file as a whole did not fail. A failing test is not this.
   */
  failure: string
  /** One test's outcome by its name (`describe > test` for a nested one). */
  test(name: string): TestOutcome | undefined
}

export interface TestOutcome {
  /** `pass`, `fail`, or the runner's own word for anything else (`skipped`, `todo`). */
  status: string
  /** The test's failure messages as the runner shows them, joined; '' when it passed. */
  failure: string
}

/** A test's outcome from the words most runners' JSON uses (`passed`, `failed`, …) and its messages. */
export function testOutcome(status: string, failureMessages: readonly string[]): TestOutcome {
  return {
    status: status === 'passed' ? 'pass' : status === 'failed' ? 'fail' : status,
    failure: failureMessages.join('\n'),
  }
}

export interface CheckOptions {
  /** Files this runner cannot run, each with the reason: neither they nor their events are checked. */
  skipFiles?: Record<string, string>
}

export interface ExpectedEvent {
  category: string
  /** The event name; `*` matches any run of characters. */
  event: string
  /** `*` matches any run of characters (dynamic ports, paths). */
  target?: string
  /** The rule that allowed it (`*` as in target). */
  rule?: string
  /** Where that rule came from: config, file, test, default. */
  source?: string
  /** `worker`, `child`, …; absent means the test's own thread. */
  origin?: string
  /** A file-level violation's phase: import, hook, late. */
  phase?: string
  /** A file-level violation's test (late work of a test); absent: no test. */
  test?: string
  /** The call site's line in the test file: the test's own line, past any framework wrapper. */
  line?: number
}

export interface ExpectedTest {
  status: 'pass' | 'fail'
  violations?: ExpectedEvent[]
  allowed?: ExpectedEvent[]
}

export interface ExpectedFile {
  status?: 'pass' | 'fail'
  fileViolations?: ExpectedEvent[]
  tests: Record<string, ExpectedTest>
}

export interface Expected {
  options: Record<string, unknown>
  files: Record<string, ExpectedFile>
  allowedAnywhere?: ExpectedEvent[]
}

export const FIXTURES = fileURLToPath(new URL('../../../../fixtures/', import.meta.url))

/** `fixtures/<fixture>/expected.json`. */
export function readExpected(fixture: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, fixture, 'expected.json'), 'utf8')) as Expected
}

/** `*` matches any run of characters (newlines too); everything else literally. */
export function globMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${source}$`, 's').test(value)
}

// A leakgate refusal as a runner prints it: the error's name, or the code of a blocked call (a
// library's error that carries our message, a service keeping its reason).
const LEAKGATE_FAILURE = /LeakgateError|LEAKGATE_[A-Z]+_BLOCKED/
const LEAKGATE_BLOCKED = /LEAKGATE_[A-Z]+_BLOCKED/

function firstLine(text: string): string {
  return JSON.stringify(text.split('\n')[0])
}

function checkFileOutcome(file: string, spec: ExpectedFile, outcome: FileOutcome, runner: string, problems: string[]) {
  const failed = outcome.failure !== ''
  const byLeakgate = LEAKGATE_BLOCKED.test(outcome.failure)
  if (spec.status === 'fail' && !failed) problems.push(`${file}: the file should fail as a whole; ${runner} ran it`)
  if (spec.status !== 'fail' && failed)
    problems.push(`${file}: the file should not fail: ${firstLine(outcome.failure)}`)
  if (failed && !byLeakgate) problems.push(`${file}: failed to run: ${outcome.failure.slice(0, 2000)}`)
  if (!failed) return
  for (const wanted of spec.fileViolations ?? []) {
    if (!wanted.event.includes('*') && !outcome.failure.includes(wanted.event)) {
      problems.push(`${file}: the file's failure does not mention ${wanted.event}`)
    }
  }
}

function checkTestOutcome(label: string, test: ExpectedTest, result: TestOutcome, runner: string, problems: string[]) {
  if (result.status !== test.status) {
    problems.push(
      `${label}: expected ${test.status}, got ${result.status}${result.failure ? `\n${result.failure}` : ''}`,
    )
  }
  if (test.status !== 'fail' || result.status !== 'fail') return
  // Why it failed: the runner's failure names each violation (report mode fails nothing).
  for (const violation of test.violations ?? []) {
    const named = LEAKGATE_FAILURE.test(result.failure)
    if (!named || (!violation.event.includes('*') && !result.failure.includes(violation.event))) {
      problems.push(`${label}: ${runner}'s failure does not show the ${violation.event} violation`)
    }
  }
}

function matches(expected: ExpectedEvent, event: ReportEvent): boolean {
  if (event.category !== expected.category || !globMatch(expected.event, event.event)) return false
  if (expected.target !== undefined && !globMatch(expected.target, event.target)) return false
  if (expected.rule !== undefined && !globMatch(expected.rule, event.decision.rule)) return false
  if (expected.source !== undefined && event.decision.source !== expected.source) return false
  if (expected.line !== undefined && event.callSite?.line !== expected.line) return false
  return (expected.origin ?? undefined) === (event.origin ?? undefined)
}

/** Pairs each expected event with one of `pool` (removed from it); a missing one is a problem. */
function claim(
  expected: readonly (ExpectedEvent & { where?: (event: ReportEvent) => boolean })[],
  pool: ReportEvent[],
  label: string,
  problems: string[],
): void {
  for (const { where, ...want } of expected) {
    const at = pool.findIndex((event) => matches(want, event) && (where?.(event) ?? true))
    if (at === -1) problems.push(`${label}: missing ${JSON.stringify(want)}`)
    else pool.splice(at, 1)
  }
}

function show(event: ReportEvent): string {
  const where = [event.scope.file, event.scope.test, event.scope.phase].filter(Boolean).join(' > ')
  const how = event.decision.allowed ? `allowed by ${event.decision.rule} (${event.decision.source})` : 'violation'
  return `${event.category} ${event.event} ${JSON.stringify(event.target)}${event.origin ? ` [${event.origin}]` : ''} at ${where}: ${how}`
}
