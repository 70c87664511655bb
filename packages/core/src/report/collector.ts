import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AuditRecord, Mode } from '../events.js'
import { type FileMark, occurrenceKey, readFileMarks } from '../recorder.js'
import type { DroppedEvents } from './cap.js'
import { auditCoverage, type Incomplete, type RanFile } from './coverage.js'
import {
  collectRecords,
  createReport,
  type LeakgateReport,
  type RunInfo,
  writeReport,
  writeUnfinishedReport,
} from './model.js'
import { formatSummary } from './summary.js'

// The run collector: what every adapter's main-process reporter does, once. It owns the run's
// sink directory (the workers append their events and file marks there), merges what the
// workers wrote with what the runner carried to its main process (Vitest's task meta, Jest's
// test errors), each occurrence once, checks that the guard saw every file the runner ran to
// its end, writes the report (an unfinished one when the run starts, the real one when it ends),
// and says the end-of-run summary and whether the run fails for leakgate. An adapter translates
// its runner's results into `RunEnd` and prints the lines where its runner prints.

export interface CollectorOptions {
  /** The framework's name, in the temporary directory's name (`leakgate-<framework>-…`). */
  framework: string
  /**
   * A sink directory the user chose (`LEAKGATE_SINK_DIR`): kept across runs and never removed;
   * a run reads only what was written there after it started. Default: a fresh directory of
   * the collector's own for each run, removed when the next run starts and when the process
   * exits.
   */
  sinkDir?: string | undefined
  /**
   * The adapter ends its run in an `exit` listener of its own (node:test's runner): a run still
   * open at exit is then not a run cut short.
   */
  endsAtExit?: boolean
}

export interface RunStart {
  /** The run as known at its start; its report says it has not ended until `finish`. */
  info: Omit<RunInfo, 'startedAt'>
  /** Absolute path of the report, or false for none. */
  reportFile: string | false
}

export interface RunEnd {
  /** The run as the runner knows it at its end (the collector adds its times and `incomplete`). */
  info: Omit<RunInfo, 'startedAt' | 'finishedAt' | 'incomplete'>
  /** Absolute path of the report, or false for none. */
  reportFile: string | false
  /**
   * The files the runner ran: each must have left the guard's start and end marks in the sink,
   * or the run is incomplete. Not read in mode off.
   */
  ran?: readonly RanFile[]
  /** What is incomplete, when the adapter knows it otherwise (after Vitest's --merge-reports the sinks are gone). */
  incomplete?: Incomplete
  /** Read the sink (default true; after --merge-reports there is none of this run). */
  fromSink?: boolean
  /** What `readSink()` gave, when the adapter read it already (to name what ran unguarded). */
  sink?: { records: AuditRecord[]; marks: FileMark[] }
  /** Records the runner carried to its main process (each occurrence is merged with its sink copy). */
  carried?: readonly AuditRecord[]
  /** Counts of events left out before they got here (a runner's capped tally). */
  dropped?: readonly DroppedEvents[]
  /** Did the runner fail a test or a file for this violation? A violation it did not failed nothing. */
  shown(record: AuditRecord): boolean
  /** The adapter's own lines, after the summary's verdict line. */
  notes?: readonly string[]
}

export interface RunVerdict {
  report: LeakgateReport
  /** Every occurrence, sink and carried merged. */
  records: AuditRecord[]
  /** Where the report was written, relative to the working directory; undefined when none was. */
  reportPath: string | undefined
  /** The end-of-run summary, one entry a line (the report could not be written: that one line). */
  lines: string[]
  /**
   * Why the run fails for leakgate (enforce mode: a violation, an incomplete run; any mode: the
   * report could not be written), one line; undefined when it does not.
   */
  failure: string | undefined
  /** The report could not be written (LEAKGATE_REPORT_UNWRITABLE): the run fails, in watch mode too. */
  unwritten?: boolean
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** The union of both sources of a run's records, each occurrence once (the sink's copy first). */
export function mergeRecords(sink: readonly AuditRecord[], carried: readonly AuditRecord[]): AuditRecord[] {
  const seen = new Set<string>()
  const out: AuditRecord[] = []
  for (const record of [...sink, ...carried]) {
    const key = occurrenceKey(record)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(record)
  }
  return out
}

