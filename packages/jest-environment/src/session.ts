import { isMainThread } from 'node:worker_threads'
import {
  type AuditRecord,
  allowAudit,
  type Engine,
  hideOwnFrames,
  LeakgateError,
  MAX_LISTED_VIOLATIONS,
  moreViolationsLine,
  redactErrorFields,
  retellViolation,
  type Scope,
  tameRealm,
} from '@leakgate/core'
import {
  type BlockFn,
  type CircusEvent,
  type CircusState,
  carriesMessage,
  declarationFrame,
  errorsOf,
  fullName,
  type Hook,
  hasProjectFrame,
  holdsError,
  isGeneratorFunction,
  leakFirst,
  retold,
  type TestEntry,
} from './circus.js'
import { errorForRecord, recordIdentity } from './violation-error.js'

// One test file, from the environment's constructor to its teardown. Scopes follow circus's
// events (measured on Jest 29.7 and 30.5):
// - import (setup files, the test file): the file scope, phase `import`;
// - beforeAll/afterAll and anything file-level after collection: the file scope, phase `hook`;
// - a test: its own scope per attempt, entered through AsyncLocalStorage by wrapping the test's
//   function at `add_test` (the only event that comes before Jest 29 starts `test.concurrent`
//   bodies) and its beforeEach/afterEach hooks, so concurrent tests keep their own allowances
//   and blame, and a timer that outlives its test is still blamed on it (late);
// - `test_done`: every violation of every attempt is pushed into `test.errors` (results are
//   computed after it; a retry clears the errors, so they are pushed again each time);
// - `run_finish`: file-level violations (import, hooks, late) go to `state.unhandledErrors`,
//   which Jest reports as "Test suite failed to run";
// - after teardown nothing can fail: the sink has the event and the reporter fails the run.
// Jest prints every error of a test in full, with a code frame: a test or file shows its first
// FULL_ERRORS violations so, then one error that lists a few more on a line each and counts the
// rest (MAX_LISTED_VIOLATIONS in all), so a loop of swallowed refusals prints a few dozen lines.

const FULL_ERRORS = 3

const ENGINE_KEY = Symbol.for('leakgate.engine')

interface TestState {
  /** The scope of the current (or last) attempt. */
  scope?: Scope
  /** Violations of every attempt, in order. */
  violations: AuditRecord[]
  seen: Set<string>
  /** Violations beyond those the engine kept (a hundred per attempt). */
  dropped: number
}

type ContextGlobal = Record<PropertyKey, unknown>

/** Only enforce mode fails tests; report mode records (the report has every violation). */
function failsInJest(record: AuditRecord): boolean {
  return record.mode === 'enforce'
}

export class FileSession {
  readonly file: Scope
  private readonly tests = new WeakMap<TestEntry, TestState>()
  /** Tests by full name, to place a late violation without a call site of its own. */
  private readonly byName = new Map<string, TestEntry>()
  private state: CircusState | undefined
  private closed = false
  /** Violations of the file's tests so far: a later test may fail with one's message. */
  private readonly earlier = new Set<AuditRecord>()
  /** Depth of describe bodies circus is running (they run while the file is imported). */
  private describing = 0

