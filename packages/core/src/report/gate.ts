import { type Baseline, type BaselineEntry, matchBaseline } from './baseline.js'
import { type DroppedEvents, droppedAllowed, droppedViolations } from './cap.js'
import type { IncompleteProblem } from './coverage.js'
import type { LeakgateReport, ReportEvent, RunInfo } from './model.js'

// The gate's verdict on a (merged) report: what every output format shows. Exit code 1 when a
// violation is not in the baseline, or when a run is incomplete (the guard did not run
// everywhere: no report of such a run can be green); known leaks, stale entries and allowed
// events never fail. Violations the report's per-test cap left out (`report.dropped`) cannot be
// matched to a baseline entry: they count as new, so a capped test fails the gate until it is fixed.
// A sharded run is judged whole: a shard whose report is not among the inputs (its job stopped
// before it uploaded one) makes the run incomplete, unless the caller gates some shards alone.

/** A reason a run was not fully audited, with the runner that said so. */
export interface GateIncomplete extends IncompleteProblem {
  framework: string
  shard?: { index: number; count: number }
}

export interface Gate {
  report: LeakgateReport
  /** The baseline file used, if any. */
  baselineFile?: string
  baselineSize: number
  /** Violations not in the baseline: these fail the build. */
  fresh: ReportEvent[]
  /** Violations the baseline accepts. */
  known: ReportEvent[]
  /** Events a rule allowed (config, file or test). */
  allowed: ReportEvent[]
  /** Baseline entries that no longer occur. */
  stale: BaselineEntry[]
  /** Baseline entries of test files this report did not run. */
  unchecked: BaselineEntry[]
  /** Per test, what the report's cap left out (counts only). */
  dropped: DroppedEvents[]
  /** Why runs were not fully audited (empty when every run was): these fail the build. */
  incomplete: GateIncomplete[]
  /** Test files the runs ran / of those, audited to their end (only runs that are incomplete count). */
  coverage: { expected: number; audited: number }
}

export interface GateOptions {
  /** Judge the shards given alone (a per-shard job): other shards' missing reports are not a problem. */
  allowMissingShards?: boolean
}

export function evaluateGate(
  report: LeakgateReport,
  baseline?: Baseline,
  baselineFile?: string,
  options: GateOptions = {},
): Gate {
  const match = matchBaseline(report, baseline)
  const gate: Gate = {
    report,
    baselineSize: baseline?.entries.length ?? 0,
    fresh: match.fresh,
    known: match.known,
    allowed: report.events.filter((event) => event.decision.allowed),
    stale: match.stale,
    unchecked: match.unchecked,
    dropped: report.dropped ?? [],
    incomplete: [],
    coverage: { expected: 0, audited: 0 },
  }
  for (const run of report.runs) {
    if (!run.incomplete) continue
    gate.coverage.expected += run.incomplete.expected
    gate.coverage.audited += run.incomplete.audited
    for (const problem of run.incomplete.problems) {
      const entry: GateIncomplete = { ...problem, framework: run.framework }
      if (run.shard) entry.shard = run.shard
      gate.incomplete.push(entry)
    }
  }
  if (!options.allowMissingShards) gate.incomplete.push(...missingShards(report.runs))
  if (baselineFile !== undefined) gate.baselineFile = baselineFile
  return gate
}

/**
 * One problem per sharded run (framework, root and shard count) whose shards are not all among
 * the reports: which ones are missing, as ranges (`2, 4–6`). A count read from a report is
 * never looped over, so a damaged one costs nothing.
 */
export function missingShards(runs: readonly RunInfo[]): GateIncomplete[] {
  const groups = new Map<string, { framework: string; count: number; seen: Set<number> }>()
  for (const run of runs) {
    if (!run.shard) continue
    const key = JSON.stringify([run.framework, run.root, run.shard.count])
    let group = groups.get(key)
    if (!group) {
      group = { framework: run.framework, count: run.shard.count, seen: new Set() }
      groups.set(key, group)
    }
    group.seen.add(run.shard.index)
  }
  const problems: GateIncomplete[] = []
  for (const { framework, count, seen } of groups.values()) {
    const ranges: string[] = []
    let next = 1
    let missing = 0
    for (const index of [...seen].filter((index) => index >= 1 && index <= count).sort((a, b) => a - b)) {
      if (index > next) {
        ranges.push(index - 1 > next ? `${next}–${index - 1}` : `${next}`)
        missing += index - next
      }
      next = index + 1
    }
    if (next <= count) {
      ranges.push(count > next ? `${next}–${count}` : `${next}`)
      missing += count - next + 1
    }
    if (ranges.length === 0) continue
    problems.push({
      reason: 'shard-missing',
      framework,
      detail: `no report of ${framework} ${missing === 1 ? 'shard' : 'shards'} ${ranges.join(', ')} of ${count} was given, so ${missing === 1 ? 'its' : 'their'} test files were not audited (a shard job that stopped before it uploaded its report leaves none); pass every shard's report, or --allow-missing-shards to gate only the shards given`,
    })
  }
  return problems
}

/** 0 when every run was audited and nothing new leaked, 1 otherwise. */
export function gateExitCode(gate: Gate, options: { failOnStale?: boolean } = {}): 0 | 1 {
  if (gate.fresh.length > 0 || droppedViolations(gate.dropped) > 0 || gate.incomplete.length > 0) return 1
  if (options.failOnStale && gate.stale.length > 0) return 1
  return 0
}

/** Sum of counts. */
export function countOf(events: readonly ReportEvent[]): number {
  let total = 0
  for (const event of events) total += event.count
  return total
}

/** New violations: those listed, and those the per-test cap left out. */
export function newViolationCount(gate: Gate): number {
  return countOf(gate.fresh) + droppedViolations(gate.dropped)
}

/** Allowed events: those listed, and those the per-test cap left out. */
export function allowedCount(gate: Gate): number {
  return countOf(gate.allowed) + droppedAllowed(gate.dropped)
}
