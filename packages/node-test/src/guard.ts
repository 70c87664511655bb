import { types } from 'node:util'
import { LeakgateError, type TestAttempt, type TestFile } from '@leakgate/core/session'
import { isHook, isSuite, namePath, type TestClass, type TestLike } from './runner.js'

// One test file in one process (a child of `node --test`, or a file run directly), driven
// through core's session API. Scopes:
// - the file's top level and describe bodies: the file, phase `import`;
// - `before`/`after` hooks (of the file or a suite): the file, phase `hook`;
// - a test (`test`, `it`, `t.test`): an attempt of its own, within its parent test's, so a
//   subtest runs under its parent's allowances; its beforeEach/afterEach hooks run in it too.
//   AsyncLocalStorage carries it, so concurrent tests (`{ concurrency }`) keep their own.
// - A test fails for its violations, swallowed or not, at its end (Test#postRun): the failure
//   is set before node:test reports the result. A test that already failed keeps its own error
//   (an error whose cause is ours, fetch's `TypeError`, gets ours on top).
// - The file fails for import-time, hook and late violations: a root `after` hook, run after
//   the file's own, throws them; node:test reports that as the file's failure.
// - After that nothing can fail: a violation goes to the sink (onOrphan says so on stderr, and
//   the exit code fails the file in the runner's results).

type AnyFn = (...args: unknown[]) => unknown

/**
 * `error` as a real Error object: node:test sends a test process's results to the runner with
 * the v8 serializer, which keeps an error only when it is a native one (with Error's internal
 * slot). Core's "leak first" copy of an error (fetch's `TypeError` with our LeakgateError on
 * top) is made with Object.create: rebuilt here, its cause too.
 */
const STANDARD_ERRORS: Record<string, ErrorConstructor | undefined> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
}

function nativeError(error: unknown, depth = 0): unknown {
  if (error === null || typeof error !== 'object' || types.isNativeError(error) || depth > 4) return error
  const source = error as { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown }
  const message = String(source.message ?? '')
  const Standard = typeof source.name === 'string' ? STANDARD_ERRORS[source.name] : undefined
  const copy = LeakgateError.is(error)
    ? new LeakgateError(error.code, message, error.event)
    : new (Standard ?? Error)(message)
  if (!LeakgateError.is(error) && !Standard && typeof source.name === 'string') {
    Object.defineProperty(copy, 'name', { value: source.name, configurable: true, writable: true })
  }
  if (typeof source.stack === 'string') {
    Object.defineProperty(copy, 'stack', { value: source.stack, configurable: true, writable: true })
  }
  if (source.cause !== undefined) {
    Object.defineProperty(copy, 'cause', {
      value: nativeError(source.cause, depth + 1),
      configurable: true,
      writable: true,
    })
  }
  return copy
}

/** Each TestContext to its test: beforeEach/afterEach hooks get the test's context. */
const contexts = new WeakMap<object, TestLike>()

/** Finds the guard of the file a test or hook belongs to (one file a process, or every file of the run). */
export interface GuardRouter {
  guardOf(test: TestLike): FileGuard | undefined
}

/** Is `fn` a file's check (FileGuard#fileHook)? Those run after every other root `after` hook. */
const fileHooks = new WeakSet<object>()

export class FileGuard {
  private readonly attempts = new WeakMap<TestLike, TestAttempt>()
  private count = 0
  private root: TestLike | undefined

  constructor(readonly file: TestFile) {
    fileHooks.add(this.fileHook)
  }

  /** The attempt of `test`, started on first use (a beforeEach hook may come first). */
  private attemptOf(test: TestLike): TestAttempt {
    let attempt = this.attempts.get(test)
    if (!attempt) {
      const name = namePath(test).join(' > ')
      const parent = test.parent ? this.attempts.get(test.parent) : undefined
      // Two tests of one name are two tests: the key tells them apart.
      this.count += 1
      attempt = this.file.startAttempt(name, `${this.count}:${name}`, parent ? { within: parent } : {})
      this.attempts.set(test, attempt)
    }
    return attempt
  }

  /** Runs a before/after hook (of the file or a suite) in the file. */
  runsHook(): (<T>(fn: () => T) => T) | undefined {
    if (this.file.ended) return undefined
    this.file.startHooks()
    return (fn) => this.file.run(fn)
  }

  /** Runs a beforeEach/afterEach hook in the attempt of the test it runs for (the file without one). */
  runsEachHook(test: TestLike | undefined): (<T>(fn: () => T) => T) | undefined {
    if (this.file.ended) return undefined
    const attempt = test && this.attemptOf(test)
    return attempt ? (fn) => attempt.run(fn) : (fn) => this.file.run(fn)
  }

