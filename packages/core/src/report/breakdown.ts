import path from 'node:path'
import type { Category } from '../events.js'
import type { Gate } from './gate.js'
import type { ReportEvent } from './model.js'

// The summary table: counts by what a call reached (the host for net, the program for exec, the
// package for eval), with how many tests did it and which packages the calls came through. A
// suite's two thousand allowed spawns are a row per program (`git`, `node`), not one row for the
// wrapper they went through (tinyexec). Each category lists its largest rows; the rest are
// summed into one row, so the table stays short and its columns still add up.

export const PROJECT_CODE = '(project code)'

export interface BreakdownRow {
  category: Category
  /** The host (net), the program (exec), or the package the code came from (eval). */
  subject: string
  new: number
  known: number
  allowed: number
  /** Distinct tests (file and name) with such events. */
  tests: number
  /** Packages the calls came through, most events first (the project's own code as PROJECT_CODE). */
  via: string[]
  /** Set on the row that sums the rows left out: how many. */
  others?: number
}

const ORDER: Record<Category, number> = { net: 0, exec: 1, eval: 2, tamper: 3 }

/** `api.example.com:443` → `api.example.com`; `[::1]:80` → `::1`; a name alone stays as it is. */
function hostOf(target: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(target)
  if (bracketed) return bracketed[1] as string
  const withPort = /^([^:]+):\d+$/.exec(target)
  return withPort ? (withPort[1] as string) : target
}

/** The program of a command line: its first word, unquoted, without its directory. */
function programOf(target: string): string {
  const first = /^\s*(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(target)
  const word = first ? (first[1] ?? first[2] ?? first[3] ?? '') : ''
  return word === '' ? target.trim() : path.posix.basename(word.replace(/\\/g, '/'))
}

/** What a row of the summary table is about, for this event. */
export function subjectOf(event: Pick<ReportEvent, 'category' | 'target' | 'package'>): string {
  switch (event.category) {
    case 'net':
      return hostOf(event.target)
    case 'exec':
      return programOf(event.target)
    default:
      return event.package ?? PROJECT_CODE
  }
}

/** The noun for a category's subjects, for "… 12 more hosts". */
export function subjectNoun(category: Category, count: number): string {
  const word = category === 'net' ? 'host' : category === 'exec' ? 'program' : 'package'
  return `${count} more ${word}${count === 1 ? '' : 's'}`
}

interface Building extends BreakdownRow {
  testSet: Set<string>
  viaCounts: Map<string, number>
}

/**
 * The rows of the summary table, per category largest first (new, then known, then allowed);
 * at most `perCategory` rows each, the rest summed into a last row with `others` set.
 */
export function breakdown(gate: Gate, perCategory = Number.POSITIVE_INFINITY): BreakdownRow[] {
  const rows = new Map<string, Building>()
  const add = (events: readonly ReportEvent[], column: 'new' | 'known' | 'allowed') => {
    for (const event of events) {
      const subject = subjectOf(event)
      const key = `${event.category}\u0000${subject}`
      let row = rows.get(key)
      if (!row) {
        row = {
          category: event.category,
          subject,
          new: 0,
          known: 0,
          allowed: 0,
          tests: 0,
          via: [],
          testSet: new Set(),
          viaCounts: new Map(),
        }
        rows.set(key, row)
      }
      row[column] += event.count
      row.testSet.add(`${event.framework}\u0000${event.scope.file ?? ''}\u0000${event.scope.test ?? ''}`)
      if (event.category !== 'eval') {
        const via = event.package ?? PROJECT_CODE
        row.viaCounts.set(via, (row.viaCounts.get(via) ?? 0) + event.count)
      }
    }
  }
  add(gate.fresh, 'new')
  add(gate.known, 'known')
  add(gate.allowed, 'allowed')
  const sorted = [...rows.values()].sort(
    (a, b) =>
      ORDER[a.category] - ORDER[b.category] ||
      b.new - a.new ||
      b.known - a.known ||
      b.allowed - a.allowed ||
      a.subject.localeCompare(b.subject),
  )
  const out: BreakdownRow[] = []
  for (const category of ['net', 'exec', 'eval', 'tamper'] as const) {
    const ofCategory = sorted.filter((row) => row.category === category).map(finish)
    if (ofCategory.length <= perCategory) {
      out.push(...ofCategory)
      continue
    }
    const shown = ofCategory.slice(0, Math.max(perCategory - 1, 0))
    const rest = ofCategory.slice(shown.length)
    const restSubjects = new Set(rest.map((row) => row.subject))
    const tests = new Set<string>()
    for (const row of rows.values()) {
      if (row.category === category && restSubjects.has(row.subject)) {
        for (const test of row.testSet) tests.add(test)
      }
    }
    out.push(...shown, {
      category,
      subject: subjectNoun(category, rest.length),
      new: sum(rest, 'new'),
      known: sum(rest, 'known'),
      allowed: sum(rest, 'allowed'),
      tests: tests.size,
      via: [],
      others: rest.length,
    })
  }
  return out
}

function finish(row: Building): BreakdownRow {
  const via = [...row.viaCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name)
  return {
    category: row.category,
    subject: row.subject,
    new: row.new,
    known: row.known,
    allowed: row.allowed,
    tests: row.testSet.size,
    via,
  }
}

function sum(rows: readonly BreakdownRow[], column: 'new' | 'known' | 'allowed'): number {
  let total = 0
  for (const row of rows) total += row[column]
  return total
}

/** `tinyexec, execa +2`: the first packages a row's calls came through. */
export function describeVia(via: readonly string[], shown = 2): string {
  if (via.length <= shown) return via.join(', ')
  return `${via.slice(0, shown).join(', ')} +${via.length - shown}`
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
