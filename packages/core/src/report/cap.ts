import type { Category } from '../events.js'
import { MAX_EVENTS_PER_TEST } from '../limits.js'
import type { CategorySummary, ReportEvent } from './model.js'

// The per-test cap of the report: a test keeps its first MAX_EVENTS_PER_TEST groups of events
// (violations before allowed events, then in the order they happened); what it adds beyond is
// counted, per test, in `report.dropped`. The summary still counts everything, so totals never
// shrink; the gate counts dropped violations as new (they cannot be matched to a baseline).

/** What a test added beyond the cap: counts only. */
export interface DroppedEvents {
  framework: string
  /** The test file (relative to the run's root); absent outside any test file. */
  file?: string
  /** The full test name; absent for file-level events (import, hooks). */
  test?: string
  /** Groups of identical events left out. */
  events: number
  /** Sum of their counts, per decision and per category. */
  violations: number
  allowed: number
  byCategory: Record<Category, CategorySummary>
}

function testKey(framework: string, file: string | undefined, test: string | undefined): string {
  return `${framework}\u0000${file ?? ''}\u0000${test === undefined ? '\u0001' : test}`
}

function emptyDropped(framework: string, file: string | undefined, test: string | undefined): DroppedEvents {
  const entry: DroppedEvents = {
    framework,
    events: 0,
    violations: 0,
    allowed: 0,
    byCategory: {
      net: { violations: 0, allowed: 0 },
      exec: { violations: 0, allowed: 0 },
      eval: { violations: 0, allowed: 0 },
      tamper: { violations: 0, allowed: 0 },
    },
  }
  if (file !== undefined) entry.file = file
  if (test !== undefined) entry.test = test
  return entry
}

/** Adds `from` into `into` (same test). */
function addCounts(into: DroppedEvents, from: DroppedEvents): void {
  into.events += from.events
  into.violations += from.violations
  into.allowed += from.allowed
  for (const category of ['net', 'exec', 'eval', 'tamper'] as const) {
    into.byCategory[category].violations += from.byCategory[category]?.violations ?? 0
    into.byCategory[category].allowed += from.byCategory[category]?.allowed ?? 0
  }
}

/**
 * Applies the cap to grouped events: returns the events kept (in their original order) and the
 * dropped counts, merged with `earlier` (counts already dropped by a writer or a merged report).
 */
export function capPerTest(
  events: readonly ReportEvent[],
  earlier: readonly DroppedEvents[] = [],
  max = MAX_EVENTS_PER_TEST,
): { events: ReportEvent[]; dropped: DroppedEvents[] } {
  const byTest = new Map<string, ReportEvent[]>()
  for (const event of events) {
    const key = testKey(event.framework, event.scope.file, event.scope.test)
    const list = byTest.get(key)
    if (list) list.push(event)
    else byTest.set(key, [event])
  }
  const dropped = new Map<string, DroppedEvents>()
  for (const entry of earlier) {
    const key = testKey(entry.framework, entry.file, entry.test)
    const existing = dropped.get(key)
    if (existing) addCounts(existing, entry)
    else dropped.set(key, structuredClone(entry))
  }
  const left = new Set<ReportEvent>()
  for (const [key, list] of byTest) {
    if (list.length <= max) continue
    // A stable sort: events first seen in the same millisecond keep the order they were recorded in.
    const ranked = list
      .slice()
      .sort((a, b) => Number(a.decision.allowed) - Number(b.decision.allowed) || a.firstSeen.localeCompare(b.firstSeen))
    const first = ranked[0] as ReportEvent
    let entry = dropped.get(key)
    if (!entry) {
      entry = emptyDropped(first.framework, first.scope.file, first.scope.test)
      dropped.set(key, entry)
    }
    for (const event of ranked.slice(max)) {
      left.add(event)
      entry.events += 1
      const column = event.decision.allowed ? 'allowed' : 'violations'
      entry[column] += event.count
      entry.byCategory[event.category][column] += event.count
    }
  }
  const kept = left.size === 0 ? events.slice() : events.filter((event) => !left.has(event))
  const list = [...dropped.values()].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.test ?? '').localeCompare(b.test ?? '') ||
      a.framework.localeCompare(b.framework),
  )
  return { events: kept, dropped: list }
}

/** Sum of the dropped violations (they all count as new at the gate). */
export function droppedViolations(dropped: readonly DroppedEvents[] | undefined): number {
  let total = 0
  for (const entry of dropped ?? []) total += entry.violations
  return total
}

/** Sum of the dropped allowed events. */
export function droppedAllowed(dropped: readonly DroppedEvents[] | undefined): number {
  let total = 0
  for (const entry of dropped ?? []) total += entry.allowed
  return total
}

/**
 * The runners' summary line for what the cap left out, or undefined when nothing was:
 * `leakgate: 19800 violations and 200 allowed events of 3 tests are counted, not listed: …`.
 */
export function describeDroppedTotal(dropped: readonly DroppedEvents[] | undefined): string | undefined {
  if (!dropped || dropped.length === 0) return undefined
  const violations = droppedViolations(dropped)
  const allowed = droppedAllowed(dropped)
  const parts = [
    violations > 0 ? `${violations} violation${violations === 1 ? '' : 's'}` : '',
    allowed > 0 ? `${allowed} allowed event${allowed === 1 ? '' : 's'}` : '',
  ].filter(Boolean)
  const tests = `${dropped.length} test${dropped.length === 1 ? '' : 's'}`
  const verb = violations + allowed === 1 ? 'is' : 'are'
  return `leakgate: ${parts.join(' and ')} of ${tests} ${verb} counted, not listed: the report keeps ${MAX_EVENTS_PER_TEST} events per test (leakgate report names the tests)`
}
