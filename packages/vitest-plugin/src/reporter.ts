import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AuditRecord, Category, LeakgateOptions } from '@leakgate/core'
import {
  auditCoverage,
  collectRecords,
  createReport,
  type DroppedEvents,
  type Incomplete,
  type RanFile,
  type RunInfo,
  readFileMarks,
  writeReport,
  writeUnfinishedReport,
} from '@leakgate/core/report'
import { effectiveMode, type PluginSettings } from './options.js'
import { mergeRecords, scopeKey, shownAtImport, unaccounted } from './records.js'
import { PROVIDE_KEY, type WorkerPayload } from './shared.js'
import { formatSummary } from './summary.js'

// Vitest's main process: hands each run a fresh sink directory (through `provide`), then merges
// what the workers appended there with what the tests carried in `task.meta`, writes the
// report, prints a summary and makes the exit code non-zero for violations that failed nothing.
// Every file Vitest ran must have left its guard's start and end marks in the sink: one that
// did not (its setup file never ran the guard, its worker died mid-file) makes the report
// `incomplete`, which the gate refuses.
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
  private base: string | undefined
  private runDir: string | undefined
  private runs = 0
  private startedAt = new Date()

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
    this.runDir ??= this.createRunDir()
    this.provide(project, options)
  }

  onTestRunStart(): void {
    this.startedAt = new Date()
    // Until this run ends its report says it has not: a runner that dies on the way (Vitest 3
    // ends the whole run when a fork is killed, before any reporter's end) leaves that behind,
    // which the gate refuses, never an earlier run's green.
    const mode = effectiveMode(this.settings)
    if (mode !== 'off' && this.settings.report !== false) {
      writeUnfinishedReport(path.resolve(this.root, this.settings.report), this.runInfo([], mode))
    }
    // Each run (a watch-mode rerun too) appends to its own directory: it starts clean.
    if (this.runs > 0) {
      const previous = this.runDir
      this.runDir = this.createRunDir()
      for (const [project, options] of this.projects) this.provide(project, options)
      if (previous) fs.rmSync(previous, { recursive: true, force: true })
    }
    this.runs += 1
  }

  onTestRunEnd(testModules: readonly TestModuleLike[]): void {
    const mode = effectiveMode(this.settings)
    if (mode === 'off') {
      this.print(['leakgate: off (mode: off), nothing was audited'])
      return
    }
    const { records: meta, capped } = collectMeta(testModules)
    const fromBlobs = Boolean(this.vitest.config.mergeReports) || !this.runDir
    const sink = fromBlobs ? [] : collectRecords(this.runDir as string)
    const records = mergeRecords(sink, meta)
    // The sink holds every violation; after --merge-reports only meta is left, whose counts of
    // what the workers left out stand in for the records.
    const dropped = fromBlobs ? capped.map((entry) => entry.dropped) : []
    const run = this.runInfo(testModules, mode)
    // After --merge-reports the sinks of the runs are gone: each file's task says instead
    // whether its guard saw it to its end (a file its worker died in may be missing from the
    // blobs altogether: each shard's own report names it).
    const incomplete = fromBlobs ? this.coverageFromBlobs(testModules) : this.coverage(testModules)
    if (incomplete) run.incomplete = incomplete
    const report = createReport(run, records, { dropped })
    let reportPath: string | undefined
    if (this.settings.report !== false) {
      const file = path.resolve(this.root, this.settings.report)
      try {
        writeReport(file, report)
      } catch (error) {
        // No report is no green: the gate would read an old one, or none.
        this.print([`${(error as Error).message}; the run fails for it`])
        process.exitCode = 1
        return
      }
      reportPath = path.relative(process.cwd(), file) || file
    }
    // A violation thrown while its file was imported failed that file (Vitest shows the error)
    // before any hook could carry it in meta: it is not an orphan.
    // A file whose worker stopped mid-file failed nothing either, but not because its violations
    // came late: the summary lists those with the incomplete run.
    const unfinished = new Set(
      (incomplete?.problems ?? [])
        .filter((problem) => problem.reason === 'not-finished')
        .map((problem) => problem.file),
    )
    const orphans = unaccounted(
      records,
      [...meta, ...shownAtImport(records, this.importErrors(testModules))],
      capped.flatMap((entry) => entry.scopes),
    ).filter((record) => !unfinished.has(record.scope.file))
    const stopped = records.filter(
      (record) => !record.decision.allowed && record.scope.file !== undefined && unfinished.has(record.scope.file),
    )
    const violations = records.filter((record) => !record.decision.allowed)
    this.print(formatSummary({ report, mode, reportPath, orphans, violations, stopped }))
    const failing = report.summary.violations > 0 || incomplete !== undefined
    if (mode === 'enforce' && failing && !this.vitest.config.watch) process.exitCode = 1
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

  /** Which files Vitest ran that the guard did not see from start to end (undefined: none). */
  private coverage(testModules: readonly TestModuleLike[]): Incomplete | undefined {
    const marks = this.runDir ? readFileMarks(this.runDir) : []
    // Files of a project without the plugin are not guarded, and not expected to be (a project
    // the user left out on purpose): only the projects leakgate was added to count.
    const ours = testModules.filter(
      (module) => module.project === undefined || this.projects.has(module.project as ProjectLike),
    )
    const ran = ours.map((module) => {
      const entry: RanFile = { path: module.moduleId }
      const message = module.errors?.().find((error) => error?.message)?.message
      if (message) entry.error = message
      if (module.state?.() === 'skipped') entry.skipped = true
      return entry
    })
    return auditCoverage(ran, marks, this.root)
  }

  /** To stderr: `vitest --reporter=json > results.json` must stay valid JSON. */
  private print(lines: string[]): void {
    const logger = this.vitest.logger
    const write = logger?.error ? logger.error.bind(logger) : console.error
    write(`\n${lines.join('\n')}`)
  }

  private runInfo(testModules: readonly TestModuleLike[], mode: RunInfo['mode']): RunInfo {
    const info: RunInfo = {
      framework: 'vitest',
      frameworkVersion: this.vitest.version,
      node: process.version,
      mode,
      root: this.root,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
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
    const payload: WorkerPayload = { protocol: 1, options: { ...options, root: options.root ?? this.root } }
    if (this.runDir) payload.options.sinkDir = this.runDir
    project.provide(PROVIDE_KEY, payload)
  }

  private createRunDir(): string {
    if (!this.base) {
      const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-vitest-'))
      this.base = base
      process.once('exit', () => fs.rmSync(base, { recursive: true, force: true }))
    }
    return fs.mkdtempSync(path.join(this.base, 'run-'))
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