/**
 * A run in mode off audited nothing: its report says so (the gate refuses it, as any run the
 * guard did not see), and stands where the report goes, so an earlier run's report is never
 * read as this one's. Every adapter writes it, the same way.
 */
function notAudited(ran: readonly RanFile[]): Incomplete {
  return {
    expected: new Set(ran.filter((file) => !file.skipped).map((file) => path.resolve(file.path))).size,
    audited: 0,
    problems: [
      {
        reason: 'not-started',
        detail: 'mode off (the mode option or LEAKGATE_MODE): leakgate audited nothing in this run',
      },
    ],
  }
}

export class RunCollector {
  private readonly framework: string
  private readonly chosen: string | undefined
  private readonly endsAtExit: boolean
  private mode: Mode = 'enforce'
  private reportFile: string | false = false
  private watchingExit = false
  private base: string | undefined
  private dir: string | undefined
  private started = false
  /** A run started and not finished: its sink must outlive an `exit` listener registered before the adapter's. */
  private running = false
  private exiting = false
  private since = 0
  private startedAt = new Date()

  constructor(options: CollectorOptions) {
    this.framework = options.framework
    this.chosen = options.sinkDir || undefined
    this.endsAtExit = options.endsAtExit ?? false
  }

  /** The current run's sink directory: the workers append there (created on first use). */
  get sinkDir(): string {
    if (this.chosen) return this.chosen
    this.dir ??= this.createRunDir()
    return this.dir
  }

  /**
   * A run starts. From the second run on (watch mode) it gets a fresh sink of its own and the
   * previous one is removed; returns true then (the workers must be told the new directory).
   * Until the run ends its report says it has not: a runner that dies on the way leaves that
   * behind, which the gate refuses, never an earlier run's green (in mode off too).
   */
  startRun(start: RunStart): boolean {
    this.startedAt = new Date()
    this.since = Date.now()
    if (start.reportFile !== false) writeUnfinishedReport(start.reportFile, start.info)
    const rotate = this.started && !this.chosen
    this.started = true
    this.running = true
    this.mode = start.info.mode
    this.reportFile = start.reportFile
    this.watchCutShort()
    if (!rotate) return false
    const previous = this.dir
    this.dir = this.createRunDir()
    if (previous) fs.rmSync(previous, { recursive: true, force: true })
    return true
  }

  /** What the workers wrote during this run: their records and file marks. */
  readSink(): { records: AuditRecord[]; marks: FileMark[] } {
    const dir = this.chosen ?? this.dir
    if (!dir) return { records: [], marks: [] }
    const records = collectRecords(dir)
    const marks = readFileMarks(dir)
    // A sink the user chose may hold other runs' lines.
    if (!this.chosen) return { records, marks }
    return {
      records: records.filter((record) => record.time >= this.since),
      marks: marks.filter((mark) => mark.time >= this.since),
    }
  }

  /** The run ends: merge, check, write the report, and say the verdict. */
  finish(end: RunEnd): RunVerdict {
    try {
      return this.conclude(end)
    } finally {
      this.running = false
      if (this.exiting) this.removeOwnSinks()
    }
  }

