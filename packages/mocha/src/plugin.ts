import { AsyncResource } from 'node:async_hooks'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  openSession,
  type Session,
  type TestAttempt,
  type TestFile,
  type TrustedOperation,
} from '@leakgate/core/session'
import { finishRun, noteOrphan, refuseRun, runSinkDir, startRun } from './main.js'
import type { MochaClass, MochaInstance, RunCallback, RunnableLike, RunnerLike, SuiteLike } from './mocha-types.js'
import { type MochaSettings, readOptions } from './options.js'

// How Mocha's life maps onto leakgate's session (measured on Mocha 11.7 and 12.0):
// - `--require @leakgate/mocha` loads this module before Mocha is constructed; it patches the
//   classes of the very Mocha that runs (locate.ts). Nothing is audited until a Mocha instance
//   loads its test files in this process: serial runs do it in the main process, --parallel
//   runs in each worker, so the main process of a parallel run (which forks the workers) is
//   never guarded, and its processes are not recorded.
// - Loading files: Mocha emits `pre-require` on the root suite before each file; the file is
//   entered then, so its import (and the describe bodies Mocha runs while importing it) are the
//   file's, phase `import`. A root-level hook (`before` outside any describe) belongs to the
//   root suite, which has no file: it is tagged with the file being loaded when it was added.
// - Running: every test and hook goes through `Runnable#run(callback)`. A test runs in its own
//   attempt (a retry is a clone, a new attempt of the same test), beforeEach/afterEach in the
//   attempt of the test they run for, before/after (all) hooks in their file, each through
//   AsyncLocalStorage, so a timer the test starts is still the test's (late, once it ended).
//   The callback Mocha gets back is bound to the context Mocha called from: the runner's own
//   loop never runs inside a test's scope.
// - A test ends when its function does (Mocha decides pass or fail then): the attempt ends and a
//   violation the test did not throw fails it, with Mocha's own failure. afterEach hooks run
//   after that: their violations are the test's late work, which fails the file.
// - Files end when the root suite ends (root-level hooks of every file run only then): each
//   file's violations outside its tests (import, hooks, late work) fail it as one failure,
//   `"after all" hook: leakgate in "<file>"`, reported by Mocha like any failed hook.

const here = path.dirname(fileURLToPath(import.meta.url)) + path.sep

/**
 * Mocha's and workerpool's frames: never blamed, never the package a suggestion names (the
 * runner's frames are below every test). Being on the stack trusts nothing (MOCHA_OPERATIONS).
 */
export const MOCHA_FRAMEWORK_PATHS: readonly string[] = ['/node_modules/mocha/lib/', '/node_modules/workerpool/']

/**
 * Mocha's own code generation (issue 12.4): a --parallel worker's `run` reads the options its
 * main process serialized with `eval` (lib/nodejs/worker.cjs, Mocha 11 and 12). workerpool's own
 * `run` (compiling a function sent as a string) is not Mocha's and stays audited. Trust never
 * applies to net or exec.
 */
export const MOCHA_OPERATIONS: readonly TrustedOperation[] = [
  { file: '/node_modules/mocha/lib/nodejs/worker.', fn: ['run'], compiles: 'own' },
]

/** The title of the failure that stands for a file's violations outside its tests. */
export function fileFailureTitle(relative: string): string {
  return `"after all" hook: leakgate in "${relative}"`
}

const HOOK_TITLE = /^"(before|after) (all|each)" hook/

interface RunState {
  session: Session
  files: Map<string, TestFile>
  /** The file Mocha is loading (pre-require to post-require). */
  loading: string | undefined
  /** Attempts by Mocha test object (each retry is a clone: a new object, a new attempt). */
  attempts: WeakMap<RunnableLike, TestAttempt>
  /** Files whose hooks already started (their import phase is over). */
  ended: boolean
}

/** Run state by root suite: a runnable finds its run through its parents. */
const runs = new WeakMap<SuiteLike, RunState>()
/** A key per test, shared by its retries (Mocha's clones point at the first via retriedTest()). */
const keys = new WeakMap<RunnableLike, string>()
let nextKey = 0
let realmTamed = false

