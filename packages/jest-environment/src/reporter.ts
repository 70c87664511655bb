import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type AuditRecord,
  checkOptionKeys,
  LeakgateError,
  type Mode,
  OPTION_CHECKS,
  outputPathProblem,
  unsupportedJestMessage,
  withoutFrames,
} from '@leakgate/core'
import {
  auditCoverage,
  collectRecords,
  createReport,
  describeDroppedTotal,
  describeProblem,
  type Incomplete,
  type LeakgateReport,
  type RanFile,
  type RunInfo,
  readFileMarks,
  writeRefusedReport,
  writeReport,
  writeUnfinishedReport,
} from '@leakgate/core/report'
import { unsupportedJest } from './base.js'
import { OPTIONS_KEY } from './options.js'
import { ownRequire, resolveFromProject } from './resolve.js'
import { carriedRecords, type FileResultLike, unaccountedViolations } from './results.js'
import { REPORTER_ENV, SINK_ENV } from './sink.js'
import { recordIdentity } from './violation-error.js'

// `reporters: ['default', '@leakgate/jest-environment/reporter']`. Runs in Jest's main process:
// before the workers start it creates the run's sink directory and exports it (workers inherit
// the environment); when the run completes it reads every event the workers appended, merges
// those carried by the failed tests' errors, writes leakgate-report.json and, in enforce mode,
// makes Jest exit non-zero when there were violations (getLastError), including those that
// happened after their test file ended and so failed no test.
//
// It also checks that the guard ran everywhere: every file Jest ran must have left its start and
// end marks in the sink. A file whose environment refused its options (or never loaded) or whose
// worker was killed mid-file makes the report `incomplete`, which the gate refuses.

export interface LeakgateReporterOptions {
  /**
   * Where to write the report, relative to Jest's rootDir. Default `leakgate-report.json`;
   * with `--shard=i/n`, `leakgate-report.shard-i-of-n.json` (merge them with `leakgate report`).
   */
  outputFile?: string
  /** No summary on stderr. Default false. */
  silent?: boolean
}

interface GlobalConfigLike {
  rootDir: string
  shard?: { shardIndex: number; shardCount: number } | null
}

interface TestLike {
  path: string
  context?: {
    config?: {
      testEnvironment?: string
      testEnvironmentOptions?: Record<string, unknown>
      displayName?: string | { name?: string }
      rootDir?: string
    }
  }
}

/** `…/node_modules/jest-environment-node/build/index.js` → `jest-environment-node`; else the path. */
function environmentName(file: string): string {
  const normalized = file.split(path.sep).join('/')
  const at = normalized.lastIndexOf('/node_modules/')
  if (at === -1) return file
  const [first, second] = normalized.slice(at + '/node_modules/'.length).split('/')
  return first?.startsWith('@') && second ? `${first}/${second}` : (first ?? file)
}

/** This package's directory (dist/): its environments (node, jsdom) live there. */
const OWN_DIR = realDir(fileURLToPath(import.meta.url))

function realDir(file: string): string | undefined {
  try {
    return path.dirname(fs.realpathSync(file))
  } catch {
    return undefined
  }
}

/** Does the project run its tests in this package's environment (node or jsdom)? */
function isOwnEnvironment(environment: string | undefined): boolean {
  return environment !== undefined && path.isAbsolute(environment) && realDir(environment) === OWN_DIR
}

const MODES: readonly Mode[] = ['enforce', 'report', 'off']
const REPORTER = '@leakgate/jest-environment/reporter'

/** The reporter's own options, checked by core's validator (keys, values, the output path on disk). */
function readReporterOptions(options: unknown, rootDir: string): LeakgateReporterOptions {
  if (options === undefined || options === null) return {}
  checkOptionKeys(options, {
    core: false,
    extra: { outputFile: OPTION_CHECKS.outputFile, silent: OPTION_CHECKS.boolean },
    label: (key) => `invalid option ${key} of the reporter '${REPORTER}'`,
    example: "{ outputFile: 'leakgate-report.json' }",
    base: rootDir,
  })
  return options as LeakgateReporterOptions
}

