import { VERSION } from '../version.js'
import { capPerTest, type DroppedEvents } from './cap.js'
import { fingerprintOf } from './fingerprint.js'
import { LeakgateInputError } from './input-error.js'
import {
  addEvent,
  type LeakgateReport,
  REPORT_SCHEMA_VERSION,
  type ReportEvent,
  type RunInfo,
  sortEvents,
  summarize,
} from './model.js'

// Merging reports: shards of one run, Vitest and Jest side by side, or a merged report with more.
//
// - Runs are a union by id. A report whose runs are all in already (the same file twice, or a
//   merge and its parts matched by one glob) is skipped, so nothing counts twice. A report that
//   shares only some runs with the others cannot be split apart and is refused.
// - Events are grouped by the same key as inside one report (framework, file, test, phase, call
//   site, target, decision...). Two shards never run the same test, so their events differ by
//   test; events that do share a key (a global setup that leaks in every shard) add up.
// - What the per-test cap left out (`dropped`) adds up per test, and the cap applies again.

export interface ReportSource {
  /** Where it came from, for messages. */
  file: string
  report: LeakgateReport
}

export interface MergeResult {
  report: LeakgateReport
  /** Files skipped because every run in them was merged already. */
  skipped: string[]
}

function runId(run: RunInfo, file: string, index: number): string {
  // Reports from before run ids existed: identify the run by what it recorded.
  return run.id ?? `${file}#${index}:${run.framework}:${run.startedAt}:${run.shard?.index ?? ''}`
}

export function mergeReports(sources: readonly ReportSource[]): MergeResult {
  const runs: RunInfo[] = []
  const runFiles = new Map<string, string>()
  const events: ReportEvent[] = []
  const index = new Map<string, ReportEvent>()
  const skipped: string[] = []
  const dropped: DroppedEvents[] = []
  for (const { file, report } of sources) {
    const ids = report.runs.map((run, i) => runId(run, file, i))
    const seen = ids.filter((id) => runFiles.has(id))
    if (seen.length > 0 && seen.length === ids.length) {
      skipped.push(file)
      continue
    }
    if (seen.length > 0) {
      const other = runFiles.get(seen[0] as string)
      throw new LeakgateInputError(
        'LEAKGATE_REPORT_INVALID',
        `${file}: shares ${seen.length} of its ${ids.length} runs with ${other} but not all, so its events cannot be told apart. Pass either the merged report or the reports it was merged from, not both.`,
        file,
      )
    }
    report.runs.forEach((run, i) => {
      runFiles.set(ids[i] as string, file)
      runs.push(run)
    })
    for (const source of report.events) {
      const { status: _status, ...rest } = source as ReportEvent & { status?: unknown }
      const event: ReportEvent = structuredClone(rest)
      event.fingerprint = fingerprintOf(event)
      addEvent(index, events, event)
    }
    dropped.push(...(report.dropped ?? []))
  }
  // Events of one test from several reports (a setup that leaks in every shard) are capped again.
  const capped = capPerTest(events, dropped)
  sortEvents(capped.events)
  const merged: LeakgateReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: '@leakgate/core', version: VERSION },
    runs,
    events: capped.events,
    summary: summarize(capped.events, capped.dropped),
  }
  if (capped.dropped.length > 0) merged.dropped = capped.dropped
  return { report: merged, skipped }
}
