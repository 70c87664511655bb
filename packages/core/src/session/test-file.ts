import type { Engine } from '../engine.js'
import { LeakgateError } from '../errors.js'
import type { AuditRecord } from '../events.js'
import { hideOwnFrames } from '../own-frames.js'
import { redactErrorFields } from '../redact.js'
import type { Scope } from '../scope.js'
import { type AttemptOwner, type EndAttemptOptions, scopeOfAttempt, TestAttempt } from './attempt.js'
import { combineViolations, errorOfRecord } from './errors.js'
import { addDropped, droppedTotal, noDropped, type Outcome } from './outcome.js'
import { isShown, leakFirst, retold } from './shown.js'

// One test file: its scope (import time, then beforeAll/afterAll and other file-level work),
// the attempts of its tests, and what fails where:
// - a test fails for the violations of every attempt, so a clean retry cannot hide one;
// - a test expected to fail would turn our failure into a pass: its violations fail the file;
// - the file fails for what happened outside its tests: import time, beforeAll/afterAll, and
//   late work (a timer that fires after its test ended is blamed on that test, in the file);
// - after the file ended nothing can fail: the sink has the event and the run's gate fails.

/** Options of `TestFile.end()`. */
export interface EndFileOptions {
  /** The errors the runner already shows for the file (its unhandled errors). */
  errors?: readonly unknown[]
}

/** Options of `TestFile.startAttempt()`. */
export interface StartAttemptOptions {
  /** The running attempt of the parent test, for a subtest. */
  within?: TestAttempt
}

interface TestState {
  attempts: TestAttempt[]
}

/** One test file; made by `Session.enterFile()`. */
export class TestFile implements AttemptOwner {
  readonly #tests = new Map<string, TestState>()
  /** Violations of tests expected to fail: they fail the file. */
  readonly #deferred: AuditRecord[] = []
  /** Messages of violations of the file's tests so far: a later test may fail with one. */
  readonly #earlier = new Map<string, AuditRecord>()
  #ended = false
  /** How the runner marks a test expected to fail, for the file's message. */
  #failMarker = 'as expected to fail'
  readonly #engine: Engine
  readonly #scope: Scope
  readonly #release: (() => void) | undefined

  /** @internal use Session.enterFile() */
  constructor(
    engine: Engine,
    scope: Scope,
    /** Absolute path of the test file. */
    readonly path: string,
    release: (() => void) | undefined,
  ) {
    this.#engine = engine
    this.#scope = scope
    this.#release = release
  }

  get ended(): boolean {
    return this.#ended
  }

  /** What file-level code is doing now: `import` until `startHooks()`, then `hook`. */
  get phase(): 'import' | 'hook' {
    return this.#scope.phase === 'import' ? 'import' : 'hook'
  }

