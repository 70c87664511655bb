import { type Baseline, type BaselineEntry, matchBaseline } from './baseline.js'
import { type DroppedEvents, droppedAllowed, droppedViolations } from './cap.js'
import type { IncompleteProblem } from './coverage.js'
import type { LeakgateReport, ReportEvent } from './model.js'

// The gate's verdict on a (merged) report: what every output format shows. Exit code 1 when a
// violation is not in the baseline, or when a run is incomplete (the guard did not run
// everywhere: no report of such a run can be green); known leaks, stale entries and allowed
// events never fail. Violations the report's per-test cap left out (`report.dropped`) cannot be
// matched to a baseline entry: they count as new, so a capped test fails the gate until it is fixed.

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

export function evaluateGate(report: LeakgateReport, baseline?: Baseline, baselineFile?: string): Gate {
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
  if (baselineFile !== undefined) gate.baselineFile = baselineFile
  return gate
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
