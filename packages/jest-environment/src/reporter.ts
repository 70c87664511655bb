import fs from 'node:fs'
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
  type FileMark,
  isMode,
  type RanFile,
  RunCollector,
  type RunInfo,
  resolveMode,
  writeRefusedReport,
} from '@leakgate/core/report'
import { unsupportedJest } from './base.js'
import { OPTIONS_KEY } from './options.js'
import { ownRequire, resolveFromProject } from './resolve.js'
import { carriedRecords, type FileResultLike, shownInResults } from './results.js'
import { REPORTER_ENV, SINK_ENV } from './sink.js'

// `reporters: ['default', '@leakgate/jest-environment/reporter']`. Runs in Jest's main process
// and translates Jest's reporter events into core's run collector: before the workers start it
// exports the run's sink directory (workers inherit the environment); when the run completes it
// gives the collector the violations the failed tests' errors carried, the files Jest ran and
// which violations a failure shows. The collector writes leakgate-report.json (incomplete when a
// file's guard did not see it to its end) and says the summary, printed here; in enforce mode a
// violation or an incomplete run makes Jest exit non-zero (getLastError), including violations
// that happened after their test file ended and so failed no test.

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

const OWN_PACKAGE = '@leakgate/jest-environment'
/** How much of a test file is read for its docblock: Jest reads it from the file's start. */
const DOCBLOCK_BYTES = 8192

/**
 * For a file the guard never started in: the environment its own docblock picks, when that is
 * not leakgate's (`@jest-environment jsdom` replaces the config's testEnvironment for the file),
 * with what to write instead. Jest's docblock is the comment the file starts with; only a hint,
 * so a file that cannot be read gives none.
 */
function docblockEnvironmentHint(file: string): string | undefined {
  let head: string
  try {
    const fd = fs.openSync(file, 'r')
    try {
      const buffer = Buffer.alloc(DOCBLOCK_BYTES)
      head = buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, DOCBLOCK_BYTES, 0))
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    return undefined
  }
  const docblock = /^\s*(\/\*\*?[\s\S]*?\*\/)/.exec(head)?.[1]
  const environment = docblock && /@jest-environment(?![-\w])[ \t]+([^\s*]+)/.exec(docblock)?.[1]
  if (!environment || environment.startsWith(OWN_PACKAGE)) return undefined
  const ours = /jsdom/.test(environment)
    ? `${OWN_PACKAGE}/jsdom`
    : /^(?:node|jest-environment-node)$/.test(environment)
      ? OWN_PACKAGE
      : undefined
  const instead = ours
    ? `write \`@jest-environment ${ours}\` there${ours === OWN_PACKAGE ? ', or remove the docblock' : ''}`
    : `wrap that environment with makeLeakgateEnvironment (docs/jest.md) and name the wrapper there`
  return `its docblock picks \`@jest-environment ${environment}\`, which replaces leakgate's testEnvironment for this file: ${instead}`
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

/** Sink directories a reporter of this process made and exported (not the user's choice). */
const ownSinks = new Set<string>()

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