  /**
   * Leaves the import phase: file-level code from now on (beforeAll/afterAll, describe-level
   * hooks) is `hook`. Call it when the runner has collected the file and starts running it.
   */
  startHooks(): void {
    if (this.#scope.phase === 'import') this.#scope.phase = 'hook'
  }

  /** Runs `fn` (and what it starts) at the file's level, whatever the current scope is. */
  run<T>(fn: () => T): T {
    return this.#engine.runInScope(this.#scope, fn)
  }

  /** Makes the file the scope of code that runs outside any `run()` (a beforeAll from the runner's loop). */
  enter(): void {
    this.#engine.tracker.current = this.#scope
  }

  /**
   * Starts an attempt of a test (the first, or a retry: a fresh scope, so its allowances start
   * empty). `name` is the full name, `describe > test`; `key` tells two tests of the same name
   * apart (the runner's id), and ties the attempts of one test together (default: the name).
   * `within`: the running attempt of the test this one is a subtest of (node:test's `t.test()`):
   * the parent's allowances hold in it, and work it leaves behind fails the parent while the
   * parent runs. A parent that already ended is ignored (the subtest is the file's).
   */
  startAttempt(name: string, key: string = name, options: StartAttemptOptions = {}): TestAttempt {
    let state = this.#tests.get(key)
    if (!state) {
      state = { attempts: [] }
      this.#tests.set(key, state)
    }
    const within = options.within
    const parent = within && !within.ended && this.#owns(within) ? scopeOfAttempt(within) : this.#scope
    const scope = this.#engine.createTestScope(name, parent)
    const attempt = new TestAttempt(this.#engine, this, scope, key, state.attempts.length)
    state.attempts.push(attempt)
    return attempt
  }

  /** Was `attempt` started by this file? */
  #owns(attempt: TestAttempt): boolean {
    return this.#tests.get(attempt.key)?.attempts.includes(attempt) === true
  }

  /** The attempt of this test started last (ended or not), if any. */
  currentAttempt(key: string): TestAttempt | undefined {
    return this.#tests.get(key)?.attempts.at(-1)
  }

  /** @internal see TestAttempt.end() */
  endAttempt(attempt: TestAttempt, options: EndAttemptOptions): Outcome {
    const scope = scopeOfAttempt(attempt)
    this.#engine.endScope(scope)
    if (this.#engine.tracker.current === scope) this.#engine.tracker.current = this.#scope
    const records: AuditRecord[] = []
    const seen = new Set<string>()
    const dropped = noDropped()
    const current = new Set<AuditRecord>()
    for (const one of this.#tests.get(attempt.key)?.attempts ?? [attempt]) {
      if (!one.ended && one !== attempt) continue
      const tally = this.#engine.violationTally(scopeOfAttempt(one))
      addDropped(dropped, tally.dropped)
      if (one === attempt) for (const record of tally.records) current.add(record)
      for (const record of tally.records) {
        // A record read back from a child's sink file twice is one violation.
        const identity = record.id ?? JSON.stringify([record.pid, record.threadId, record.time, record.event])
        if (seen.has(identity)) continue
        seen.add(identity)
        records.push(record)
      }
    }
    const errors = this.readyErrors(options.errors ?? [], attempt.name)
    for (const record of records) this.remember(record)
    const outcome: Outcome = { error: undefined, unshown: [], records, dropped, errors }
    if (!this.enforcing || records.length === 0) return outcome
    if (options.expectedToFail) {
      if (typeof options.expectedToFail === 'string') this.#failMarker = options.expectedToFail
      for (const record of records) if (!this.#deferred.includes(record)) this.#deferred.push(record)
      return outcome
    }
    outcome.unshown = this.unshown(records, errors, current)
    if (outcome.unshown.length > 0) {
      const shownRecords = outcome.unshown.map((error) => error.event as AuditRecord)
      outcome.error = combineViolations(this.#engine, shownRecords, { dropped: droppedTotal(dropped) })
    }
    return outcome
  }

  /**
   * Ends the file: what happens from now on can fail nothing (it is in the sink; the run's gate
   * fails for it). Returns the file-level violations still to show (import time, hooks, late
   * work, and those of tests expected to fail). Releases the realm given to `enterFile()`.
   * Idempotent: a second call returns an empty outcome.
   */
  end(options: EndFileOptions = {}): Outcome {
    const empty: Outcome = { error: undefined, unshown: [], records: [], dropped: noDropped(), errors: [] }
    if (this.#ended) return empty
    this.#ended = true
    this.#engine.endScope(this.#scope)
    if (this.#engine.tracker.current === this.#scope) this.#engine.tracker.current = undefined
    this.#release?.()
    const tally = this.#engine.violationTally(this.#scope)
    const errors = this.readyErrors(options.errors ?? [], undefined)
    const outcome: Outcome = {
      error: undefined,
      unshown: [],
      records: [...tally.records, ...this.#deferred],
      dropped: tally.dropped,
      errors,
    }
    if (!this.enforcing) return outcome
    const own = this.unshown(tally.records, errors)
    if (own.length > 0) {
      const note =
        this.#deferred.length > 0
          ? `A test marked ${this.#failMarker} also leaked (${this.#deferred.length} violation(s)): see the report.`
          : undefined
      outcome.unshown = own
      outcome.error = combineViolations(
        this.#engine,
        own.map((error) => error.event as AuditRecord),
        { ...(note ? { note } : {}), dropped: droppedTotal(tally.dropped) },
      )
    } else if (this.#deferred.length > 0) {
      outcome.unshown = this.#deferred.map((record) => errorOfRecord(this.#engine, record))
      outcome.error = combineViolations(this.#engine, this.#deferred, {
        note: `This test is marked ${this.#failMarker}, which would turn its failure into a pass, so the violation fails its file.`,
      })
    }
    return outcome
  }

  private get enforcing(): boolean {
    return this.#engine.mode === 'enforce'
  }

  /**
   * The errors of `records` not shown by `errors`. A record of an earlier attempt (not in
   * `current`) whose message another record has already is the same leak repeated by a retry:
   * shown once (the report counts them all).
   */
  private unshown(
    records: readonly AuditRecord[],
    errors: readonly unknown[],
    current?: ReadonlySet<AuditRecord>,
  ): LeakgateError[] {
    const enforced = records.filter((record) => record.mode === 'enforce')
    const messages = new Set<string>()
    for (const record of enforced) {
      if (!current || current.has(record)) messages.add(errorOfRecord(this.#engine, record).message)
    }
    const out: LeakgateError[] = []
    for (const record of enforced) {
      const error = errorOfRecord(this.#engine, record)
      if (current && !current.has(record)) {
        if (messages.has(error.message)) continue
        messages.add(error.message)
      }
      if (isShown(errors, record, error)) continue
      // Runners serialize every enumerable field (Jest's --json): ours carry no raw command line.
      redactErrorFields(error)
      out.push(error)
    }
    return out
  }

  /** A violation's message a later test may carry (retold there to name this test). */
  private remember(record: AuditRecord): void {
    const message = this.#engine.errorFor(record)?.message
    if (message && record.scope.test !== undefined) this.#earlier.set(message, record)
  }

  /** The runner's errors, leak first, retold, with leakgate's frames hidden and no raw argv. */
  private readyErrors(errors: readonly unknown[], test: string | undefined): unknown[] {
    const earlier = new Map<string, AuditRecord>()
    for (const [message, record] of this.#earlier) if (record.scope.test !== test) earlier.set(message, record)
    return errors.map((error) => {
      let ready: unknown = leakFirst(error) ?? error
      if (earlier.size > 0) ready = retold(ready, earlier) ?? ready
      hideOwnFrames(ready, this.#engine.filter.internalDirs)
      // Runners serialize every enumerable field (Jest's --json): ours carry no raw command line.
      if (LeakgateError.is(ready)) redactErrorFields(ready)
      return ready
    })
  }
}