  constructor(
    private readonly engine: Engine,
    private readonly global: ContextGlobal,
    testPath: string,
  ) {
    this.file = engine.enterFile(testPath)
    // A describe body runs after the file's imports and its first lines: an allowAudit() at the
    // top of the file is in force there (not in a module the file imports: Babel hoists those).
    this.file.fileTopApplies = () => this.describing > 0
    // `@leakgate/core` loaded by the test's own module registry finds the engine here.
    Object.defineProperty(global, ENGINE_KEY, { value: engine, configurable: true, enumerable: false, writable: true })
    Object.defineProperty(global, 'allowAudit', {
      value: allowAudit,
      configurable: true,
      enumerable: false,
      writable: true,
    })
    tameRealm(global as typeof globalThis)
    // Jest's own realm, one property away from the test (`Buffer.constructor`,
    // `jest.fn.constructor`): tamed too (issue 12.3); Jest's and Babel's code generation there
    // is the framework's own.
    tameRealm(globalThis)
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
        this.file.phase = 'hook'
        break
      case 'hook_start':
        this.enterHook(event.hook, state)
        break
      case 'test_start':
        if (event.test) this.engine.tracker.current = this.scopeOf(event.test)
        break
      case 'test_done':
        if (event.test) this.finishTest(event.test)
        this.engine.tracker.current = this.file
        break
      case 'run_finish':
        this.failFile(state)
        break
    }
  }

  /** The file ended: nothing can fail any more; what still happens goes to the sink. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.engine.endScope(this.file)
    // The dead context stays tamed (its late timers are still audited), but the engine must not
    // keep it alive.
    this.engine.realms.delete(this.global)
    if (this.engine.tracker.current === this.file) this.engine.tracker.current = undefined
    // Running in band, this is Jest's own process: between files it forks workers, runs git for
    // --watch and more. Only test files are audited; the next environment switches it back on.
    if (isMainThread && typeof process.send !== 'function') this.engine.active = false
  }

  private stateOf(test: TestEntry): TestState {
    let state = this.tests.get(test)
    if (!state) {
      state = { violations: [], seen: new Set(), dropped: 0 }
      this.tests.set(test, state)
    }
    return state
  }

  /** The scope of the test's current attempt, created on first use. */
  private scopeOf(test: TestEntry): Scope {
    const state = this.stateOf(test)
    if (!state.scope || state.scope.ended) state.scope = this.engine.createTestScope(fullName(test), this.file)
    return state.scope
  }

  private wrap(fn: BlockFn, scope: () => Scope): BlockFn {
    if (typeof fn !== 'function' || isGeneratorFunction(fn)) return fn
    const engine = this.engine
    const wrapped = function (this: unknown, ...args: unknown[]) {
      return engine.runInScope(scope(), () => Reflect.apply(fn, this, args))
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
    test.fn = this.wrap(test.fn, () => this.scopeOf(test))
    this.byName.set(fullName(test), test)
  }

  private wrapAddedHook(state: CircusState): void {
    const hooks = state.currentDescribeBlock.hooks
    const hook = hooks[hooks.length - 1]
    if (!hook || (hook.type !== 'beforeEach' && hook.type !== 'afterEach')) return
    hook.fn = this.wrap(hook.fn, () => {
      const test = this.state?.currentlyRunningTest
      return test ? this.scopeOf(test) : this.file
    })
  }

  private enterHook(hook: Hook | undefined, state: CircusState): void {
    if (hook?.type === 'beforeAll' || hook?.type === 'afterAll') this.engine.tracker.current = this.file
    else if (state.currentlyRunningTest) this.engine.tracker.current = this.scopeOf(state.currentlyRunningTest)
  }

  private finishTest(test: TestEntry): void {
    const state = this.stateOf(test)
    if (state.scope) {
      this.engine.endScope(state.scope)
      const tally = this.engine.violationTally(state.scope)
      state.dropped += tally.dropped.net + tally.dropped.exec + tally.dropped.eval + tally.dropped.tamper
      for (const record of tally.records) {
        const identity = recordIdentity(record)
        if (state.seen.has(identity)) continue
        state.seen.add(identity)
        state.violations.push(record)
      }
    }
    // Every attempt's violations, again: a retry cleared test.errors, and a clean retry must
    // not hide an earlier violation. The same leak repeated by each attempt is shown once (the
    // report counts them all); one the test already failed with (thrown) is not added.
    const errors = state.violations.filter(failsInJest).map((record) => errorForRecord(this.engine, record))
    const shown = new Set(
      errors
        .filter((error) => holdsError(test.errors, error) || carriesMessage(test.errors, error.message))
        .map((error) => error.message),
    )
    const fresh: LeakgateError[] = []
    for (const error of errors) {
      if (shown.has(error.message)) continue
      shown.add(error.message)
      fresh.push(error)
    }
    const frame = declarationFrame(test)
    for (const error of fresh.slice(0, FULL_ERRORS)) {
      if (!hasProjectFrame(error.stack) && frame) error.stack = `${error.stack}\n${frame}`
      test.errors.push(error)
    }
    const rest = fresh.length - FULL_ERRORS + (fresh.length > 0 ? state.dropped : 0)
    if (rest > 0) test.errors.push(moreError(fresh.slice(FULL_ERRORS), rest, 'in this test', frame))
    this.retellEarlier(test)
    for (const record of state.violations) this.earlier.add(record)
    // fetch's `TypeError: fetch failed` with ours as its cause: shown as ours, caused by it.
    test.errors.forEach((entry, index) => {
      const top = leakFirst(Array.isArray(entry) ? entry[0] : entry, errors)
      if (top) test.errors[index] = Array.isArray(entry) ? [top, entry[1]] : top
    })
    for (const error of errorsOf(test.errors)) {
      hideOwnFrames(error, this.engine.filter.internalDirs)
      // Jest serializes every enumerable field (--json): ours carry no raw command line.
      if (LeakgateError.is(error)) redactErrorFields(error)
    }
  }

  /**
   * An error of this test that carries the message of an earlier test's violation (a library
   * kept it: esbuild's service, refused when that test started it, fails every later call with
   * "The service is no longer running: …"): shown with its "To allow it in this test" naming
   * that test.
   */
  private retellEarlier(test: TestEntry): void {
    const name = fullName(test)
    for (const record of this.earlier) {
      if (record.scope.test === name) continue
      const message = this.engine.errorFor(record)?.message
      if (!message) continue
      const text = retellViolation(message, message, record.scope)
      if (text === message) continue
      test.errors.forEach((entry, index) => {
        const copy = retold(Array.isArray(entry) ? entry[0] : entry, message, text)
        if (copy) test.errors[index] = Array.isArray(entry) ? [copy, entry[1]] : copy
      })
    }
  }

  private failFile(state: CircusState): void {
    const tally = this.engine.violationTally(this.file)
    const errors = tally.records
      .filter(failsInJest)
      .map((record) => ({ record, error: errorForRecord(this.engine, record) }))
      .filter(({ error }) => !holdsError(state.unhandledErrors, error))
    const dropped =
      errors.length > 0 ? tally.dropped.net + tally.dropped.exec + tally.dropped.eval + tally.dropped.tamper : 0
    const rest = errors.length - FULL_ERRORS + dropped
    const more =
      rest > 0
        ? moreError(
            errors.slice(FULL_ERRORS).map(({ error }) => error),
            rest,
            'in this file',
            undefined,
          )
        : undefined
    errors.length = Math.min(errors.length, FULL_ERRORS)
    for (const { record, error } of errors) {
      if (!hasProjectFrame(error.stack)) {
        // Late work of a test: point at the test. Otherwise Jest must not print the message twice.
        const test = record.scope.test === undefined ? undefined : this.byName.get(record.scope.test)
        const frame = test && declarationFrame(test)
        error.stack = frame ? `${error.stack}\n${frame}` : `LeakgateError: ${error.shortMessage}`
      }
      state.unhandledErrors.push(error)
    }
    if (more) state.unhandledErrors.push(more)
    for (const error of errorsOf(state.unhandledErrors)) {
      hideOwnFrames(error, this.engine.filter.internalDirs)
      if (LeakgateError.is(error)) redactErrorFields(error)
    }
  }
}

