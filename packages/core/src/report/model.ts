import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { withCode } from '../error-codes.js'
import type { AuditRecord, Category, Mode } from '../events.js'
import { readRecords, recordKey } from '../recorder.js'
import { VERSION } from '../version.js'
import { capPerTest, type DroppedEvents } from './cap.js'
import { type Incomplete, refusedRun, unfinishedRun } from './coverage.js'
import { fingerprintOf } from './fingerprint.js'

// The run report: one versioned JSON document per run, written by the adapters' reporters,
// merged across shards and frameworks by `leakgate report`. Identical events are grouped.

export const REPORT_SCHEMA_VERSION = 1

/** Where reporters write the report by default (in the project root), and where the CLI looks. */
export const REPORT_FILE = 'leakgate-report.json'

export interface RunInfo {
  /** `vitest`, `jest`, or another adapter's name. */
  framework: string
  frameworkVersion?: string
  /** `process.version` of the main process. */
  node: string
  mode: Mode
  /** `--shard=index/count`, when sharded. */
  shard?: { index: number; count: number }
  /** Project root (absolute); paths in events are relative to it. */
  root: string
  startedAt: string
  finishedAt?: string
  /**
   * Unique id of this run (createReport() fills it). Merging skips a report whose runs were
   * merged already, so a glob that matches both the parts and their merge counts nothing twice.
   */
  id?: string
  /**
   * The test files this run executed, relative to `root`. Optional; when present, a baseline
   * entry of a file that did not run (another shard's) is neither matched nor stale.
   */
  files?: string[]
  /**
   * Present when the guard did not run everywhere: a refused option, a file whose guard never
   * started, a worker that stopped mid-file. The gate refuses such a run (coverage.ts).
   */
  incomplete?: Incomplete
}

/** One group of identical events. */
export interface ReportEvent extends Omit<AuditRecord, 'v' | 'pid' | 'threadId' | 'time' | 'id'> {
  /** The framework whose run saw it (reports of several frameworks merge). */
  framework: string
  /** First time it happened (ISO). */
  firstSeen: string
  /**
   * The stable key of this leak, as the baseline and SARIF's partialFingerprints use it:
   * a hash of category, target, test file, test name and package (no line numbers).
   */
  fingerprint?: string
}

export interface CategorySummary {
  violations: number
  allowed: number
}

export interface LeakgateReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION
  tool: { name: '@leakgate/core'; version: string }
  runs: RunInfo[]
  events: ReportEvent[]
  summary: {
    /** Sum of counts of events that were not allowed. */
    violations: number
    /** Sum of counts of events a rule allowed. */
    allowed: number
    byCategory: Record<Category, CategorySummary>
  }
  /**
   * Per test, what it added beyond the report's cap (MAX_EVENTS_PER_TEST groups): counts only.
   * Present only when something was left out. The summary counts these events too.
   */
  dropped?: DroppedEvents[]
}

/** Every record in a sink directory (all `*.jsonl` files: workers, children, crashed ones). */
export function collectRecords(sinkDir: string): AuditRecord[] {
  let names: string[]
  try {
    names = fs.readdirSync(sinkDir)
  } catch {
    return []
  }
  const records: AuditRecord[] = []
  for (const name of names.sort()) {
    if (name.endsWith('.jsonl')) records.push(...readRecords(path.join(sinkDir, name)))
  }
  return records
}

/** The grouping key of a report event: identical events (same framework, scope, site, decision) share it. */
export function eventKey(event: Omit<ReportEvent, 'count' | 'firstSeen'>): string {
  return `${event.framework}\u0000${recordKey({ ...event, v: 1, pid: 0, threadId: 0, time: 0, count: 0 } as AuditRecord)}`
}

/** Adds `event` to a grouped list: an identical one (same key) takes its count instead. */
export function addEvent(index: Map<string, ReportEvent>, events: ReportEvent[], event: ReportEvent): void {
  const key = eventKey(event)
  const existing = index.get(key)
  if (existing) {
    existing.count += event.count
    if (event.firstSeen < existing.firstSeen) existing.firstSeen = event.firstSeen
  } else {
    index.set(key, event)
    events.push(event)
  }
}

/** Groups records into report events: identical events become one with the summed count. */
export function groupEvents(
  records: readonly AuditRecord[],
  framework: string,
  into: ReportEvent[] = [],
): ReportEvent[] {
  const index = new Map<string, ReportEvent>()
  for (const event of into) index.set(eventKey(event), event)
  for (const record of records) {
    const { v: _v, pid: _pid, threadId: _threadId, time, id: _id, ...rest } = record
    const event: ReportEvent = { ...rest, framework, firstSeen: new Date(time).toISOString() }
    event.fingerprint = fingerprintOf(event)
    addEvent(index, into, event)
  }
  return into
}

