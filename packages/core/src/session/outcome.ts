import type { LeakgateError } from '../errors.js'
import type { AuditRecord, Category } from '../events.js'

/** Violations per category beyond those kept (a scope keeps its first MAX_EVENTS_PER_TEST). */
export type Dropped = Record<Category, number>

/** What ending a test attempt or a file gives back to the adapter. */
export interface Outcome {
  /**
   * The error that must fail the test (or the file), or undefined: one branded LeakgateError
   * standing for every violation not already shown (the first in full, the others a line each,
   * capped), with the first violation's call site as its stack. Only in enforce mode.
   */
  error: LeakgateError | undefined
  /**
   * Each violation still to show, as its own LeakgateError (the very error thrown at the call
   * site, or one rebuilt for a child's or worker's record), for runners that print several
   * errors in full: `error` stands for all of them.
   */
  unshown: LeakgateError[]
  /**
   * Every violation of the test (every attempt, the child processes and workers it started)
   * or of the file, up to the cap, in order: what the adapter hands to its reporter.
   */
  records: AuditRecord[]
  /** Violations beyond `records`, per category (the sink has every one). */
  dropped: Dropped
  /**
   * The errors the adapter passed in (`errors`), ready to show, same order and length: an error
   * whose cause is a LeakgateError (fetch's `TypeError: fetch failed`) replaced by that
   * LeakgateError with the code's error chained as its cause; an error that carries the message
   * of an earlier test's violation retold to name that test; leakgate's own frames hidden.
   * Entries that needed no change are the very objects passed in.
   */
  errors: unknown[]
}

export function noDropped(): Dropped {
  return { net: 0, exec: 0, eval: 0, tamper: 0 }
}

export function addDropped(into: Dropped, from: Readonly<Dropped>): void {
  into.net += from.net
  into.exec += from.exec
  into.eval += from.eval
  into.tamper += from.tamper
}

export function droppedTotal(dropped: Readonly<Dropped>): number {
  return dropped.net + dropped.exec + dropped.eval + dropped.tamper
}