function rootOf(suite: SuiteLike | undefined): SuiteLike | undefined {
  let current = suite
  while (current?.parent) current = current.parent
  return current
}

function testKey(test: RunnableLike): string {
  const first = test.retriedTest?.() ?? test
  let key = keys.get(first)
  if (key === undefined) {
    nextKey += 1
    key = `mocha-${nextKey}`
    keys.set(first, key)
  }
  return key
}

/** `describe > nested > test`, as leakgate names tests (the root suite and empty titles left out). */
export function fullName(runnable: RunnableLike): string {
  return runnable
    .titlePath()
    .filter((title) => title !== '')
    .join(' > ')
}

function attemptOf(state: RunState, file: TestFile, test: RunnableLike): TestAttempt {
  let attempt = state.attempts.get(test)
  if (!attempt) {
    attempt = file.startAttempt(fullName(test), testKey(test))
    state.attempts.set(test, attempt)
  }
  return attempt
}

/**
 * Chains what the test threw under our error. Enumerable: a --parallel worker sends an error's
 * message, stack and enumerable fields to the main process (Mocha prints the cause there too).
 */
function chainCause(error: Error, cause: unknown): Error {
  if (error.cause === undefined && cause !== error) {
    Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true, enumerable: true })
  }
  return error
}

/** The instance's checked options; invalid ones refuse the run (a refused report in the main process). */
function settingsOf(mocha: MochaInstance, version: string | undefined): MochaSettings {
  try {
    return readOptions(mocha.options.leakgate, process.cwd())
  } catch (error) {
    if (!mocha.options.isWorker) refuseRun(mocha.options.leakgate, (error as Error).message, version)
    throw error
  }
}

/**
 * Opens the session for a Mocha instance about to load its files (once per instance): reads and
 * checks its options, installs the guard, enters each file as Mocha loads it.
 */
function prepare(mocha: MochaInstance, version: string | undefined): RunState {
  const existing = runs.get(mocha.suite)
  if (existing) return existing
  const settings = settingsOf(mocha, version)
  if (!mocha.options.isWorker) startRun(settings, version, mocha.files)
  const sinkDir = runSinkDir()
  const session = openSession({
    framework: 'mocha',
    ...(version ? { version } : {}),
    options: settings.core,
    ...(sinkDir ? { sinkDir } : {}),
    trustedPaths: MOCHA_FRAMEWORK_PATHS,
    trustedOperations: MOCHA_OPERATIONS,
    ownDirs: [here],
    onOrphan: noteOrphan,
  })
  // Tests run in Mocha's own realm: its eval and Function family are audited (once per process;
  // Mocha's own code generation is trusted by MOCHA_OPERATIONS).
  if (!realmTamed) {
    session.tameRealm(globalThis)
    realmTamed = true
  }
  const state: RunState = { session, files: new Map(), loading: undefined, attempts: new WeakMap(), ended: false }
  runs.set(mocha.suite, state)
  const suite = mocha.suite
  suite.on('pre-require', (_context: unknown, file: string) => {
    const absolute = path.resolve(file)
    state.loading = absolute
    if (!state.files.has(absolute)) state.files.set(absolute, session.enterFile(absolute, { fileTop: 'sync' }))
  })
  suite.on('post-require', () => {
    state.loading = undefined
  })
  // Root-level hooks of a file: the root suite has no file; the one being loaded added them.
  for (const event of ['beforeAll', 'afterAll', 'beforeEach', 'afterEach']) {
    suite.on(event, (hook: RunnableLike) => {
      if (hook.file === undefined && state.loading !== undefined) hook.file = state.loading
    })
  }
  return state
}

/**
 * Ends every file of the run when the root suite ends, failing each for its own violations. A
 * run with no test to run (every file empty, or --grep matching none) never starts the root
 * suite, so Mocha emits no `suite end` for it: its files end at the start. `end` is the last
 * resort (a failure reported there still counts in the exit code).
 */
