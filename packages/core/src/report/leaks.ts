import type { Category } from '../events.js'
import { subjectOf } from './breakdown.js'
import { describeScope } from './display.js'
import type { ReportEvent } from './model.js'

// What the text and markdown formats list. A violation is listed once per place it happens
// (same event, target, call site and package), with the tests it happened in: a helper that
// leaks in two hundred tests is one entry to fix, not two hundred. Allowed events are summed by
// what they reached and the rule that allowed them; `--details` lists them one by one.

export interface LeakGroup {
  /** The first of the events: what the entry shows. */
  first: ReportEvent
  events: ReportEvent[]
  /** Sum of counts. */
  count: number
  /** The tests, as `describeScope` names them, in order, each once. */
  tests: string[]
}

function leakKey(event: ReportEvent): string {
  const site = event.callSite ? `${event.callSite.file}:${event.callSite.line}:${event.callSite.column}` : ''
  return [
    event.category,
    event.event,
    event.target,
    site,
    event.package ?? '',
    event.code ?? '',
    event.origin ?? '',
    event.decision.reason,
    event.framework,
  ].join('\u0000')
}

/** Events grouped by place, the places with the most events first (then in report order). */
export function groupLeaks(events: readonly ReportEvent[]): LeakGroup[] {
  const groups = new Map<string, LeakGroup & { seen: Set<string> }>()
  for (const event of events) {
    const key = leakKey(event)
    let group = groups.get(key)
    if (!group) {
      group = { first: event, events: [], count: 0, tests: [], seen: new Set() }
      groups.set(key, group)
    }
    group.events.push(event)
    group.count += event.count
    const test = describeScope(event)
    if (!group.seen.has(test)) {
      group.seen.add(test)
      group.tests.push(test)
    }
  }
  return [...groups.values()].map(({ seen: _seen, ...group }) => group).sort((a, b) => b.count - a.count)
}

/** `a.test.ts > one`, or `3 tests: a.test.ts > one, b.test.ts > two, … and 1 more`. */
export function describeTests(tests: readonly string[], shown = 2): string {
  if (tests.length === 1) return tests[0] as string
  const named = tests.slice(0, shown).join('; ')
  const rest = tests.length - shown
  return `${tests.length} tests: ${named}${rest > 0 ? `; and ${rest} more` : ''}`
}

export interface AllowedGroup {
  category: Category
  rule: string
  source: string
  /** What it reached (hosts, programs, packages), most events first. */
  subjects: string[]
  count: number
  tests: number
}

/** Allowed events summed by the rule that allowed them, with what they reached. */
export function groupAllowed(events: readonly ReportEvent[]): AllowedGroup[] {
  interface Building {
    category: Category
    rule: string
    source: string
    count: number
    testSet: Set<string>
    subjectCounts: Map<string, number>
  }
  const groups = new Map<string, Building>()
  for (const event of events) {
    const rule = event.decision.rule ?? '(a rule)'
    const source = event.decision.source ?? 'config'
    const key = [event.category, rule, source].join('\u0000')
    let group = groups.get(key)
    if (!group) {
      group = { category: event.category, rule, source, count: 0, testSet: new Set(), subjectCounts: new Map() }
      groups.set(key, group)
    }
    group.count += event.count
    group.testSet.add(`${event.framework}\u0000${event.scope.file ?? ''}\u0000${event.scope.test ?? ''}`)
    const subject = subjectOf(event)
    group.subjectCounts.set(subject, (group.subjectCounts.get(subject) ?? 0) + event.count)
  }
  const order: Record<Category, number> = { net: 0, exec: 1, eval: 2, tamper: 3 }
  return [...groups.values()]
    .map((group) => ({
      category: group.category,
      rule: group.rule,
      source: group.source,
      subjects: [...group.subjectCounts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([subject]) => subject),
      count: group.count,
      tests: group.testSet.size,
    }))
    .sort((a, b) => order[a.category] - order[b.category] || b.count - a.count || a.rule.localeCompare(b.rule))
}