/**
 * The error that stands for the violations after the first FULL_ERRORS: `rest` of them, the
 * first few listed on a line each. Not carrying an `event`: the report has them from the sink.
 */
function moreError(
  listed: readonly LeakgateError[],
  rest: number,
  where: 'in this test' | 'in this file',
  frame: string | undefined,
): LeakgateError {
  const lines = listed.slice(0, MAX_LISTED_VIOLATIONS - FULL_ERRORS).map((error) => {
    const site = error.event?.callSite
    return `    ${error.shortMessage}${site ? ` at ${site.file}:${site.line}:${site.column}` : ''}`
  })
  const unlisted = rest - lines.length
  if (unlisted > 0) lines.push(`    ${moreViolationsLine(unlisted)}`)
  const what = rest === 1 ? 'violation' : 'violations'
  const message = `${rest.toLocaleString('en-US')} more ${what} ${where} than shown above\n${lines.join('\n')}`
  const code = listed[0]?.code ?? 'LEAKGATE_NET_BLOCKED'
  const error = new LeakgateError(code, message)
  // Jest keeps a frameless message to its first line: a frame (the test's, when known) keeps all.
  Object.defineProperty(error, 'stack', {
    value: `LeakgateError: ${message}${frame ? `\n${frame}` : ''}`,
    writable: true,
    configurable: true,
  })
  return error
}
