import path from 'node:path'
import type { AuditRecord, LeakgateError } from '@leakgate/core'
import { occurrenceKey, RunCollector, type RunInfo, resolveMode, writeRefusedReport } from '@leakgate/core/report'
import { DEFAULT_REPORT, type MochaSettings } from './options.js'

// The run, in Mocha's main process, on core's run collector: before any file loads (serial) or
// any worker forks (--parallel) it exports the run's sink directory, so the guard in this
// process and in every worker appends its events there; when Mocha's run ends the collector
// merges them, checks that every file Mocha loaded was audited to its end, writes
// leakgate-report.json and says the summary, printed here; a violation no test or file could
// show (after its file ended) or an incomplete run fails the run (exit code) in enforce mode.

export const SINK_ENV = 'LEAKGATE_SINK_DIR'

interface OpenRun {
  settings: MochaSettings
  version: string | undefined
  files: string[]
  /** Violations after their file ended in this process (serial runs): the summary lists them. */
  orphans: Set<string>
}

/** One per process: a watch-mode rerun gets a fresh sink from it (the previous one removed). */
let collector: RunCollector | undefined
let open: OpenRun | undefined

function reportFile(settings: MochaSettings): string | false {
  return settings.report === false ? false : path.resolve(process.cwd(), settings.report)
}

function runInfo(run: OpenRun): Omit<RunInfo, 'startedAt' | 'finishedAt'> {
  const info: Omit<RunInfo, 'startedAt' | 'finishedAt'> = {
    framework: 'mocha',
    node: process.version,
    mode: resolveMode([run.settings.core.mode]),
    root: process.cwd(),
    files: run.files.map((file) => path.relative(process.cwd(), file).split(path.sep).join('/')).sort(),
  }
  if (run.version) info.frameworkVersion = run.version
  return info
}

/** The sink of the open run (for the engine's options); in a worker, the one it inherited. */
export function runSinkDir(): string | undefined {
  return open ? collector?.sinkDir : process.env[SINK_ENV]
}

/** Opens the run (idempotent until finishRun): the sink, and a report that says it has not ended. */
export function startRun(settings: MochaSettings, version: string | undefined, files: readonly string[] = []): void {
  if (open) {
    if (files.length > 0) open.files = [...files]
    return
  }
  // A sink the user chose (LEAKGATE_SINK_DIR) is kept; ours otherwise, exported for the workers.
  collector ??= new RunCollector({ framework: 'mocha', sinkDir: process.env[SINK_ENV] })
  open = { settings, version, files: [...files], orphans: new Set() }
  collector.startRun({ info: runInfo(open), reportFile: reportFile(settings) })
  process.env[SINK_ENV] = collector.sinkDir
}

/**
 * Ends the open run: the report and the summary. Returns the failure count Mocha exits with:
 * at least 1 when the collector says the run fails (enforce mode: a violation, an incomplete
 * run; any mode: the report could not be written).
 */
export function finishRun(failures: number): number {
  const run = open
  if (!run || !collector) return failures
  open = undefined
  const verdict = collector.finish({
    info: runInfo(run),
    reportFile: reportFile(run.settings),
    // A run that loaded no file (the API with none added) has nothing to check.
    ran: run.files.map((file) => ({ path: file })),
    // Mocha failed the test or the file of every violation but those after their file ended.
    shown: (record) => !run.orphans.has(occurrenceKey(record)),
  })
  process.stderr.write(`\n${verdict.lines.join('\n')}\n`)
  return verdict.failure || verdict.unwritten ? Math.max(failures, 1) : failures
}

/**
 * A violation after its file ended can fail no test: in a serial run the summary lists it (it
 * fails the run); a --parallel worker has no summary, so it says so on stderr, where it happened.
 */
export function noteOrphan(record: AuditRecord, error: LeakgateError): void {
  if (record.mode === 'off') return
  if (open) {
    open.orphans.add(occurrenceKey(record))
    return
  }
  const where = record.scope.file ? ` (from ${record.scope.file})` : ''
  process.stderr.write(
    `\nleakgate: a violation after its test file ended${where}; it fails the run.\n\n${error.message}\n\n`,
  )
}

/**
 * The run is refused (invalid options): a report that says so stands where the report goes, so
 * the gate never reads an earlier run's green one. Where: the options' `report` when that key
 * itself is fine, else the default.
 */
export function refuseRun(raw: unknown, message: string, version: string | undefined): void {
  const given = (raw as { report?: unknown } | undefined)?.report
  if (given === false) return
  const usable = typeof given === 'string' && given.trim() !== '' && !/^invalid leakgate option report\b/.test(message)
  const file = path.resolve(process.cwd(), usable ? (given as string) : DEFAULT_REPORT)
  writeRefusedReport(
    file,
    {
      framework: 'mocha',
      ...(version ? { frameworkVersion: version } : {}),
      node: process.version,
      mode: 'enforce',
      root: process.cwd(),
      files: [],
    },
    message,
  )
}
