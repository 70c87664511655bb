import { safeText } from './display.js'
import { identityKey, identityOf } from './fingerprint.js'
import { allowedCount, countOf, type Gate, newViolationCount } from './gate.js'
import type { LeakgateReport, ReportEvent } from './model.js'

// `--format json`: the merged report itself (it can be merged again, and validates against
// report-schema.json) plus the gate's verdict: a `status` on each violation and a `gate` block.
// Merging ignores both, so a gated report is still an ordinary input.

export interface GatedReport extends LeakgateReport {
  events: Array<ReportEvent & { status?: 'new' | 'known' }>
  gate: {
    baseline: string | null
    newViolations: number
    knownViolations: number
    allowed: number
    stale: Gate['stale']
    unchecked: number
    incomplete: number
  }
}

export function toGatedReport(gate: Gate): GatedReport {
  const known = new Set(gate.known.map((event) => identityKey(identityOf(event))))
  const events = gate.report.events.map((event) =>
    event.decision.allowed
      ? event
      : { ...event, status: known.has(identityKey(identityOf(event))) ? ('known' as const) : ('new' as const) },
  )
  return {
    ...gate.report,
    events,
    gate: {
      baseline: gate.baselineFile ?? null,
      newViolations: newViolationCount(gate),
      knownViolations: countOf(gate.known),
      allowed: allowedCount(gate),
      stale: gate.stale,
      unchecked: gate.unchecked.length,
      incomplete: gate.incomplete.length,
    },
  }
}

/** Every string is passed through safeText: a report from an older or foreign writer may hold a secret. */
export function formatJson(gate: Gate): string {
  return `${JSON.stringify(toGatedReport(gate), (_key, value) => (typeof value === 'string' ? safeText(value) : value), 2)}\n`
}