  /** Runs a test's function in its attempt. */
  runsTest(test: TestLike): (<T>(fn: () => T) => T) | undefined {
    if (this.file.ended) return undefined
    this.file.startHooks()
    const attempt = this.attemptOf(test)
    return (fn) => attempt.run(fn)
  }

  /** Ends a test's attempt: fails the test for violations it has not shown. */
  endTest(test: TestLike): void {
    const attempt = this.attempts.get(test)
    if (!attempt || attempt.ended) return
    // node:test wraps what a test threw in ERR_TEST_FAILURE, the thrown error as its cause.
    const failure = test.error as { cause?: unknown } | null
    const thrown = failure && typeof failure === 'object' && 'cause' in failure ? failure.cause : failure
    const outcome = attempt.end({ errors: thrown ? [thrown] : [] })
    if (thrown && outcome.errors[0] !== thrown && failure) failure.cause = nativeError(outcome.errors[0])
    if (outcome.error && test.error === null) test.fail(outcome.error)
  }

  /** Patches node:test's Test class for this one file (a test process, or a file run directly). */
  patch(Test: TestClass, root: TestLike): void {
    this.root = root
    patchTestClass(Test, { guardOf: () => this })
  }

  /**
   * Makes the file's check (registered with node:test's `after`) stand for the file: node:test
   * names a failing root `after` hook by its location, which would be this package's file.
   */
  placeFileHook(file: string, root: TestLike | undefined = this.root): void {
    this.root = root
    const hooks = (root?.hooks?.after ?? []) as TestLike[]
    const hook = hooks.find((entry) => entry.fn === this.fileHook)
    if (hook) hook.loc = { __proto__: null, line: 1, column: 1, file } as TestLike['loc']
  }

  /** The root `after` hook that fails the file; the caller registers it through node:test. */
  readonly fileHook = (): void => {
    const { error } = this.file.end()
    if (error) throw error
  }
}

/** Runs a test's function or a hook where it belongs; undefined: where node:test puts it. */
function runnerFor(router: GuardRouter, runner: TestLike, thisArg: unknown): (<T>(fn: () => T) => T) | undefined {
  if (isSuite(runner)) return undefined
  if (isHook(runner)) {
    if (runner.hookType !== 'beforeEach' && runner.hookType !== 'afterEach') return router.guardOf(runner)?.runsHook()
    const test = typeof thisArg === 'object' && thisArg !== null ? contexts.get(thisArg) : undefined
    return router.guardOf(test ?? runner)?.runsEachHook(test)
  }
  if (runner.parent === null) return undefined
  return router.guardOf(runner)?.runsTest(runner)
}

/** Patches node:test's Test class (once per process): each test and hook runs in its file's guard. */
export function patchTestClass(Test: TestClass, router: GuardRouter): void {
  const proto = Test.prototype
  const realRunInAsyncScope = proto.runInAsyncScope
  const realGetRunArgs = proto.getRunArgs
  const realPostRun = proto.postRun
  const realRunHook = proto.runHook

  proto.runInAsyncScope = function runInAsyncScope(this: TestLike, fn: AnyFn, thisArg: unknown, ...args: unknown[]) {
    const run = runnerFor(router, this, thisArg)
    if (!run) return Reflect.apply(realRunInAsyncScope, this, [fn, thisArg, ...args])
    const inScope = (...callArgs: unknown[]) => run(() => Reflect.apply(fn, thisArg, callArgs))
    return Reflect.apply(realRunInAsyncScope, this, [inScope, thisArg, ...args])
  }

  proto.getRunArgs = function getRunArgs(this: TestLike) {
    const result = Reflect.apply(realGetRunArgs, this, [])
    if (result?.ctx && !isHook(this)) contexts.set(result.ctx, this)
    return result
  }

  proto.postRun = function postRun(this: TestLike, ...args: unknown[]) {
    if (!isHook(this) && !isSuite(this)) router.guardOf(this)?.endTest(this)
    return Reflect.apply(realPostRun, this, args)
  }

  // The files' checks run after every other `after` hook of the root (they were registered first).
  proto.runHook = function runHook(this: TestLike, name: string, args: unknown) {
    if (this.parent === null && name === 'after' && this.hooks) {
      const after = this.hooks.after as TestLike[]
      const checks = after.filter((hook) => fileHooks.has(hook.fn))
      if (checks.length > 0)
        after.splice(0, after.length, ...after.filter((hook) => !fileHooks.has(hook.fn)), ...checks)
    }
    return Reflect.apply(realRunHook, this, [name, args])
  }
}
