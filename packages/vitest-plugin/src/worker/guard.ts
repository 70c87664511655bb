import type { AuditRecord, Category, Scope } from '@leakgate/core'
import type { CoreModule, Engine } from './engine.js'
import { errorChain, tidyErrors, violationsError } from './failure.js'
import { addDropped, droppedTotal, fullName, markAudited, setMeta, type TaskLike } from './tasks.js'

// One test file's guard: the file scope, a scope per test attempt, and the decisions of what
// fails. The hooks (hooks.ts) only say when things start and end.
//
// - A test fails for the violations of every attempt, so a clean retry cannot hide one.
// - A `test.fails` test would turn our failure into a pass: its violations fail the file.
// - The file fails for what happened outside its tests: import time, beforeAll/afterAll, and
//   late work (a timer that fires after its test ended is blamed on that test, in the file).

interface Attempt {
  scope: Scope
  /** How many errors the test had when the attempt started (Vitest keeps them across retries). */
  errorsBefore: number
}

export class FileGuard {
  private readonly attempts = new Map<string, Attempt[]>()
  /** Violations of `test.fails` tests, reported with the file. */
  private readonly deferred: AuditRecord[] = []
  private finished = false
  /** Violations of the file's tests so far: a later test may fail with one's message. */
  private readonly earlier = new Set<AuditRecord>()

  constructor(
    /** Core as the worker loaded it (never through Vite: see engine.ts). */
    private readonly core: CoreModule,
    readonly engine: Engine,
    readonly fileScope: Scope,
    /** Set in the vm pools: the context dies with the file; let go of it (untame, stack formatter). */
    private readonly untame?: () => void,
  ) {}

  get enforcing(): boolean {
    return this.engine.mode === 'enforce'
  }

  /** Leaves the import phase: what runs outside a test from now on is a hook. */
  startHooks(): void {
    if (this.fileScope.phase === 'import') this.fileScope.phase = 'hook'
  }

  /** A new attempt of `test` (the first, or a retry): a fresh scope, so allowances restart. */
  startTest(test: TaskLike): Scope {
    const scope = this.engine.createTestScope(fullName(test), this.fileScope)
    const list = this.attempts.get(test.id) ?? []
    list.push({ scope, errorsBefore: test.result?.errors?.length ?? 0 })
    this.attempts.set(test.id, list)
    return scope
  }

  /** The scope of the attempt running now. */
  currentScope(test: TaskLike): Scope | undefined {
    return this.attempts.get(test.id)?.at(-1)?.scope
  }

  /** Ends the attempt; returns the error that must fail it, if any. */
  finishTest(test: TaskLike, scope: Scope): Error | undefined {
    this.engine.endScope(scope)
    if (this.engine.tracker.current === scope) this.engine.tracker.current = this.fileScope
    const attempts = this.attempts.get(test.id) ?? []
    const all: AuditRecord[] = []
    const dropped: Record<Category, number> = { net: 0, exec: 0, eval: 0, tamper: 0 }
    for (const attempt of attempts) {
      const tally = this.engine.violationTally(attempt.scope)
      all.push(...tally.records)
      addDropped(dropped, tally.dropped)
    }
    setMeta(test, all, dropped)
    const current = attempts.at(-1)
    const from = current?.errorsBefore ?? 0
    const errors = (test.result?.errors ?? []).slice(from)
    tidyErrors(this.core, errors, this.engine.filter.internalDirs)
    if (test.result?.errors) test.result.errors.splice(from, errors.length, ...errors)
    for (const record of all) this.earlier.add(record)
    this.retell(errors, fullName(test))
    if (!this.enforcing || all.length === 0) return undefined
    if (test.fails) {
      for (const record of this.engine.violationsOf(scope)) this.deferred.push(record)
      return undefined
    }
    // A violation thrown in this attempt and not swallowed already failed it with this message:
    // itself, as the cause of the error the code under test let through (fetch's TypeError), or
    // inside the message of one (a library that keeps the reason: "The service was stopped: …").
    const shown: string[] = []
    for (const error of errors) for (const inner of errorChain(error)) shown.push(String(inner.message))
    const fresh = all.filter((record) => {
      const error = this.engine.errorFor(record)
      return !(
        error &&
        current?.scope.violations.includes(record) &&
        shown.some((message) => message.includes(error.message))
      )
    })
    return fresh.length > 0 ? violationsError(this.engine, fresh, undefined, droppedTotal(dropped)) : undefined
  }

  /**
   * An error of this test that carries the message of an earlier test's violation (a library
   * kept it: esbuild's service, refused when that test started it, fails every later call with
   * "The service is no longer running: …"): its "To allow it in this test" names that test.
   */
  private retell(errors: readonly unknown[], name: string): void {
    for (const error of errors) {
      for (const inner of errorChain(error)) {
        const copy = inner as { message?: unknown; stack?: unknown }
        for (const record of this.earlier) {
          const text = copy.message
          const message = record.scope.test === name ? undefined : this.engine.errorFor(record)?.message
          if (typeof text !== 'string' || !message || !text.includes(message)) continue
          copy.message = this.core.retellViolation(text, message, record.scope)
          if (typeof copy.stack === 'string') copy.stack = this.core.retellViolation(copy.stack, message, record.scope)
        }
      }
    }
  }

  /** Ends the file; returns the error that must fail it, if any. Idempotent. */
  finishFile(file: TaskLike): Error | undefined {
    if (this.finished) return undefined
    this.finished = true
    this.engine.endScope(this.fileScope)
    if (this.engine.tracker.current === this.fileScope) this.engine.tracker.current = undefined
    this.untame?.()
    const { records: own, dropped } = this.engine.violationTally(this.fileScope)
    setMeta(file, [...own, ...this.deferred], dropped)
    markAudited(file)
    if (!this.enforcing) return undefined
    if (own.length > 0) {
      const note =
        this.deferred.length > 0
          ? `A test marked test.fails also leaked (${this.deferred.length} violation(s)): see the report.`
          : undefined
      return violationsError(this.engine, own, note, droppedTotal(dropped))
    }
    if (this.deferred.length > 0) {
      return violationsError(
        this.engine,
        this.deferred,
        'This test is marked test.fails, which would turn its failure into a pass, so the violation fails its file.',
      )
    }
    return undefined
  }
}
