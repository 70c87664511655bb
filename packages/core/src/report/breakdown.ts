import type { Category } from '../events.js'
import type { Gate } from './gate.js'
import type { ReportEvent } from './model.js'

// The summary table: counts by category and by the package the calls came through, so a team
// sees at a glance whether its own code leaks or one dependency does.

export const PROJECT_CODE = '(project code)'

export interface BreakdownRow {
  category: Category
  package: string
  new: number
  known: number
  allowed: number
}

const ORDER: Record<Category, number> = { net: 0, exec: 1, eval: 2 }

export function breakdown(gate: Gate): BreakdownRow[] {
  const rows = new Map<string, BreakdownRow>()
  const add = (events: readonly ReportEvent[], column: 'new' | 'known' | 'allowed') => {
    for (const event of events) {
      const name = event.package ?? PROJECT_CODE
      const key = `${event.category}\u0000${name}`
      let row = rows.get(key)
      if (!row) {
        row = { category: event.category, package: name, new: 0, known: 0, allowed: 0 }
        rows.set(key, row)
      }
      row[column] += event.count
    }
  }
  add(gate.fresh, 'new')
  add(gate.known, 'known')
  add(gate.allowed, 'allowed')
  return [...rows.values()].sort(
    (a, b) =>
      ORDER[a.category] - ORDER[b.category] ||
      Number(a.package !== PROJECT_CODE) - Number(b.package !== PROJECT_CODE) ||
      b.new - a.new ||
      a.package.localeCompare(b.package),
  )
}

/** `vitest 4.1.12 (shard 1/2), jest 30.5.2` */
export function describeRuns(gate: Gate): string {
  const runs = gate.report.runs.map((run) => {
    const name = run.frameworkVersion ? `${run.framework} ${run.frameworkVersion}` : run.framework
    const details = [
      run.shard ? `shard ${run.shard.index}/${run.shard.count}` : '',
      run.mode === 'enforce' ? '' : `${run.mode} mode`,
    ]
      .filter(Boolean)
      .join(', ')
    return details ? `${name} (${details})` : name
  })
  return runs.length === 0 ? 'no runs' : runs.join(', ')
}