/** Sums of counts: of the events, and of what the per-test cap left out (`dropped`). */
export function summarize(
  events: readonly ReportEvent[],
  dropped: readonly DroppedEvents[] = [],
): LeakgateReport['summary'] {
  const byCategory: Record<Category, CategorySummary> = {
    net: { violations: 0, allowed: 0 },
    exec: { violations: 0, allowed: 0 },
    eval: { violations: 0, allowed: 0 },
    tamper: { violations: 0, allowed: 0 },
  }
  let violations = 0
  let allowed = 0
  for (const event of events) {
    const bucket = byCategory[event.category]
    if (event.decision.allowed) {
      allowed += event.count
      bucket.allowed += event.count
    } else {
      violations += event.count
      bucket.violations += event.count
    }
  }
  for (const entry of dropped) {
    violations += entry.violations
    allowed += entry.allowed
    for (const category of ['net', 'exec', 'eval', 'tamper'] as const) {
      byCategory[category].violations += entry.byCategory[category]?.violations ?? 0
      byCategory[category].allowed += entry.byCategory[category]?.allowed ?? 0
    }
  }
  return { violations, allowed, byCategory }
}

export interface CreateReportOptions {
  /** Counts of events already left out before the records got here (a runner's carried tally). */
  dropped?: readonly DroppedEvents[]
}

/** A report for one run from its records, each test capped at MAX_EVENTS_PER_TEST groups. */
export function createReport(
  run: RunInfo,
  records: readonly AuditRecord[],
  options: CreateReportOptions = {},
): LeakgateReport {
  const capped = capPerTest(groupEvents(records, run.framework), options.dropped)
  const { events, dropped } = capped
  sortEvents(events)
  const report: LeakgateReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: '@leakgate/core', version: VERSION },
    runs: [{ ...run, id: run.id ?? randomUUID() }],
    events,
    summary: summarize(events, dropped),
  }
  if (dropped.length > 0) report.dropped = dropped
  return report
}

/** Violations first, then by file, test and category: stable output for diffs and snapshots. */
export function sortEvents(events: ReportEvent[]): void {
  events.sort(
    (a, b) =>
      Number(a.decision.allowed) - Number(b.decision.allowed) ||
      (a.scope.file ?? '').localeCompare(b.scope.file ?? '') ||
      (a.scope.test ?? '').localeCompare(b.scope.test ?? '') ||
      a.category.localeCompare(b.category) ||
      a.event.localeCompare(b.event) ||
      a.target.localeCompare(b.target) ||
      a.framework.localeCompare(b.framework) ||
      (a.callSite?.line ?? 0) - (b.callSite?.line ?? 0),
  )
}

/**
 * Writes the report atomically (a reader never sees half a file). A failure (the directory
 * went away, a full disk) throws an error whose message is one line naming the file, with no
 * frames: the reporters print it as it is, never as a raw ENOTDIR stack.
 */
export function writeReport(file: string, report: LeakgateReport): void {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`)
    fs.renameSync(temporary, file)
  } catch (error) {
    try {
      fs.rmSync(temporary, { force: true })
    } catch {
      // nothing was written there
    }
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    const failure = withCode(
      new Error(`leakgate: could not write the report to ${file} (${code})`),
      'LEAKGATE_REPORT_UNWRITABLE',
    )
    failure.name = 'LeakgateError'
    Object.defineProperty(failure, 'stack', {
      value: `LeakgateError: ${failure.message}`,
      writable: true,
      configurable: true,
    })
    throw failure
  }
}

/**
 * When the guard refuses its options the run audits nothing, yet a report from an earlier run
 * may still be on disk, where the gate would read it as this run's green. This replaces it with
 * a report that says the run was refused (`incomplete`, reason `options`), so the gate fails
 * with the message. Best effort: a path that cannot be written is left alone (the runner fails
 * anyway, with the same message).
 */
export function writeRefusedReport(file: string, run: Omit<RunInfo, 'startedAt'>, message: string): void {
  writeIncompleteReport(file, run, refusedRun(message))
}

/**
 * Written when a run starts, replaced when it ends: a runner that stops on the way leaves a
 * report that says the run did not finish (`incomplete`, reason `not-finished`), so the gate
 * refuses it instead of reading an earlier run's report as this one's. Best effort, as above.
 */
export function writeUnfinishedReport(file: string, run: Omit<RunInfo, 'startedAt'>): void {
  writeIncompleteReport(file, run, unfinishedRun())
}

function writeIncompleteReport(file: string, run: Omit<RunInfo, 'startedAt'>, incomplete: Incomplete): void {
  const now = new Date().toISOString()
  try {
    writeReport(file, createReport({ ...run, startedAt: now, finishedAt: now, incomplete }, []))
  } catch {
    // the runner's own failure (or the run's end) says the rest
  }
}
