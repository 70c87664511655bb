import path from 'node:path'
import type * as NodeTest from 'node:test'
import { fileURLToPath } from 'node:url'
import { LeakgateError, type LeakgateOptions, type Mode } from '@leakgate/core'
import { resolveMode } from '@leakgate/core/report'
import { openSession, type Session } from '@leakgate/core/session'
import { FileGuard } from './guard.js'
import { InProcessRun } from './in-process.js'
import { type LoadedOptions, loadOptions } from './options.js'
import { RunReport, refuseRun, SINK_ENV } from './report.js'
import { whenTestClassFound } from './runner.js'

// What leakgate does in this process, by the part it plays in node:test (measured on Node
// 20.20, 22.23, 24.21 and 26.10):
// - `runner`: `node --test` itself with process isolation (the default). `--require` preloads
//   run here, `--import` ones do not. It only starts test processes: leakgate audits nothing in
//   it (its spawns are the runner's own), makes the run's sink and writes the report at exit.
// - `file`: a test process the runner started (NODE_TEST_CONTEXT is set), running one file
//   (its argv[1]): the file is guarded; the runner's process writes the report.
// - `direct`: a test file run as `node --import @leakgate/node-test file.test.js`: guarded,
//   and this process writes the report too.
// - `in-process`: `node --test --test-isolation=none` (Node 22.8+): every file in this
//   process, each in its own file scope (in-process.ts); this process writes the report.
// - `none`: a worker thread (workers inherit execArgv) or a process a test started (it
//   inherits NODE_OPTIONS and NODE_TEST_CONTEXT): core's own guard follows those, in the scope
//   of the test that started them.

export type Role = 'runner' | 'file' | 'direct' | 'in-process' | 'none'

/** The runner's pid, set by it for its test processes: it writes the report. */
export const RUNNER_ENV = 'LEAKGATE_NODE_TEST_RUNNER'

function isolationNone(execArgv: readonly string[]): boolean {
  return execArgv.some(
    (arg, index) =>
      /^--(experimental-)?test-isolation=none$/.test(arg) ||
      (/^--(experimental-)?test-isolation$/.test(arg) && execArgv[index + 1] === 'none'),
  )
}

export function role(execArgv: readonly string[], env: NodeJS.ProcessEnv, mainThread: boolean, ppid: number): Role {
  if (!mainThread || env.LEAKGATE_CONTEXT) return 'none'
  if (env.NODE_TEST_CONTEXT) return env[RUNNER_ENV] && env[RUNNER_ENV] !== String(ppid) ? 'none' : 'file'
  if (execArgv.includes('--test')) return isolationNone(execArgv) ? 'in-process' : 'runner'
  return 'direct'
}

function refuse(message: string): never {
  process.stderr.write(`leakgate: ${message}\n`)
  process.exit(1)
}

/**
 * The options, or the end of this process with the message (exit code 1). `withReport`: this
 * process writes the report, so a report that says the run was refused replaces any earlier one
 * (the gate must not read an old green report as this run's).
 */
function loadOrRefuse(withReport: boolean): ReturnType<typeof loadOptions> {
  try {
    return loadOptions()
  } catch (error) {
    if (!LeakgateError.is(error)) throw error
    if (withReport) refuseRun(process.cwd(), error.message)
    refuse(error.message)
  }
}

function startRunner(): void {
  const { options, report: reportPath } = loadOrRefuse(true)
  // In mode off too: its report says nothing was audited, in place of an earlier run's.
  const report = new RunReport(options.root ?? process.cwd(), resolveMode([options.mode]), reportPath)
  process.env[SINK_ENV] = report.sinkDir
  process.env[RUNNER_ENV] = String(process.pid)
  process.on('exit', () => {
    if (report.finish()) process.exitCode = 1
  })
}

/** This package's files: the wrappers around tests are left out of stacks, never blamed. */
const OWN_DIR = path.dirname(fileURLToPath(import.meta.url)) + path.sep

