import { type Baseline, type BaselineEntry, matchBaseline } from './baseline.js'
import type { LeakgateReport, ReportEvent } from './model.js'

// The gate's verdict on a (merged) report: what every output format shows. Exit code 1 when a
// violation is not in the baseline; known leaks, stale entries and allowed events never fail.

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
  }
  if (baselineFile !== undefined) gate.baselineFile = baselineFile
  return gate
}

/** 0 when nothing new leaked, 1 otherwise. */
export function gateExitCode(gate: Gate, options: { failOnStale?: boolean } = {}): 0 | 1 {
  if (gate.fresh.length > 0) return 1
  if (options.failOnStale && gate.stale.length > 0) return 1
  return 0
}

/** Sum of counts. */
export function countOf(events: readonly ReportEvent[]): number {
  let total = 0
  for (const event of events) total += event.count
  return total
}