function jestVersion(rootDir: string): string | undefined {
  for (const name of ['jest/package.json', '@jest/core/package.json']) {
    const file = resolveFromProject(name, [rootDir])
    if (!file) continue
    try {
      return (ownRequire(file) as { version?: string }).version
    } catch {
      // unreadable
    }
  }
  return undefined
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

export default class LeakgateReporter {
  private readonly options: LeakgateReporterOptions
  private sinkDir: string | undefined
  private ownsSink = false
  private since = 0
  private startedAt = new Date()
  private error: Error | undefined
  private readonly modes = new Set<Mode>()
  private readonly results = new Map<string, FileResultLike>()
  private readonly carried: AuditRecord[] = []
  /** Files of projects with another environment: the project's name and that environment. */
  private readonly unguarded = new Map<string, { project: string; environment: string }>()
  /** Projects whose files ran without the guard this run: said in the summary, every run. */
  private unguardedProjects = new Map<string, { environment: string; files: number }>()

  constructor(
    private readonly globalConfig: GlobalConfigLike,
    options?: LeakgateReporterOptions,
  ) {
    try {
      this.options = readReporterOptions(options, globalConfig.rootDir)
    } catch (error) {
      // Jest stops at start; a green report of an earlier run must not stand in for this one.
      this.options = {}
      const raw = options as { outputFile?: unknown } | undefined
      const message = (error as Error).message ?? String(error)
      if (typeof raw?.outputFile === 'string' && !/^invalid option outputFile\b/.test(message)) {
        this.options = { outputFile: raw.outputFile }
      }
      writeRefusedReport(
        this.outputFile(),
        { framework: 'jest', node: process.version, mode: 'enforce', root: globalConfig.rootDir, files: [] },
        message,
      )
      throw error
    }
    // An unsupported Jest stops here, before any test, with the versions that are supported.
    const refusal = unsupportedJestMessage(jestVersion(globalConfig.rootDir))
    if (refusal) {
      const error = unsupportedJest(refusal)
      writeRefusedReport(
        this.outputFile(),
        { framework: 'jest', node: process.version, mode: 'enforce', root: globalConfig.rootDir, files: [] },
        error.message,
      )
      throw error
    }
    if (this.options.outputFile === undefined) {
      // The default path is checked too: a rootDir that cannot be written is refused at start.
      const problem = outputPathProblem(this.outputFile(), { shownFrom: globalConfig.rootDir })
      if (problem) {
        throw withoutFrames(
          new LeakgateError(
            'LEAKGATE_INVALID_OPTION',
            `the reporter '${REPORTER}' cannot write its report: ${this.outputFile()} ${problem}. Set its outputFile.`,
          ),
        )
      }
    }
    // Export the sink now too: Jest may construct workers right after the reporters.
    this.openSink()
  }

  onRunStart(): void {
    this.startedAt = new Date()
    this.since = Date.now()
    this.error = undefined
    this.modes.clear()
    this.results.clear()
    this.carried.length = 0
    this.unguarded.clear()
    if (!this.sinkDir) this.openSink()
    // Until this run ends its report says it has not: a Jest that dies on the way leaves that
    // behind, which the gate refuses, never an earlier run's green.
    writeUnfinishedReport(this.outputFile(), {
      framework: 'jest',
      node: process.version,
      mode: 'enforce',
      root: this.globalConfig.rootDir,
      files: [],
    })
  }

  onTestResult(test: TestLike, result: FileResultLike): void {
    this.results.set(this.relative(result.testFilePath ?? test.path), result)
    // A project with another environment is not guarded, and not expected to be (one left out
    // on purpose); its files count only when a guard marked them (a subclass of ours).
    const config = test.context?.config
    if (!isOwnEnvironment(config?.testEnvironment)) {
      const name = typeof config?.displayName === 'string' ? config.displayName : config?.displayName?.name
      this.unguarded.set(result.testFilePath ?? test.path, {
        project: name || (config?.rootDir ? this.relative(config.rootDir) || '.' : '.'),
        environment: config?.testEnvironment ?? 'unknown',
      })
    }
    const options = test.context?.config?.testEnvironmentOptions?.[OPTIONS_KEY] as { mode?: unknown } | undefined
    const mode = options?.mode
    this.modes.add(MODES.includes(mode as Mode) ? (mode as Mode) : 'enforce')
    this.carried.push(...carriedRecords(result))
  }

  onRunComplete(): void {
    const dir = this.sinkDir
    const fromSink = dir ? collectRecords(dir).filter((record) => record.time >= this.since) : []
    const known = new Set(fromSink.map(recordIdentity))
    const records = [...fromSink, ...this.carried.filter((record) => !known.has(recordIdentity(record)))]
    const run = this.runInfo()
    const incomplete = run.mode === 'off' ? undefined : this.coverage(dir)
    if (incomplete) run.incomplete = incomplete
    const report = createReport(run, records)
    const file = this.outputFile()
    try {
      writeReport(file, report)
    } catch (error) {
      // No report is no green: Jest exits non-zero, with the one line that says why.
      this.closeSink()
      this.error = error as Error
      process.stderr.write(`\n${(error as Error).message}; the run fails for it\n`)
      return
    }
    this.closeSink()
    const failing = report.events.filter((event) => !event.decision.allowed && event.mode === 'enforce')
    if (failing.length > 0) {
      const count = failing.reduce((sum, event) => sum + event.count, 0)
      this.error = new Error(`leakgate: ${plural(count, 'violation')} in enforce mode (report: ${file})`)
    } else if (incomplete && run.mode === 'enforce') {
      this.error = new Error(`leakgate: the run is incomplete (report: ${file})`)
    }
    if (!this.options.silent) this.printSummary(report, file)
  }

  /** Which files Jest ran that the guard did not see from start to end (undefined: none). */
  private coverage(dir: string | undefined): Incomplete | undefined {
    const marks = dir ? readFileMarks(dir).filter((mark) => mark.time >= this.since) : []
    // Not expected to be guarded (a project left out on purpose), but never silently: the summary
    // names each project whose files ran without the guard (a subclass of ours marks its files).
    const started = new Set(marks.filter((mark) => mark.state === 'start').map((mark) => mark.file))
    this.unguardedProjects = new Map()
    for (const [file, { project, environment }] of this.unguarded) {
      if (started.has(file)) continue
      const entry = this.unguardedProjects.get(project) ?? { environment, files: 0 }
      entry.files += 1
      this.unguardedProjects.set(project, entry)
    }
    const ran: RanFile[] = []
    for (const result of this.results.values()) {
      const entry: RanFile = { path: result.testFilePath }
      if (this.unguarded.has(result.testFilePath)) entry.skipped = true
      const error = result.testExecError as { message?: unknown } | undefined
      if (error && typeof error.message === 'string') entry.error = error.message
      ran.push(entry)
    }
    return auditCoverage(ran, marks, this.globalConfig.rootDir)
  }

  getLastError(): Error | undefined {
    return this.error
  }

  private openSink(): void {
    const inherited = process.env[SINK_ENV]
    this.since = Date.now()
    if (inherited && !this.ownsSink) {
      // The user chose a sink: keep it, read only this run's lines.
      this.sinkDir = inherited
    } else {
      this.sinkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-jest-'))
      this.ownsSink = true
      process.env[SINK_ENV] = this.sinkDir
    }
    process.env[REPORTER_ENV] = '1'
  }

  private closeSink(): void {
    if (this.ownsSink && this.sinkDir) {
      fs.rmSync(this.sinkDir, { recursive: true, force: true })
      this.sinkDir = undefined
      delete process.env[SINK_ENV]
      this.ownsSink = false
    }
  }

  private mode(): Mode {
    const env = process.env.LEAKGATE_MODE as Mode | undefined
    if (env && MODES.includes(env)) return env
    if (this.modes.has('enforce')) return 'enforce'
    if (this.modes.has('report')) return 'report'
    return this.modes.has('off') ? 'off' : 'enforce'
  }

  private runInfo(): RunInfo {
    const { rootDir, shard } = this.globalConfig
    const run: RunInfo = {
      framework: 'jest',
      node: process.version,
      mode: this.mode(),
      root: rootDir,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      files: [...this.results.keys()].sort(),
    }
    const version = jestVersion(rootDir)
    if (version) run.frameworkVersion = version
    if (shard) run.shard = { index: shard.shardIndex, count: shard.shardCount }
    return run
  }

  private outputFile(): string {
    const { rootDir, shard } = this.globalConfig
    const name =
      this.options.outputFile ??
      (shard ? `leakgate-report.shard-${shard.shardIndex}-of-${shard.shardCount}.json` : 'leakgate-report.json')
    return path.resolve(rootDir, name)
  }

  private relative(file: string): string {
    return path.relative(this.globalConfig.rootDir, file).split(path.sep).join('/')
  }

  /**
   * One line per Jest project whose files ran without the guard (another testEnvironment: Jest
   * gives each project only its own), saying what to add when that was not on purpose.
   */
  private explainUnguardedProjects(): string[] {
    return [...this.unguardedProjects].map(
      ([project, { environment, files }]) =>
        `leakgate: the Jest project ${JSON.stringify(project)} runs its tests with testEnvironment ${JSON.stringify(environmentName(environment))}, ` +
        `not leakgate's: its ${plural(files, 'test file')} ran unguarded and ${files === 1 ? 'is' : 'are'} not in the report. Unless that is on purpose, ` +
        "add testEnvironment: '@leakgate/jest-environment' (or '@leakgate/jest-environment/jsdom') to that project: " +
        "Jest does not pass the top level's testEnvironment into `projects`.",
    )
  }

  private printSummary(report: LeakgateReport, file: string): void {
    const { summary } = report
    const shown = path.relative(process.cwd(), file) || file
    const categories = (['net', 'exec', 'eval', 'tamper'] as const)
      .filter((category) => (summary.byCategory[category]?.violations ?? 0) > 0)
      .map((category) => `${category} ${summary.byCategory[category].violations}`)
    const violations =
      summary.violations === 0
        ? 'no violations'
        : `${plural(summary.violations, 'violation')} (${categories.join(', ')})`
    const note =
      summary.violations > 0 && report.runs[0]?.mode === 'report' ? ' (report mode: nothing was blocked)' : ''
    // Worded as the Vitest plugin's summary: one line a user learns once for both runners.
    const allowed = summary.violations === 0 ? plural(summary.allowed, 'event') : String(summary.allowed)
    const lines = [`leakgate: ${violations}, ${allowed} allowed by rules; report: ${shown}${note}`]
    lines.push(...this.explainUnguardedProjects())
    const dropped = describeDroppedTotal(report.dropped)
    if (dropped) lines.push(dropped)
    const incomplete = report.runs[0]?.incomplete
    const unfinished = new Set<string>()
    if (incomplete) {
      const { expected, audited, problems } = incomplete
      lines.push(
        `leakgate: the run is incomplete: ${plural(expected - audited, 'test file')} of ${expected} not audited; the gate refuses this report:`,
      )
      for (const problem of problems.slice(0, 10)) lines.push(`  ${describeProblem(problem)}`)
      if (problems.length > 10) lines.push(`  … ${problems.length - 10} more in the report`)
      for (const problem of problems)
        if (problem.file && problem.reason === 'not-finished') unfinished.add(problem.file)
    }
    // A file whose worker stopped mid-file has violations no test shows: they happened before
    // the worker died, not after the file ended.
    const unaccounted = unaccountedViolations(report.events, this.results).filter(
      (event) => event.scope.file === undefined || !unfinished.has(event.scope.file),
    )
    const stopped = report.events.filter(
      (event) =>
        !event.decision.allowed &&
        event.mode === 'enforce' &&
        event.scope.file !== undefined &&
        unfinished.has(event.scope.file),
    )
    if (stopped.length > 0) {
      lines.push(`leakgate: ${plural(stopped.length, 'violation')} in files whose worker stopped mid-file:`)
      for (const event of stopped.slice(0, 10)) {
        const where = [event.scope.file, event.scope.test].filter(Boolean).join(' > ')
        lines.push(`  ${event.message}${where ? `  at ${where}` : ''}`)
      }
      if (stopped.length > 10) lines.push(`  … ${stopped.length - 10} more in the report`)
    }
    if (unaccounted.length > 0) {
      lines.push(
        `leakgate: ${plural(unaccounted.length, 'violation')} that no failed test shows (after its file ended):`,
      )
      for (const event of unaccounted.slice(0, 10)) {
        const where = [event.scope.file, event.scope.test].filter(Boolean).join(' > ')
        lines.push(`  ${event.message}${where ? `  at ${where}` : ''}`)
      }
      if (unaccounted.length > 10) lines.push(`  … ${unaccounted.length - 10} more in the report`)
    }
    process.stderr.write(`\n${lines.join('\n')}\n`)
  }
}

export { LeakgateReporter }
