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

export class FileGuard {
  private readonly attempts = new WeakMap<TestLike, TestAttempt>()
  /** Each TestContext to its test: beforeEach/afterEach hooks get the test's context. */
  private readonly contexts = new WeakMap<object, TestLike>()
  private count = 0
  private root: TestLike | undefined

  constructor(readonly file: TestFile) {}

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

  /** Runs a test's function or a hook where it belongs; undefined: where node:test puts it. */
  private runnerFor(runner: TestLike, thisArg: unknown): (<T>(fn: () => T) => T) | undefined {
    if (this.file.ended || isSuite(runner)) return undefined
    if (isHook(runner)) {
      if (runner.hookType !== 'beforeEach' && runner.hookType !== 'afterEach') {
        this.file.startHooks()
        return (fn) => this.file.run(fn)
      }
      const test = typeof thisArg === 'object' && thisArg !== null ? this.contexts.get(thisArg) : undefined
      const attempt = test && this.attemptOf(test)
      return attempt ? (fn) => attempt.run(fn) : (fn) => this.file.run(fn)
    }
    if (runner.parent === null) return undefined
    this.file.startHooks()
    const attempt = this.attemptOf(runner)
    return (fn) => attempt.run(fn)
  }

  /** Ends a test's attempt: fails the test for violations it has not shown. */
  private endTest(test: TestLike): void {
    const attempt = this.attempts.get(test)
    if (!attempt || attempt.ended) return
    // node:test wraps what a test threw in ERR_TEST_FAILURE, the thrown error as its cause.
    const failure = test.error as { cause?: unknown } | null
    const thrown = failure && typeof failure === 'object' && 'cause' in failure ? failure.cause : failure
    const outcome = attempt.end({ errors: thrown ? [thrown] : [] })
    if (thrown && outcome.errors[0] !== thrown && failure) failure.cause = nativeError(outcome.errors[0])
    if (outcome.error && test.error === null) test.fail(outcome.error)
  }

  /** Patches node:test's Test class (once per process). */
  patch(Test: TestClass, root: TestLike): void {
    this.root = root
    const guard = this
    const proto = Test.prototype
    const realRunInAsyncScope = proto.runInAsyncScope
    const realGetRunArgs = proto.getRunArgs
    const realPostRun = proto.postRun
    const realRunHook = proto.runHook

    proto.runInAsyncScope = function runInAsyncScope(this: TestLike, fn: AnyFn, thisArg: unknown, ...args: unknown[]) {
      const run = guard.runnerFor(this, thisArg)
      if (!run) return Reflect.apply(realRunInAsyncScope, this, [fn, thisArg, ...args])
      const inScope = (...callArgs: unknown[]) => run(() => Reflect.apply(fn, thisArg, callArgs))
      return Reflect.apply(realRunInAsyncScope, this, [inScope, thisArg, ...args])
    }

    proto.getRunArgs = function getRunArgs(this: TestLike) {
      const result = Reflect.apply(realGetRunArgs, this, [])
      if (result?.ctx && !isHook(this)) guard.contexts.set(result.ctx, this)
      return result
    }

    proto.postRun = function postRun(this: TestLike, ...args: unknown[]) {
      if (!isHook(this) && !isSuite(this)) guard.endTest(this)
      return Reflect.apply(realPostRun, this, args)
    }

    // The file's check runs after every `after` hook of the file (it was registered first).
    proto.runHook = function runHook(this: TestLike, name: string, args: unknown) {
      if (this === guard.root && name === 'after' && this.hooks) {
        const at = this.hooks.after.findIndex((hook) => (hook as TestLike).fn === guard.fileHook)
        if (at !== -1 && at !== this.hooks.after.length - 1) this.hooks.after.push(...this.hooks.after.splice(at, 1))
      }
      return Reflect.apply(realRunHook, this, [name, args])
    }
  }

  /**
   * Makes the file's check (registered with node:test's `after`) stand for the file: node:test
   * names a failing root `after` hook by its location, which would be this package's file.
   */
  placeFileHook(file: string): void {
    const hooks = (this.root?.hooks?.after ?? []) as TestLike[]
    const hook = hooks.find((entry) => entry.fn === this.fileHook)
    if (hook) hook.loc = { __proto__: null, line: 1, column: 1, file } as TestLike['loc']
  }

  /** The root `after` hook that fails the file; the caller registers it through node:test. */
  readonly fileHook = (): void => {
    const { error } = this.file.end()
    if (error) throw error
  }
}
