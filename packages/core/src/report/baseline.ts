import fs from 'node:fs'
import path from 'node:path'
import type { Category } from '../events.js'
import { identityKey, identityOf, type LeakIdentity } from './fingerprint.js'
import { LeakgateInputError } from './input-error.js'
import { type InputBudget, type JsonFileHints, readJsonFile } from './json-file.js'
import type { LeakgateReport, ReportEvent } from './model.js'
import { checkDefinition } from './schema.js'

// The baseline: leaks a team knows about and has not fixed yet, so CI fails only on new ones.
// Entries are leak identities (category, target, test file, test name, package: no line numbers,
// see fingerprint.ts), sorted, without counts or times, so the file diffs cleanly in review and
// only changes when the set of leaks does. A `note` on an entry is the team's, kept on update.

export const BASELINE_FILE = 'leakgate-baseline.json'
export const BASELINE_VERSION = 1

export interface BaselineEntry extends LeakIdentity {
  /** Free text kept across updates: why it is accepted, an issue link. */
  note?: string
}

export interface Baseline {
  kind: 'leakgate-baseline'
  version: typeof BASELINE_VERSION
  comment?: string
  entries: BaselineEntry[]
}

const COMMENT =
  'Known leaks: `leakgate report` fails only on violations not listed here. Fix one, then shrink this file with `leakgate baseline --prune`.'

const BASELINE_HINTS: JsonFileHints = {
  what: 'baseline',
  code: 'LEAKGATE_BASELINE_INVALID',
  expected: 'the leakgate-baseline.json `leakgate baseline` wrote',
  whenMissing: 'Create it with `leakgate baseline`, or drop --baseline.',
  whenTruncated: 'Restore it from version control, or write it again with `leakgate baseline`.',
}

/** Reads and checks a baseline file. Throws LeakgateInputError (LEAKGATE_BASELINE_INVALID). */
export function readBaseline(file: string, name = file, budget?: InputBudget): Baseline {
  const value = readJsonFile(file, BASELINE_HINTS, name, budget)
  const fail = (problem: string): never => {
    throw new LeakgateInputError('LEAKGATE_BASELINE_INVALID', `${name}: ${problem}`, name)
  }
  const record = value as Record<string, unknown> | null
  if (typeof record !== 'object' || record === null || Array.isArray(record) || record.kind !== 'leakgate-baseline') {
    if (
      record &&
      typeof record === 'object' &&
      (record as { tool?: { name?: unknown } }).tool?.name === '@leakgate/core'
    ) {
      return fail('is a leakgate report, not a baseline. Make a baseline from it with `leakgate baseline <report>`.')
    }
    return fail('is not a leakgate baseline (no "kind": "leakgate-baseline"). Write one with `leakgate baseline`.')
  }
  if (typeof record.version === 'number' && record.version > BASELINE_VERSION) {
    return fail(
      `has version ${JSON.stringify(record.version)}, which this leakgate does not read. Upgrade @leakgate/core.`,
    )
  }
  if (record.version !== BASELINE_VERSION) {
    return fail(
      `has version ${JSON.stringify(record.version)}, which no leakgate writes (this one reads version ${BASELINE_VERSION}). Restore it from version control, or write it again with \`leakgate baseline\`.`,
    )
  }
  const problem = checkDefinition(value, 'baseline')
  if (problem)
    return fail(
      `is damaged: ${problem}. Restore it from version control, or write it again with \`leakgate baseline\`.`,
    )
  return value as Baseline
}

