import path from 'node:path'
import type { FileMark } from '../recorder.js'

// Did the guard run everywhere? A gate is only worth its green when green cannot come from a
// run that went wrong: a bad option (every suite failed to run, nothing was audited), a test
// file whose environment or setup file never started the guard, a worker killed mid-file (its
// last events lost). The reporters compare the files the runner ran with the marks each guard
// left in the sink (recorder.ts) and write what is missing into the run's `incomplete`; the gate
// refuses a report that has one, and every output format says why.

/**
 * `shard-missing` is the gate's own finding (no run writes it): a sharded run of which some
 * shards' reports were not given, so their test files were audited by no report at hand.
 */
export type IncompleteReason = 'options' | 'not-started' | 'not-finished' | 'shard-missing'

export interface IncompleteProblem {
  /** The test file, relative to the run's root; absent when the whole run is concerned. */
  file?: string
  reason: IncompleteReason
  /** One line: what happened, and what the runner said. */
  detail: string
}

export interface Incomplete {
  /** Test files the runner ran (or was to run). */
  expected: number
  /** Of those, the files whose guard started and saw the file to its end. */
  audited: number
  problems: IncompleteProblem[]
}

/** A file the runner ran, as the reporter knows it. */
export interface RanFile {
  /** Absolute path. */
  path: string
  /** The runner's own error for the file (its first line is kept), if it failed to run. */
  error?: string
  /** The runner skipped the file: without marks it is not a problem (nothing of it ran). */
  skipped?: boolean
  /**
   * What the adapter knows of why the guard would not start in it (a per-file environment that
   * is not leakgate's, say): shown when the guard never started and the runner said nothing.
   */
  hint?: string
}

const MAX_DETAIL = 300

function firstLine(text: string): string {
  const line =
    text
      .split('\n')
      .map((part) => part.trim())
      .find((part) => part !== '' && part !== 'Test suite failed to run' && !/^●/.test(part)) ?? ''
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL - 1)}…` : line
}

/** The runner's error for a file is one of leakgate's refusals ('… (LEAKGATE_EXEC_BLOCKED)'). */
function refusedByTheGuard(error: string | undefined): boolean {
  return error !== undefined && /^(?:LeakgateError: )?(?:blocked|detected) .*\(LEAKGATE_[A-Z_]+\)/m.test(error)
}

function relative(root: string, file: string): string {
  const rel = path.relative(root, file)
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/')
}

/** What the marks say of the files the runner ran; undefined when every one was audited. */
export function auditCoverage(
  ran: readonly RanFile[],
  marks: readonly FileMark[],
  root: string,
): Incomplete | undefined {
  const started = new Set<string>()
  const ended = new Set<string>()
  for (const mark of marks) (mark.state === 'start' ? started : ended).add(path.resolve(mark.file))
  const problems: IncompleteProblem[] = []
  let expected = 0
  let audited = 0
  const seen = new Set<string>()
  for (const file of ran) {
    const absolute = path.resolve(file.path)
    if (seen.has(absolute)) continue
    seen.add(absolute)
    const said = file.error ? firstLine(file.error) : ''
    if (ended.has(absolute)) {
      expected += 1
      audited += 1
      continue
    }
    if (started.has(absolute) && refusedByTheGuard(file.error)) {
      // The file failed while it was imported, for a leak the guard refused and recorded then
      // (violations are written at once): nothing of it ran after that, nothing was lost. Its
      // worker lived on, though the runner ran none of the file's hooks, the end mark's among them.
      expected += 1
      audited += 1
      continue
    }
    if (started.has(absolute) && file.skipped && !file.error) {
      // The runner imported the file (its guard started) and then ran none of its tests: a
      // `-t` filter that matches none of them, every test skipped. Vitest then runs none of the
      // file's hooks, the end mark's among them; its import was seen whole (its events are in
      // the sink) and nothing of the file ran after it. Its worker lived on.
      expected += 1
      audited += 1
      continue
    }
    if (started.has(absolute)) {
      expected += 1
      problems.push({
        file: relative(root, absolute),
        reason: 'not-finished',
        detail: `the file did not finish: its worker stopped mid-file (killed or crashed), so events of its last moments may be lost${said ? ` (${said})` : ''}`,
      })
      continue
    }
    if (file.skipped) continue
    expected += 1
    problems.push({
      file: relative(root, absolute),
      reason: 'not-started',
      detail: `the guard never started in this file${said ? `: ${said}` : file.hint ? `: ${file.hint}` : ' (its test environment or setup file did not run it)'}`,
    })
  }
  // A file the guard started in that the runner does not list (its worker died before the
  // runner could say anything of it).
  for (const file of [...started].sort()) {
    if (seen.has(file) || ended.has(file)) continue
    expected += 1
    problems.push({
      file: relative(root, file),
      reason: 'not-finished',
      detail:
        'the file did not finish: its worker stopped mid-file (killed or crashed), so events of its last moments may be lost',
    })
  }
  return problems.length === 0 ? undefined : { expected, audited, problems }
}

/** A run that audited nothing because the guard refused its options (the message's first line). */
export function refusedRun(message: string): Incomplete {
  return { expected: 0, audited: 0, problems: [{ reason: 'options', detail: firstLine(message) }] }
}

/**
 * A run that has not reached its end. Written at the start of each run and replaced by the real
 * report when the run ends: a runner that dies on the way (a crash, an interrupt, a worker whose
 * loss it cannot survive, as Vitest 3 cannot) leaves this behind, never an earlier run's green.
 */
export function unfinishedRun(): Incomplete {
  return {
    expected: 0,
    audited: 0,
    problems: [
      {
        reason: 'not-finished',
        detail:
          'the run did not reach its end: the test runner stopped before leakgate could write its report (a crash, an interrupt, or a worker it could not do without), so nothing of this run was audited to its end',
      },
    ],
  }
}

/** `tests/a.test.js: the file did not finish ...` */
export function describeProblem(problem: IncompleteProblem): string {
  return problem.file ? `${problem.file}: ${problem.detail}` : problem.detail
}
