import type { Engine } from '../engine.js'
import type { Scope } from '../scope.js'
import type { Outcome } from './outcome.js'

// One attempt of one test: the first run or a retry. Its scope holds the allowances given in it
// (they end with it) and the violations that happened in it, or in work it started (timers,
// promises, child processes, workers: followed through async context).

/** Options of `TestAttempt.end()`. */
export interface EndAttemptOptions {
  /**
   * The errors the runner recorded for this attempt, live or as the runner serialized them.
   * A violation the code under test let through is among them (itself, as a cause, or inside a
   * message) and is not shown again.
   */
  errors?: readonly unknown[]
  /**
   * The test is expected to fail (Vitest's `test.fails`, Jest's `test.failing`): a failure of
   * ours would turn into a pass, so its violations fail the file instead (`TestFile.end()`).
   * A string names the marker in the file's message (`'test.fails'`).
   */
  expectedToFail?: boolean | string
}

/** What a file does for its attempts (implemented by TestFile). */
export interface AttemptOwner {
  endAttempt(attempt: TestAttempt, options: EndAttemptOptions): Outcome
}

/** Each attempt's scope: core's, never the adapter's (not a field, so no adapter can read it). */
const scopes = new WeakMap<TestAttempt, Scope>()

/** @internal the scope of an attempt. */
export function scopeOfAttempt(attempt: TestAttempt): Scope {
  return scopes.get(attempt) as Scope
}

/** One attempt of one test; made by `TestFile.startAttempt()`. */
export class TestAttempt {
  #ended = false
  readonly #engine: Engine
  readonly #owner: AttemptOwner

  /** @internal use TestFile.startAttempt() */
  constructor(
    engine: Engine,
    owner: AttemptOwner,
    scope: Scope,
    /** The test's key in its file (several attempts of one test share it). */
    readonly key: string,
    /** How many attempts of this test came before this one. */
    readonly retry: number,
  ) {
    this.#engine = engine
    this.#owner = owner
    scopes.set(this, scope)
  }

  /** The test's full name, `describe > test`, as records and messages show it. */
  get name(): string {
    return scopeOfAttempt(this).name as string
  }

  get ended(): boolean {
    return this.#ended
  }

  /**
   * Runs `fn` in this attempt's scope: everything it does, and everything it starts (timers,
   * promises, processes), synchronously or not, is this attempt's. Returns what `fn` returns.
   * Wrap the test's function (and its beforeEach/afterEach) with it; concurrent attempts keep
   * their own allowances and blame.
   */
  run<T>(fn: () => T): T {
    return this.#engine.runInScope(scopeOfAttempt(this), fn)
  }

  /**
   * Makes this attempt the scope of code that runs outside any `run()` (a runner that calls
   * hooks from its own loop, after awaiting): until the attempt ends or another attempt or the
   * file is entered. `run()` takes precedence where it applies.
   */
  enter(): void {
    this.#engine.tracker.current = scopeOfAttempt(this)
  }

  /**
   * Ends the attempt: what happens in its work from now on is late (the file's, decided without
   * its allowances). Returns the violations still to show, over every attempt of the test, so a
   * clean retry cannot hide an earlier one. Idempotent in effect: a second call returns the
   * same violations again.
   */
  end(options: EndAttemptOptions = {}): Outcome {
    this.#ended = true
    return this.#owner.endAttempt(this, options)
  }
}
