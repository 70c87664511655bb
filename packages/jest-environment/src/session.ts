import { allowAudit } from '@leakgate/core'
import {
  droppedTotal,
  moreViolationsError,
  type Session,
  type TestAttempt,
  type TestFile,
} from '@leakgate/core/session'
import {
  type BlockFn,
  type CircusEvent,
  type CircusState,
  declarationFrame,
  fullName,
  type Hook,
  hasProjectFrame,
  isGeneratorFunction,
  type TestEntry,
  type TestError,
} from './circus.js'

// One test file, from the environment's constructor to its teardown: circus's events translated
// into the session's file and attempts (measured on Jest 29.7 and 30.5):
// - import (setup files, the test file): the file, phase `import`;
// - beforeAll/afterAll and anything file-level after collection: the file, phase `hook`;
// - a test: an attempt each try, entered through AsyncLocalStorage by wrapping the test's
//   function at `add_test` (the only event that comes before Jest 29 starts `test.concurrent`
//   bodies) and its beforeEach/afterEach hooks, so concurrent tests keep their own allowances
//   and blame, and a timer that outlives its test is still blamed on it (late);
// - `test_done`: the violations still to show, of every attempt, are pushed into `test.errors`
//   (results are computed after it; a retry clears the errors, so they are pushed again);
// - `run_finish`: the file ends; its violations (import, hooks, late) go to
//   `state.unhandledErrors`, which Jest reports as "Test suite failed to run";
// - after that nothing can fail: the sink has the event and the reporter fails the run.
// Jest prints every error of a test in full, with a code frame: a test or file shows its first
// FULL_ERRORS violations so, then one error that lists a few more on a line each and counts the
// rest (MAX_LISTED_VIOLATIONS in all), so a loop of swallowed refusals prints a few dozen lines.

const FULL_ERRORS = 3

type ContextGlobal = Record<PropertyKey, unknown>

let keys = 0

export class FileSession {
  readonly file: TestFile
  /** Each test's key in the file (attempts of one test share it), and its attempt now. */
  private readonly tests = new WeakMap<TestEntry, { key: string; attempt?: TestAttempt }>()
  /** Tests by full name, to point a late violation without a call site of its own at its test. */
  private readonly byName = new Map<string, TestEntry>()
  private state: CircusState | undefined
  /** Depth of describe bodies circus is running (they run while the file is imported). */
  private describing = 0

  constructor(
    private readonly session: Session,
    global: ContextGlobal,
    testPath: string,
  ) {
    // A describe body runs after the file's imports and its first lines: an allowAudit() at the
    // top of the file is in force there (not in a module the file imports: Babel hoists those).
    // The context dies with the file, but a timer it left still runs: it stays audited.
    this.file = session.enterFile(testPath, {
      realm: global as typeof globalThis,
      releaseRealm: 'forget',
      fileTop: () => this.describing > 0,
    })
    Object.defineProperty(global, 'allowAudit', {
      value: allowAudit,
      configurable: true,
      enumerable: false,
      writable: true,
    })
    // Jest's own realm, one property away from the test (`Buffer.constructor`,
    // `jest.fn.constructor`): tamed too (issue 12.3); Jest's and Babel's code generation there
    // is the framework's own.
    session.tameRealm()
  }

  /** Called for every circus event, synchronously (add_test and add_hook are dispatched sync). */
  handle(event: CircusEvent, state: CircusState): void {
    this.state = state
    switch (event.name) {
      case 'add_test':
        this.wrapAddedTest(event, state)
        break
      case 'add_hook':
        this.wrapAddedHook(state)
        break
      case 'start_describe_definition':
        this.describing++
        break
      case 'finish_describe_definition':
        this.describing = Math.max(0, this.describing - 1)
        break
      case 'run_start':
        this.file.startHooks()
        break
      case 'hook_start':
        this.enterHook(event.hook, state)
        break
      case 'test_start':
        if (event.test) this.attemptOf(event.test).enter()
        break
      case 'test_done':
        if (event.test) this.finishTest(event.test)
        this.file.enter()
        break
      case 'run_finish':
        this.failFile(state)
        break
    }
  }

  /** The environment's teardown: the file has ended; in band, stop auditing Jest's own work. */
  close(): void {
    this.file.end()
    // Running in band, this is Jest's own process: between files it forks workers, runs git for
    // --watch and more. Only test files are audited; the next environment switches it back on.
    this.session.suspend()
  }

