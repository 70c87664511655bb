import path from 'node:path'
import type { AuditRecord, Category, LeakgateOptions, Mode } from '@leakgate/core'
import {
  type DroppedEvents,
  type Incomplete,
  occurrenceKey,
  type RanFile,
  RunCollector,
  type RunInfo,
} from '@leakgate/core/report'
import { effectiveMode, type PluginSettings } from './options.js'
import { scopeKey, shownAtImport } from './records.js'
import { PROVIDE_KEY, type WorkerPayload } from './shared.js'

// Vitest's main process: translates Vitest's reporter events into core's run collector. It
// hands each run's sink directory to the workers (through `provide`), and at the end gives the
// collector what the tests carried in `task.meta`, the files Vitest ran and which violations
// failed a test or a file; the collector merges, checks coverage, writes the report and says
// the summary, printed here, and whether the run fails (the exit code).
//
// The shapes below are the parts of Vitest's reporter API (3.2+) this reads, declared here so
// one build serves every supported version.

export interface ProjectLike {
  provide(key: string, value: unknown): void
}

interface Meta {
  leakgate?: { v: number; violations?: AuditRecord[]; dropped?: Record<Category, number>; audited?: boolean }
}

interface ReportedTask {
  meta(): Meta
}

export interface TestModuleLike extends ReportedTask {
  moduleId: string
  children: { allTests(): Iterable<ReportedTask> }
  /** Errors outside any test: a file that failed while it was imported (Vitest 3.2+). */
  errors?(): readonly { message?: string }[]
  /** `passed`, `failed`, `skipped`, or `pending`/`queued` when it never ran. */
  state?(): string
  /** The project it ran in (Vitest 3.2+). */
  project?: unknown
}

export interface VitestLike {
  version: string
  config: {
    root: string
    watch?: boolean
    mergeReports?: unknown
    shard?: { index: number; count: number }
  }
  logger?: { error(...args: unknown[]): void }
}

export class LeakgateReporter {
  private readonly projects = new Map<ProjectLike, LeakgateOptions>()
  private readonly collector = new RunCollector({ framework: 'vitest' })

  constructor(
    private readonly vitest: VitestLike,
    private readonly settings: PluginSettings,
  ) {}

  get root(): string {
    return this.settings.core.root ?? this.vitest.config.root
  }

  /** A project whose workers get this run's options. */
  addProject(project: ProjectLike, options: LeakgateOptions): void {
    this.projects.set(project, options)
    this.provide(project, options)
  }

  onTestRunStart(): void {
    // Each run (a watch-mode rerun too) appends to its own directory: it starts clean.
    const rotated = this.collector.startRun({ info: this.runInfo([]), reportFile: this.reportFile() })
    if (rotated) for (const [project, options] of this.projects) this.provide(project, options)
  }

  onTestRunEnd(testModules: readonly TestModuleLike[]): void {
    const { records: meta, capped } = collectMeta(testModules)
    const fromBlobs = Boolean(this.vitest.config.mergeReports)
    // The sink holds every violation; after --merge-reports only meta is left, whose counts of
    // what the workers left out stand in for the records.
    const verdict = this.collector.finish({
      info: this.runInfo(testModules),
      reportFile: this.reportFile(),
      fromSink: !fromBlobs,
      carried: meta,
      dropped: fromBlobs ? capped.map((entry) => entry.dropped) : [],
      // After --merge-reports the sinks of the runs are gone: each file's task says instead
      // whether its guard saw it to its end (a file its worker died in may be missing from the
      // blobs altogether: each shard's own report names it).
      ...(fromBlobs ? { incomplete: this.coverageFromBlobs(testModules) } : { ran: this.ran(testModules) }),
      shown: this.shown(testModules, meta, capped),
    })
    this.print(verdict.lines)
    if (verdict.unwritten || (verdict.failure && !this.vitest.config.watch)) process.exitCode = 1
  }

  /**
   * The violations Vitest failed something for: those a test or file carried in meta (all of
   * a capped task's scope), and those thrown while their file was imported (Vitest shows that
   * error before any hook could carry them).
   */
  private shown(
    testModules: readonly TestModuleLike[],
    meta: readonly AuditRecord[],
    capped: readonly CappedTask[],
  ): (record: AuditRecord) => boolean {
    const carried = new Set(meta.map(occurrenceKey))
    const cappedScopes = new Set(capped.flatMap((entry) => entry.scopes))
    const errors = this.importErrors(testModules)
    return (record) =>
      carried.has(occurrenceKey(record)) || cappedScopes.has(scopeKey(record)) || shownAtImport(record, errors)
  }

  private mode(): Mode {
    return effectiveMode(this.settings)
  }

  private reportFile(): string | false {
    return this.settings.report === false ? false : path.resolve(this.root, this.settings.report)
  }

  /** The modules of the projects leakgate was added to. */
  private ours(testModules: readonly TestModuleLike[]): TestModuleLike[] {
    return testModules.filter(
      (module) => module.project === undefined || this.projects.has(module.project as ProjectLike),
    )
  }