  private conclude(end: RunEnd): RunVerdict {
    const fromSink = end.fromSink ?? true
    const sink = fromSink ? (end.sink ?? this.readSink()) : { records: [], marks: [] }
    const records = mergeRecords(sink.records, end.carried ?? [])
    const run: RunInfo = {
      ...end.info,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    }
    const mode: Mode = run.mode
    const incomplete =
      end.incomplete ??
      (mode === 'off' ? notAudited(end.ran ?? []) : auditCoverage(end.ran ?? [], sink.marks, run.root))
    if (incomplete) run.incomplete = incomplete
    const report = createReport(run, records, { dropped: end.dropped ?? [] })
    let reportPath: string | undefined
    if (end.reportFile !== false) {
      try {
        writeReport(end.reportFile, report)
      } catch (error) {
        // No report is no green: the gate would read an old one, or none.
        const line = `${(error as Error).message}; the run fails for it`
        return { report, records, reportPath, lines: [line], failure: (error as Error).message, unwritten: true }
      }
      reportPath = path.relative(process.cwd(), end.reportFile) || end.reportFile
    }
    if (mode === 'off') {
      const where = reportPath ? `; report: ${reportPath} (the gate refuses it: nothing was audited)` : ''
      return {
        report,
        records,
        reportPath,
        lines: [`leakgate: off (mode: off), nothing was audited${where}`],
        failure: undefined,
      }
    }
    // A file whose worker stopped mid-file failed nothing, but not because its violations came
    // late: the summary lists those with the incomplete run.
    const unfinished = new Set(
      (incomplete?.problems ?? [])
        .filter((problem) => problem.reason === 'not-finished')
        .map((problem) => problem.file),
    )
    const violations = records.filter((record) => !record.decision.allowed)
    const inUnfinished = (record: AuditRecord) => record.scope.file !== undefined && unfinished.has(record.scope.file)
    const stopped = violations.filter(inUnfinished)
    const orphans = violations.filter(
      (record) => record.mode === 'enforce' && !inUnfinished(record) && !end.shown(record),
    )
    const lines = formatSummary({
      report,
      mode,
      reportPath,
      orphans,
      violations,
      stopped,
      notes: end.notes ?? [],
    })
    return { report, records, reportPath, lines, failure: this.failure(report, end.reportFile) }
  }

  /** Whether the run fails for leakgate: a violation in enforce mode, or an incomplete enforce run. */
  private failure(report: LeakgateReport, file: string | false): string | undefined {
    const where = file === false ? '' : ` (report: ${file})`
    // By each event's own mode: a Jest project in report mode beside one that enforces fails nothing.
    const count = report.events
      .filter((event) => !event.decision.allowed && event.mode === 'enforce')
      .reduce((sum, event) => sum + event.count, 0)
    if (count > 0) return `leakgate: ${plural(count, 'violation')} in enforce mode${where}`
    if (report.runs[0]?.incomplete && report.runs[0].mode === 'enforce')
      return `leakgate: the run is incomplete${where}`
    return undefined
  }

  /**
   * A process that exits while its run is open (a test calling `process.exit(0)` in Jest's band
   * or under Mocha, where the tests share the runner's process) would end with the code the test
   * chose: 0, though the guard refused something and the test that failed for it was never
   * reported. Such a run fails (exit code 1, and why), as it would have at its end. Judged by
   * the events' own mode (the adapter may not know the mode of every project at the start):
   * report mode keeps the runner's own exit code, it never changes a result. A run cut short
   * with nothing refused keeps its code too; its report says it is incomplete, for the gate.
   */
  private watchCutShort(): void {
    if (this.watchingExit || this.endsAtExit) return
    this.watchingExit = true
    process.once('exit', () => {
      if (!this.running || this.mode === 'off' || process.exitCode) return
      let refused = 0
      try {
        for (const record of this.readSink().records) {
          if (!record.decision.allowed && record.mode === 'enforce') refused += record.count
        }
      } catch {
        return
      }
      if (refused === 0) return
      const where = this.reportFile === false ? '' : ` (report: ${this.reportFile})`
      try {
        process.stderr.write(
          `leakgate: ${plural(refused, 'violation')} in enforce mode, and the run stopped before its end, so it fails${where}: something called process.exit() before the test runner finished (a test, or the code it runs); find the call, or mock process.exit in that test\n`,
        )
      } catch {
        // stderr is gone: the exit code still says it
      }
      process.exitCode = 1
    })
  }

  private createRunDir(): string {
    if (!this.base) {
      this.base = fs.mkdtempSync(path.join(os.tmpdir(), `leakgate-${this.framework}-`))
      // An adapter that ends its run at exit (node:test's runner) may have registered its
      // listener after this one: a run still open keeps its sink until its finish() removes it.
      process.once('exit', () => {
        this.exiting = true
        if (!this.running) this.removeOwnSinks()
      })
    }
    return fs.mkdtempSync(path.join(this.base, 'run-'))
  }

  private removeOwnSinks(): void {
    if (this.base) fs.rmSync(this.base, { recursive: true, force: true })
  }
}