/** Writes the baseline with sorted entries and a final newline (stable diffs). */
export function writeBaseline(file: string, baseline: Baseline): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const entries = [...baseline.entries].sort(compareEntries).map(orderEntry)
  const body = { kind: baseline.kind, version: baseline.version, comment: baseline.comment ?? COMMENT, entries }
  const temporary = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`)
  fs.renameSync(temporary, file)
}

function orderEntry(entry: BaselineEntry): BaselineEntry {
  const ordered: BaselineEntry = { category: entry.category, target: entry.target }
  if (entry.file !== undefined) ordered.file = entry.file
  if (entry.test !== undefined) ordered.test = entry.test
  if (entry.package !== undefined) ordered.package = entry.package
  if (entry.note !== undefined) ordered.note = entry.note
  return ordered
}

const CATEGORY_ORDER: Record<Category, number> = { net: 0, exec: 1, eval: 2, tamper: 3 }

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.test ?? '').localeCompare(b.test ?? '') ||
    CATEGORY_ORDER[a.category] - CATEGORY_ORDER[b.category] ||
    a.target.localeCompare(b.target) ||
    (a.package ?? '').localeCompare(b.package ?? '')
  )
}

/**
 * The test files the report's runs executed, or undefined when a run did not say (then every
 * baseline entry is checked against it). Shards list only their own files, so an entry of a
 * file another shard ran is left alone rather than called stale.
 */
export function filesRun(report: LeakgateReport): Set<string> | undefined {
  const files = new Set<string>()
  for (const run of report.runs) {
    if (!run.files) return undefined
    for (const file of run.files) files.add(file)
  }
  return files
}

function isChecked(entry: BaselineEntry, ran: Set<string> | undefined): boolean {
  return ran === undefined || entry.file === undefined || ran.has(entry.file)
}

export interface BaselineMatch {
  /** Violations not in the baseline: they fail the gate. */
  fresh: ReportEvent[]
  /** Violations the baseline lists. */
  known: ReportEvent[]
  /** Baseline entries whose test file ran but that no violation matched: fixed, remove them. */
  stale: BaselineEntry[]
  /** Baseline entries of test files this report did not run (another shard): not judged. */
  unchecked: BaselineEntry[]
}

/** Splits the report's violations into new and known, and finds the entries that no longer occur. */
export function matchBaseline(report: LeakgateReport, baseline: Baseline | undefined): BaselineMatch {
  const violations = report.events.filter((event) => !event.decision.allowed)
  if (!baseline) return { fresh: violations, known: [], stale: [], unchecked: [] }
  const listed = new Set(baseline.entries.map(identityKey))
  const occurring = new Set<string>()
  const fresh: ReportEvent[] = []
  const known: ReportEvent[] = []
  for (const event of violations) {
    const key = identityKey(identityOf(event))
    occurring.add(key)
    if (listed.has(key)) known.push(event)
    else fresh.push(event)
  }
  const ran = filesRun(report)
  const stale: BaselineEntry[] = []
  const unchecked: BaselineEntry[] = []
  for (const entry of baseline.entries) {
    if (occurring.has(identityKey(entry))) continue
    if (isChecked(entry, ran)) stale.push(entry)
    else unchecked.push(entry)
  }
  return { fresh, known, stale, unchecked }
}

export interface BaselineUpdate {
  baseline: Baseline
  added: BaselineEntry[]
  removed: BaselineEntry[]
  /** Entries of files this report did not run, carried over as they were. */
  carried: BaselineEntry[]
}

/**
 * The baseline after this report. By default it records exactly the report's violations (what
 * adopting leakgate needs: accept what is there today), keeping notes and keeping entries of
 * test files the report did not run. With `prune`, it only removes stale entries and never adds
 * one: safe to run anywhere, a new leak stays a failure.
 */
export function updateBaseline(
  report: LeakgateReport,
  previous: Baseline | undefined,
  options: { prune?: boolean } = {},
): BaselineUpdate {
  const before = previous?.entries ?? []
  const match = matchBaseline(report, previous)
  const staleKeys = new Set(match.stale.map(identityKey))
  const removed = before.filter((entry) => staleKeys.has(identityKey(entry)))
  let entries = before.filter((entry) => !staleKeys.has(identityKey(entry)))
  const added: BaselineEntry[] = []
  if (!options.prune) {
    const present = new Set(entries.map(identityKey))
    for (const event of match.fresh) {
      const entry = identityOf(event)
      const key = identityKey(entry)
      if (present.has(key)) continue
      present.add(key)
      added.push(entry)
    }
    entries = [...entries, ...added]
  }
  return {
    baseline: {
      kind: 'leakgate-baseline',
      version: BASELINE_VERSION,
      comment: previous?.comment ?? COMMENT,
      entries: entries.sort(compareEntries),
    },
    added,
    removed,
    carried: match.unchecked,
  }
}