export default class LeakgateReporter {
  private readonly options: LeakgateReporterOptions
  private readonly collector: RunCollector
  private error: Error | undefined
  private readonly modes = new Set<Mode>()
  private readonly results = new Map<string, FileResultLike>()
  private readonly carried: AuditRecord[] = []
  /** Files of projects with another environment: the project's name and that environment. */
  private readonly unguarded = new Map<string, { project: string; environment: string }>()

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
      writeRefusedReport(this.outputFile(), this.runInfo('enforce'), message)
      throw error
    }
    // An unsupported Jest stops here, before any test, with the versions that are supported.
    const refusal = unsupportedJestMessage(jestVersion(globalConfig.rootDir))
    if (refusal) {
      const error = unsupportedJest(refusal)
      writeRefusedReport(this.outputFile(), this.runInfo('enforce'), error.message)
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
    // The user chose a sink: keep it. Ours otherwise, exported now: Jest may construct workers
    // right after the reporters, and they inherit the environment.
    const inherited = process.env[SINK_ENV]
    this.collector = new RunCollector({
      framework: 'jest',
      sinkDir: inherited && !ownSinks.has(inherited) ? inherited : undefined,
    })
    this.exportSink()
  }

  onRunStart(): void {
    this.error = undefined
    this.modes.clear()
    this.results.clear()
    this.carried.length = 0
    this.unguarded.clear()
    // The projects' modes are known as their files end: the report says enforce until then.
    if (this.collector.startRun({ info: this.runInfo(resolveMode([])), reportFile: this.outputFile() })) {
      this.exportSink()
    }
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
    this.modes.add(isMode(options?.mode) ? options.mode : 'enforce')
    this.carried.push(...carriedRecords(result))
  }

  onRunComplete(): void {
    const mode = resolveMode(this.modes)
    const file = this.outputFile()
    const sink = this.collector.readSink()
    const started = new Set(sink.marks.map((mark) => path.resolve(mark.file)))
    const verdict = this.collector.finish({
      info: this.runInfo(mode),
      reportFile: file,
      sink,
      ran: [...this.results.values()].map((result) => {
        const entry: RanFile = { path: result.testFilePath }
        if (this.unguarded.has(result.testFilePath)) entry.skipped = true
        const error = result.testExecError as { message?: unknown } | undefined
        if (error && typeof error.message === 'string') entry.error = error.message
        else if (!entry.skipped && !started.has(path.resolve(result.testFilePath))) {
          const hint = docblockEnvironmentHint(result.testFilePath)
          if (hint) entry.hint = hint
        }
        return entry
      }),
      carried: this.carried,
      shown: (record) => shownInResults(record, this.results),
      notes: this.explainUnguardedProjects(sink.marks),
    })
    if (verdict.failure) this.error = new Error(verdict.failure)
    // No report is no green: that one line is said even when silent.
    if (!this.options.silent || verdict.unwritten) {
      process.stderr.write(`\n${verdict.lines.join('\n')}\n`)
    }
  }

  getLastError(): Error | undefined {
    return this.error
  }

  private exportSink(): void {
    const dir = this.collector.sinkDir
    ownSinks.add(dir)
    process.env[SINK_ENV] = dir
    process.env[REPORTER_ENV] = '1'
  }

  private runInfo(mode: Mode): Omit<RunInfo, 'startedAt' | 'finishedAt'> {
    const { rootDir, shard } = this.globalConfig
    const run: Omit<RunInfo, 'startedAt' | 'finishedAt'> = {
      framework: 'jest',
      node: process.version,
      mode,
      root: rootDir,
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
   * gives each project only its own), saying what to add when that was not on purpose. A file
   * whose guard started (a subclass of ours) was guarded.
   */
  private explainUnguardedProjects(marks: readonly FileMark[]): string[] {
    const started = new Set(marks.filter((mark) => mark.state === 'start').map((mark) => mark.file))
    const projects = new Map<string, { environment: string; files: number }>()
    for (const [file, { project, environment }] of this.unguarded) {
      if (started.has(file)) continue
      const entry = projects.get(project) ?? { environment, files: 0 }
      entry.files += 1
      projects.set(project, entry)
    }
    return [...projects].map(
      ([project, { environment, files }]) =>
        `leakgate: the Jest project ${JSON.stringify(project)} runs its tests with testEnvironment ${JSON.stringify(environmentName(environment))}, ` +
        `not leakgate's: its ${plural(files, 'test file')} ran unguarded and ${files === 1 ? 'is' : 'are'} not in the report. Unless that is on purpose, ` +
        "add testEnvironment: '@leakgate/jest-environment' (or '@leakgate/jest-environment/jsdom') to that project: " +
        "Jest does not pass the top level's testEnvironment into `projects`.",
    )
  }
}

export { LeakgateReporter }
