import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AuditRecord, LeakgateError, Mode } from '@leakgate/core'
import {
  auditCoverage,
  collectRecords,
  createReport,
  describeDroppedTotal,
  describeProblem,
  type LeakgateReport,
  type RunInfo,
  readFileMarks,
  writeRefusedReport,
  writeReport,
  writeUnfinishedReport,
} from '@leakgate/core/report'
import { DEFAULT_REPORT, type MochaSettings } from './options.js'

// The run, in Mocha's main process: before any file loads (serial) or any worker forks
// (--parallel) it creates the run's sink directory and exports it, so the guard in this process
// and in every worker appends its events there; when Mocha's run ends it reads them back,
// writes leakgate-report.json, prints one summary line, and fails the run (exit code) for a
// violation no test or file could show (after its file ended) or for an incomplete run.

export const SINK_ENV = 'LEAKGATE_SINK_DIR'

const MODES: readonly Mode[] = ['enforce', 'report', 'off']

interface OpenRun {
  settings: MochaSettings
  version: string | undefined
  sinkDir: string
  ownsSink: boolean
  since: number
  startedAt: Date
  files: string[]
}

let open: OpenRun | undefined

function reportFile(settings: MochaSettings): string | undefined {
  return settings.report === false ? undefined : path.resolve(process.cwd(), settings.report)
}

function mode(settings: MochaSettings): Mode {
  const env = process.env.LEAKGATE_MODE as Mode | undefined
  if (env && MODES.includes(env)) return env
  return settings.core.mode ?? 'enforce'
}

function runInfo(run: OpenRun): RunInfo {
  const info: RunInfo = {
    framework: 'mocha',
    node: process.version,
    mode: mode(run.settings),
    root: process.cwd(),
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    files: run.files.map((file) => path.relative(process.cwd(), file).split(path.sep).join('/')).sort(),
  }
  if (run.version) info.frameworkVersion = run.version
  return info
}

/** The sink of the open run (for the engine's options); undefined outside a run. */
export function runSinkDir(): string | undefined {
  return open?.sinkDir ?? process.env[SINK_ENV]
}

/** Opens the run (idempotent until finishRun): the sink, and a report that says it has not ended. */
export function startRun(settings: MochaSettings, version: string | undefined, files: readonly string[] = []): void {
  if (open) {
    if (files.length > 0) open.files = [...files]
    return
  }
  const inherited = process.env[SINK_ENV]
  const sinkDir = inherited ?? fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-mocha-'))
  if (!inherited) process.env[SINK_ENV] = sinkDir
  open = {
    settings,
    version,
    sinkDir,
    ownsSink: !inherited,
    since: Date.now(),
    startedAt: new Date(),
    files: [...files],
  }
  const file = reportFile(settings)
  if (file && mode(settings) !== 'off') {
    const { startedAt: _, ...info } = runInfo(open)
    writeUnfinishedReport(file, info)
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

function summaryLines(report: LeakgateReport, file: string | undefined): string[] {
  const { summary } = report
  const categories = (['net', 'exec', 'eval', 'tamper'] as const)
    .filter((category) => (summary.byCategory[category]?.violations ?? 0) > 0)
    .map((category) => `${category} ${summary.byCategory[category].violations}`)
  const violations =
    summary.violations === 0 ? 'no violations' : `${plural(summary.violations, 'violation')} (${categories.join(', ')})`
  const allowed = summary.violations === 0 ? plural(summary.allowed, 'event') : String(summary.allowed)
  const where = file ? `; report: ${path.relative(process.cwd(), file) || file}` : ''
  const note = summary.violations > 0 && report.runs[0]?.mode === 'report' ? ' (report mode: nothing was blocked)' : ''
  const lines = [`leakgate: ${violations}, ${allowed} allowed by rules${where}${note}`]
  const dropped = describeDroppedTotal(report.dropped)
  if (dropped) lines.push(dropped)
  const incomplete = report.runs[0]?.incomplete
  if (incomplete) {
    const { expected, audited, problems } = incomplete
    lines.push(
      `leakgate: the run is incomplete: ${plural(expected - audited, 'test file')} of ${expected} not audited; the gate refuses this report:`,
    )
    for (const problem of problems.slice(0, 10)) lines.push(`  ${describeProblem(problem)}`)
  }
  return lines
}

/**
 * Ends the open run: writes the report and the summary, removes the sink it created. Returns
 * the failure count Mocha exits with: at least 1 when, in enforce mode, the report holds a
 * violation while no test failed (it happened after its file ended) or the run is incomplete.
 */
export function finishRun(failures: number): number {
  const run = open
  if (!run) return failures
  open = undefined
  const records = collectRecords(run.sinkDir).filter((record) => record.time >= run.since)
  const info = runInfo(run)
  const incomplete =
    info.mode === 'off' || run.files.length === 0
      ? undefined
      : auditCoverage(
          run.files.map((file) => ({ path: file })),
          readFileMarks(run.sinkDir).filter((mark) => mark.time >= run.since),
          process.cwd(),
        )
  if (incomplete) info.incomplete = incomplete
  const report = createReport(info, records)
  const file = reportFile(run.settings)
  let result = failures
  if (file) {
    try {
      writeReport(file, report)
    } catch (error) {
      process.stderr.write(`\n${(error as Error).message}; the run fails for it\n`)
      result = Math.max(result, 1)
    }
  }
  if (run.ownsSink) {
    fs.rmSync(run.sinkDir, { recursive: true, force: true })
    delete process.env[SINK_ENV]
  }
  if (info.mode === 'enforce') {
    const failing = report.events.some((event) => !event.decision.allowed && event.mode === 'enforce')
    if ((failing || incomplete) && result === 0) result = 1
  }
  if (info.mode !== 'off') process.stderr.write(`\n${summaryLines(report, file).join('\n')}\n`)
  return result
}

/**
 * A violation after its file ended can fail no test: it is in the sink (the run fails for it
 * when it ends); said on stderr too, where it happened.
 */
export function noteOrphan(record: AuditRecord, error: LeakgateError): void {
  if (record.mode === 'off') return
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
