import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AuditRecord, Mode } from '@leakgate/core'
import {
  auditCoverage,
  collectRecords,
  createReport,
  type Incomplete,
  REPORT_FILE,
  type RunInfo,
  readFileMarks,
  writeRefusedReport,
  writeReport,
  writeUnfinishedReport,
} from '@leakgate/core/report'

// The run's side, in the process that runs node:test's orchestrator (`node --test`, `run()`),
// or in the test file's own process when it is run directly. It makes a sink directory for
// the run before any test process starts (they inherit LEAKGATE_SINK_DIR), writes a report
// that says "not finished" at once, and when the process exits reads the sink back into
// leakgate-report.json, prints the summary line, and fails the run for a test file that
// started but did not end (its process was killed: the report could lack its last events).

export const SINK_ENV = 'LEAKGATE_SINK_DIR'

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`
}

function runInfo(root: string, mode: Mode): Omit<RunInfo, 'startedAt'> {
  return { framework: 'node:test', frameworkVersion: process.versions.node, node: process.version, mode, root }
}

/** The run was refused (bad options): its report says so, for the gate. */
export function refuseRun(root: string, message: string, report: string | false = REPORT_FILE): void {
  if (report !== false) writeRefusedReport(path.resolve(root, report), runInfo(root, 'enforce'), message)
}

export class RunReport {
  readonly sinkDir: string
  private readonly startedAt = new Date().toISOString()
  private readonly info: Omit<RunInfo, 'startedAt'>
  private finished = false

  private readonly reportFile: string | undefined

  /** `report`: the report's path relative to `root`, or false for none (the sink is still read). */
  constructor(
    private readonly root: string,
    mode: Mode,
    report: string | false = REPORT_FILE,
  ) {
    this.reportFile = report === false ? undefined : path.resolve(root, report)
    this.sinkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-node-test-'))
    this.info = runInfo(root, mode)
    if (this.reportFile) writeUnfinishedReport(this.reportFile, this.info)
  }

  /** Writes the report and prints the summary; returns true when the run must fail. */
  finish(): boolean {
    if (this.finished) return false
    this.finished = true
    const records: AuditRecord[] = collectRecords(this.sinkDir)
    const marks = readFileMarks(this.sinkDir)
    const ran = [...new Set(marks.map((mark) => mark.file))].map((file) => ({ path: file }))
    const incomplete: Incomplete | undefined = auditCoverage(ran, marks, this.root)
    const files = ran.map((file) => path.relative(this.root, file.path).split(path.sep).join('/')).sort()
    const run: RunInfo = {
      ...this.info,
      id: randomUUID(),
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      files,
    }
    if (incomplete) run.incomplete = incomplete
    const report = createReport(run, records)
    const where = this.reportFile ? path.relative(process.cwd(), this.reportFile) || this.reportFile : 'none'
    try {
      if (this.reportFile) writeReport(this.reportFile, report)
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`)
      return true
    } finally {
      fs.rmSync(this.sinkDir, { recursive: true, force: true })
    }
    const { summary } = report
    const lines: string[] = []
    if (incomplete) {
      lines.push(
        `leakgate: the run is incomplete: ${plural(incomplete.expected - incomplete.audited, 'test file')} of ${incomplete.expected} not audited; the gate refuses this report:`,
        ...incomplete.problems.map((problem) => `  ${problem.file ?? ''}: ${problem.detail}`),
      )
    }
    if (summary.violations === 0) {
      lines.push(`leakgate: no violations, ${plural(summary.allowed, 'event')} allowed by rules; report: ${where}`)
    } else {
      const parts = (['net', 'exec', 'eval', 'tamper'] as const)
        .filter((category) => (summary.byCategory[category]?.violations ?? 0) > 0 || category !== 'tamper')
        .map((category) => `${category} ${summary.byCategory[category]?.violations ?? 0}`)
      lines.push(
        `leakgate: ${plural(summary.violations, 'violation')} (${parts.join(', ')}), ${summary.allowed} allowed by rules; report: ${where}`,
      )
    }
    process.stdout.write(`${lines.join('\n')}\n`)
    return incomplete !== undefined && this.info.mode !== 'off'
  }
}