function watchRunner(runner: RunnerLike & { total?: number }, state: RunState, Mocha: MochaClass): void {
  const endFiles = () => {
    if (state.ended) return
    state.ended = true
    for (const [absolute, file] of state.files) {
      const outcome = file.end()
      if (!outcome.error) continue
      const hook = new Mocha.Hook(fileFailureTitle(path.relative(process.cwd(), absolute) || absolute), () => {})
      hook.parent = runner.suite
      hook.file = absolute
      runner.fail(hook, outcome.error)
    }
  }
  runner.on('start', () => {
    for (const file of state.files.values()) file.startHooks()
    if (runner.total === 0) endFiles()
  })
  runner.on('suite end', (suite: SuiteLike) => {
    if (suite.root) endFiles()
  })
  runner.on('end', endFiles)
}

function runTest(state: RunState, file: TestFile, test: RunnableLike, realRun: RunnableLike['run'], done: RunCallback) {
  const attempt = attemptOf(state, file, test)
  const finish = AsyncResource.bind((error?: unknown) => {
    const outcome = attempt.end({ errors: error === undefined ? [] : [error] })
    if (error === undefined) return done(outcome.error)
    const shown = outcome.errors[0] ?? error
    // The test failed for something else too: ours on top, what the test threw as its cause.
    done(outcome.error ? chainCause(outcome.error, shown) : shown)
  })
  attempt.run(() => realRun.call(test, finish))
}

/** Patches this Mocha's classes (once). */
export function patchMocha(Mocha: MochaClass, version: string | undefined): void {
  const marker = Symbol.for('leakgate.mocha.patched')
  const proto = Mocha.prototype as MochaInstance & Record<symbol, unknown>
  if (proto[marker]) return
  Object.defineProperty(proto, marker, { value: true })

  const realLoadFiles = proto.loadFiles
  proto.loadFiles = function loadFiles(this: MochaInstance, fn?: () => void) {
    prepare(this, version)
    return realLoadFiles.call(this, fn)
  }
  const realLoadFilesAsync = proto.loadFilesAsync
  proto.loadFilesAsync = function loadFilesAsync(this: MochaInstance, options?: unknown) {
    prepare(this, version)
    return realLoadFilesAsync.call(this, options)
  }
  const realMochaRun = proto.run
  proto.run = function run(this: MochaInstance, fn?: (failures: number) => void) {
    const main = !this.options.isWorker
    let callback = fn
    if (main) {
      const settings = settingsOf(this, version)
      startRun(settings, version, this.files)
      callback = (failures: number) => fn?.(finishRun(failures))
    }
    // Mocha#run loads the files itself when nobody did (the programmatic API): through loadFiles.
    const runner = realMochaRun.call(this, callback)
    const state = runs.get(this.suite)
    if (state && runner) watchRunner(runner, state, Mocha)
    return runner
  }

  const runnable = Mocha.Runnable.prototype
  const realRun = runnable.run
  runnable.run = function run(this: RunnableLike, done: RunCallback) {
    const state = runs.get(rootOf(this.parent) as SuiteLike)
    if (!state || this.isPending()) return realRun.call(this, done)
    if (this.type === 'test') {
      const file = this.file === undefined ? undefined : state.files.get(this.file)
      if (!file) return realRun.call(this, done)
      return runTest(state, file, this, realRun, done)
    }
    const kind = HOOK_TITLE.exec(this.title)
    const back = AsyncResource.bind(done)
    if (kind?.[2] === 'each') {
      const test = this.ctx?.currentTest
      const file = test?.file === undefined ? undefined : state.files.get(test.file)
      if (!test || !file) return realRun.call(this, done)
      return attemptOf(state, file, test).run(() => realRun.call(this, back))
    }
    const file = this.file === undefined ? undefined : state.files.get(this.file)
    if (!file) return realRun.call(this, done)
    return file.run(() => realRun.call(this, back))
  }
}
