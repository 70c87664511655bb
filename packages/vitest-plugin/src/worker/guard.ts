import type { TestAttempt, TestFile } from '@leakgate/core/session'
import { fullName, markAudited, setMeta, type TaskLike } from './tasks.js'

// One test file's guard: translates Vitest's tasks into the session's file and attempts, and
// carries what they give back into the tasks (errors, `task.meta` for the reporter). The hooks
// (hooks.ts) only say when things start and end.

export class FileGuard {
  /** How many errors the test had when each attempt started (Vitest keeps them across retries). */
  private readonly errorsBefore = new WeakMap<TestAttempt, number>()

  constructor(
    readonly file: TestFile,
    /** Set in the vm pools: undoes what was lent to the worker's realm for the file. */
    private readonly release?: () => void,
  ) {}

  /** Leaves the import phase: what runs outside a test from now on is a hook. */
  startHooks(): void {
    this.file.startHooks()
  }

  /** A new attempt of `test` (the first, or a retry): a fresh scope, so allowances restart. */
  startTest(test: TaskLike): TestAttempt {
    const attempt = this.file.startAttempt(fullName(test), test.id)
    this.errorsBefore.set(attempt, test.result?.errors?.length ?? 0)
    return attempt
  }

  /** The attempt running now. */
  currentAttempt(test: TaskLike): TestAttempt | undefined {
    return this.file.currentAttempt(test.id)
  }

  /** Ends the attempt; returns the error that must fail it, if any. */
  finishTest(test: TaskLike, attempt: TestAttempt): Error | undefined {
    const from = this.errorsBefore.get(attempt) ?? 0
    const errors = (test.result?.errors ?? []).slice(from)
    const outcome = attempt.end({ errors, expectedToFail: test.fails === true ? 'test.fails' : false })
    if (test.result?.errors) test.result.errors.splice(from, errors.length, ...(outcome.errors as typeof errors))
    setMeta(test, outcome.records, outcome.dropped)
    return outcome.error
  }

  /** Ends the file; returns the error that must fail it, if any. Idempotent. */
  finishFile(task: TaskLike): Error | undefined {
    if (this.file.ended) return undefined
    const outcome = this.file.end()
    this.release?.()
    setMeta(task, outcome.records, outcome.dropped)
    markAudited(task)
    return outcome.error
  }
}
