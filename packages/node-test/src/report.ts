import path from 'node:path'
import type { Mode } from '@leakgate/core'
import { REPORT_FILE, RunCollector, type RunInfo, writeRefusedReport } from '@leakgate/core/report'

// The run's side, on core's run collector, in the process that runs node:test's orchestrator
// (`node --test`, `run()`), or in the test file's own process when it is run directly. Its sink
// directory exists before any test process starts (they inherit LEAKGATE_SINK_DIR), a report
// that says "not finished" is written at once, and when the run ends the collector reads the
// sink back into leakgate-report.json, says the summary (printed here) and whether the run
// fails: for a test file that started but did not end (its process was killed: the report
// could lack its last events), and in enforce mode for a violation (the test processes failed
// their tests for them already; this makes the exit code say so whatever the reporter).

export const SINK_ENV = 'LEAKGATE_SINK_DIR'

function runInfo(root: string, mode: Mode): Omit<RunInfo, 'startedAt'> {
  return { framework: 'node:test', frameworkVersion: process.versions.node, node: process.version, mode, root }
}

/** The run was refused (bad options): its report says so, for the gate. */
export function refuseRun(root: string, message: string, report: string | false = REPORT_FILE): void {
  if (report !== false) writeRefusedReport(path.resolve(root, report), runInfo(root, 'enforce'), message)
}

export class RunReport {
  private readonly collector = new RunCollector({ framework: 'node-test', endsAtExit: true })
  private readonly reportFile: string | false
  private finished = false

  /** `report`: the report's path relative to `root`, or false for none (the sink is still read). */
  constructor(
    private readonly root: string,
    private readonly mode: Mode,
    report: string | false = REPORT_FILE,
  ) {
    this.reportFile = report === false ? false : path.resolve(root, report)
    this.collector.startRun({ info: runInfo(root, mode), reportFile: this.reportFile })
  }

  /** Where the test processes append their events. */
  get sinkDir(): string {
    return this.collector.sinkDir
  }

  /** Writes the report and prints the summary; returns true when the run must fail. */
  finish(): boolean {
    if (this.finished) return false
    this.finished = true
    const sink = this.collector.readSink()
    // The runner's own results are not ours to read: the files are those whose guard started.
    const ran = [...new Set(sink.marks.map((mark) => mark.file))].map((file) => ({ path: file }))
    const verdict = this.collector.finish({
      info: {
        ...runInfo(this.root, this.mode),
        files: ran.map((file) => path.relative(this.root, file.path).split(path.sep).join('/')).sort(),
      },
      reportFile: this.reportFile,
      sink,
      ran,
      // Each test process failed the test or the file of its violations, and said on stderr
      // (and in its exit code, which fails its file) what came after its file ended.
      shown: () => true,
    })
    process.stdout.write(`${verdict.lines.join('\n')}\n`)
    return verdict.failure !== undefined || verdict.unwritten === true
  }
}