  /** After --merge-reports: the files whose task carries no sign that the guard saw them to their end. */
  private coverageFromBlobs(testModules: readonly TestModuleLike[]): Incomplete | undefined {
    const problems: Incomplete['problems'] = []
    let expected = 0
    for (const module of this.ours(testModules)) {
      const audited = module.meta()?.leakgate?.audited === true
      if (!audited && module.state?.() === 'skipped') continue
      expected += 1
      if (audited) continue
      problems.push({
        file: path.relative(this.root, module.moduleId).split(path.sep).join('/'),
        reason: 'not-started',
        detail:
          'the merged reports hold no sign that the guard saw this file to its end (it ran without the guard, or its worker stopped)',
      })
    }
    problems.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''))
    return problems.length === 0 ? undefined : { expected, audited: expected - problems.length, problems }
  }

  /**
   * The files Vitest ran that the guard must have seen from start to end. Files of a project
   * without the plugin are not guarded, and not expected to be (a project the user left out on
   * purpose): only the projects leakgate was added to count.
   */
  private ran(testModules: readonly TestModuleLike[]): RanFile[] {
    return this.ours(testModules).map((module) => {
      const entry: RanFile = { path: module.moduleId }
      const message = module.errors?.().find((error) => error?.message)?.message
      if (message) entry.error = message
      const state = module.state?.()
      if (state === 'skipped') entry.skipped = true
      // Never run: the run stopped before it (--bail, an interrupt). Not audited, and not the
      // guard's fault: say so rather than blame the environment.
      if (state === 'pending' || state === 'queued')
        entry.hint =
          'Vitest never ran it (the run stopped before it: --bail after a failure, or an interrupt), so the run audited only part of the suite; fix the failure and run the whole suite'
      return entry
    })
  }

  /** To stderr: `vitest --reporter=json > results.json` must stay valid JSON. */
  private print(lines: string[]): void {
    const logger = this.vitest.logger
    const write = logger?.error ? logger.error.bind(logger) : console.error
    write(`\n${lines.join('\n')}`)
  }

  private runInfo(testModules: readonly TestModuleLike[]): Omit<RunInfo, 'startedAt'> {
    const info: Omit<RunInfo, 'startedAt'> = {
      framework: 'vitest',
      frameworkVersion: this.vitest.version,
      node: process.version,
      mode: this.mode(),
      root: this.root,
      files: testModules.map((module) => path.relative(this.root, module.moduleId).split(path.sep).join('/')),
    }
    const shard = this.vitest.config.shard
    if (shard) info.shard = { index: shard.index, count: shard.count }
    return info
  }

  /** The messages of each file's own errors, by its path relative to the root. */
  private importErrors(testModules: readonly TestModuleLike[]): Map<string, string[]> {
    const out = new Map<string, string[]>()
    for (const module of testModules) {
      const messages = (module.errors?.() ?? []).map((error) => error?.message ?? '').filter(Boolean)
      if (messages.length === 0) continue
      out.set(path.relative(this.root, module.moduleId).split(path.sep).join('/'), messages)
    }
    return out
  }

  private provide(project: ProjectLike, options: LeakgateOptions): void {
    const payload: WorkerPayload = {
      protocol: 1,
      options: { ...options, root: options.root ?? this.root, sinkDir: this.collector.sinkDir },
    }
    project.provide(PROVIDE_KEY, payload)
  }
}

/** A task whose violations were more than its meta carries: its scopes, and what was left out. */
interface CappedTask {
  /** `file\0test` of the records it carries (the records left out share them). */
  scopes: string[]
  dropped: DroppedEvents
}

function collectMeta(testModules: readonly TestModuleLike[]): { records: AuditRecord[]; capped: CappedTask[] } {
  const records: AuditRecord[] = []
  const capped: CappedTask[] = []
  const take = (task: ReportedTask) => {
    const meta = task.meta()?.leakgate
    const violations = meta?.violations
    if (!Array.isArray(violations)) return
    records.push(...violations)
    const counts = meta?.dropped
    const first = violations[0]
    if (!counts || !first) return
    const total = counts.net + counts.exec + counts.eval + (counts.tamper ?? 0)
    const dropped: DroppedEvents = {
      framework: 'vitest',
      // At most one group per occurrence: how they would have grouped is not known here.
      events: total,
      violations: total,
      allowed: 0,
      byCategory: {
        net: { violations: counts.net, allowed: 0 },
        exec: { violations: counts.exec, allowed: 0 },
        eval: { violations: counts.eval, allowed: 0 },
        tamper: { violations: counts.tamper ?? 0, allowed: 0 },
      },
    }
    if (first.scope.file !== undefined) dropped.file = first.scope.file
    if (first.scope.test !== undefined && violations.every((record) => record.scope.test === first.scope.test)) {
      dropped.test = first.scope.test
    }
    capped.push({ scopes: violations.map(scopeKey), dropped })
  }
  for (const module of testModules) {
    take(module)
    for (const test of module.children.allTests()) take(test)
  }
  return { records, capped }
}