/** The session of this process (throws LEAKGATE_INVALID_OPTION on what only core can check). */
function openGuard(options: LeakgateOptions, mode: Mode): Session {
  return openSession({
    framework: 'node-test',
    version: process.versions.node,
    options,
    ownDirs: [OWN_DIR],
    onOrphan: (_record, error) => {
      // After the file's tests and hooks: nothing of node:test's is left to fail.
      process.stderr.write(`\nleakgate: a violation after the file's tests and hooks ended:\n${error.message}\n\n`)
      if (mode === 'enforce') process.exitCode = 1
    },
  })
}

/**
 * Every test file in this process (isolation 'none': `node --test --test-isolation=none`, or
 * `run({ isolation: 'none' })`), and the run's report. Returns the run's end (idempotent; true
 * when the run must fail). Throws LEAKGATE_INVALID_OPTION.
 */
export function guardInProcess(loaded: LoadedOptions, root: string): () => boolean {
  const mode = resolveMode([loaded.options.mode])
  // In mode off too: its report says nothing was audited, in place of an earlier run's.
  const report = new RunReport(root, mode, loaded.report)
  // Processes the tests start (allowed ones) append there too.
  process.env[SINK_ENV] = report.sinkDir
  let run: InProcessRun | undefined
  if (mode !== 'off') {
    run = new InProcessRun(openGuard(loaded.options, mode))
    run.watch()
  }
  let done = false
  return () => {
    if (done) return false
    done = true
    let failed = false
    // Files whose check never ran (the process is leaving early): what they had is shown here.
    for (const error of run?.endRemaining() ?? []) {
      process.stderr.write(`\nleakgate: ${error.message}\n\n`)
      if (mode === 'enforce') failed = true
    }
    return report.finish() || failed
  }
}

function guardRunnerProcess(): void {
  const loaded = loadOrRefuse(true)
  let finish: () => boolean
  try {
    finish = guardInProcess(loaded, loaded.options.root ?? process.cwd())
  } catch (error) {
    if (!LeakgateError.is(error)) throw error
    refuseRun(process.cwd(), error.message, loaded.report)
    refuse(error.message)
  }
  process.on('exit', () => {
    if (finish()) process.exitCode = 1
  })
}

function guardFile(file: string, withReport: boolean): void {
  const { options, report: reportPath } = loadOrRefuse(withReport)
  const mode = resolveMode([options.mode])
  let report: RunReport | undefined
  if (withReport) {
    report = new RunReport(options.root ?? process.cwd(), mode, reportPath)
    process.env[SINK_ENV] = report.sinkDir
  }
  if (mode === 'off') {
    if (report) process.on('exit', () => report.finish())
    return
  }
  let session: Session
  try {
    session = openGuard(options, mode)
  } catch (error) {
    if (LeakgateError.is(error)) refuse(error.message)
    throw error
  }
  const testFile = session.enterFile(file, { realm: globalThis, fileTop: 'sync' })
  const guard = new FileGuard(testFile)
  whenTestClassFound((Test, root) => guard.patch(Test, root))
  const nodeTest = process.getBuiltinModule('node:test') as unknown as typeof NodeTest
  // Creates the root test now (the class is found) and registers the file's check.
  nodeTest.after(guard.fileHook)
  guard.placeFileHook(file)
  process.on('exit', () => {
    // The file's `after` hook never ran (the process is leaving early): what it had is shown here.
    const { error } = testFile.end()
    if (error) {
      process.stderr.write(`\nleakgate: ${error.message}\n\n`)
      if (mode === 'enforce') process.exitCode = 1
    }
    if (report?.finish()) process.exitCode = 1
  })
}

export function guardThisProcess(what: Role): void {
  switch (what) {
    case 'runner':
      startRunner()
      break
    case 'file':
    case 'direct': {
      const file = process.argv[1]
      if (!file) refuse('@leakgate/node-test guards a test file; this process runs none (no script given).')
      guardFile(path.resolve(file), what === 'direct')
      break
    }
    case 'none':
      break
    case 'in-process':
      guardRunnerProcess()
  }
}