  /** The current attempt of `test`, started on first use and after each ended one (a retry). */
  private attemptOf(test: TestEntry): TestAttempt {
    let entry = this.tests.get(test)
    if (!entry) {
      keys += 1
      entry = { key: `${keys}` }
      this.tests.set(test, entry)
    }
    if (!entry.attempt || entry.attempt.ended) entry.attempt = this.file.startAttempt(fullName(test), entry.key)
    return entry.attempt
  }

  private wrap(fn: BlockFn, attempt: () => TestAttempt | TestFile): BlockFn {
    if (typeof fn !== 'function' || isGeneratorFunction(fn)) return fn
    const wrapped = function (this: unknown, ...args: unknown[]) {
      return attempt().run(() => Reflect.apply(fn, this, args))
    }
    // circus tells a done-callback test from a promise test by `fn.length`.
    Object.defineProperty(wrapped, 'length', { value: fn.length })
    Object.defineProperty(wrapped, 'name', { value: fn.name })
    return wrapped
  }

  private wrapAddedTest(event: CircusEvent, state: CircusState): void {
    const children = state.currentDescribeBlock.children
    const test = children[children.length - 1]
    // circus refuses a test added late or nested; then nothing was added.
    if (test?.type !== 'test' || test.fn !== event.fn || typeof test.fn !== 'function') return
    test.fn = this.wrap(test.fn, () => this.attemptOf(test))
    this.byName.set(fullName(test), test)
  }

  private wrapAddedHook(state: CircusState): void {
    const hooks = state.currentDescribeBlock.hooks
    const hook = hooks[hooks.length - 1]
    if (!hook || (hook.type !== 'beforeEach' && hook.type !== 'afterEach')) return
    hook.fn = this.wrap(hook.fn, () => {
      const test = this.state?.currentlyRunningTest
      return test ? this.attemptOf(test) : this.file
    })
  }

  private enterHook(hook: Hook | undefined, state: CircusState): void {
    if (hook?.type === 'beforeAll' || hook?.type === 'afterAll') this.file.enter()
    else if (state.currentlyRunningTest) this.attemptOf(state.currentlyRunningTest).enter()
  }

  private finishTest(test: TestEntry): void {
    const attempt = this.tests.get(test)?.attempt
    if (!attempt) return
    // Every attempt's violations, again: a retry cleared test.errors, and a clean retry must
    // not hide an earlier violation. One the test already failed with (thrown) is not added.
    const outcome = attempt.end({ errors: test.errors.map(first) })
    test.errors.forEach((entry, index) => {
      const ready = outcome.errors[index]
      if (ready === first(entry)) return
      test.errors[index] = Array.isArray(entry) ? [ready, entry[1]] : ready
    })
    const shown = outcome.unshown.length
    if (shown === 0) return
    // Only now: reading circus's `asyncError.stack` formats it (through Jest's source-mapping
    // prepareStackTrace, ~2 ms a test on koa's suite), which a test without violations never needs.
    const frame = declarationFrame(test)
    for (const error of outcome.unshown.slice(0, FULL_ERRORS)) {
      if (!hasProjectFrame(error.stack) && frame) error.stack = `${error.stack}\n${frame}`
      test.errors.push(error)
    }
    const rest = shown - FULL_ERRORS + droppedTotal(outcome.dropped)
    if (rest > 0) {
      test.errors.push(
        moreViolationsError(outcome.unshown.slice(FULL_ERRORS), rest, 'in this test', frame, FULL_ERRORS),
      )
    }
  }

  private failFile(state: CircusState): void {
    const outcome = this.file.end({ errors: state.unhandledErrors })
    state.unhandledErrors.splice(0, state.unhandledErrors.length, ...outcome.errors)
    const errors = outcome.unshown
    const rest = errors.length - FULL_ERRORS + (errors.length > 0 ? droppedTotal(outcome.dropped) : 0)
    for (const error of errors.slice(0, FULL_ERRORS)) {
      if (!hasProjectFrame(error.stack)) {
        // Late work of a test: point at the test. Otherwise Jest must not print the message twice.
        const name = error.event?.scope.test
        const test = name === undefined ? undefined : this.byName.get(name)
        const frame = test && declarationFrame(test)
        error.stack = frame ? `${error.stack}\n${frame}` : `LeakgateError: ${error.shortMessage}`
      }
      state.unhandledErrors.push(error)
    }
    if (rest > 0) {
      state.unhandledErrors.push(
        moreViolationsError(errors.slice(FULL_ERRORS), rest, 'in this file', undefined, FULL_ERRORS),
      )
    }
  }
}

/** The error of a `test.errors` entry (an error, or circus's `[error, asyncError]` pair). */
function first(entry: TestError): unknown {
  return Array.isArray(entry) ? entry[0] : entry
}
