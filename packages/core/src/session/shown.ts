import { LeakgateError } from '../errors.js'
import type { AuditRecord } from '../events.js'
import { retellViolation } from '../message.js'

// What a runner already shows: the errors a test failed with, live (Jest's `test.errors`) or as
// the runner serialized them (Vitest's `task.result.errors`), their causes and the errors they
// aggregate. A violation the code under test let through is shown already, itself or as the
// cause of the error it caused (fetch's `TypeError: fetch failed`), or inside the message of
// one (a library that keeps the reason: "The service was stopped: …").

/** An error's chain: itself, its causes, the errors it aggregates (each once, at most 32). */
export function* errorChain(error: unknown, seen = new Set<unknown>()): Generator<object> {
  if (error === null || typeof error !== 'object' || seen.has(error) || seen.size > 32) return
  seen.add(error)
  yield error
  const { cause, errors } = error as { cause?: unknown; errors?: unknown }
  yield* errorChain(cause, seen)
  if (Array.isArray(errors)) for (const inner of errors) yield* errorChain(inner, seen)
}

/** The record a (possibly serialized) LeakgateError carries. */
function eventOf(error: object): AuditRecord | undefined {
  const event = (error as { event?: unknown }).event
  return event !== null && typeof event === 'object' ? (event as AuditRecord) : undefined
}

/**
 * Is `violation` (the error of `record`) shown by one of `errors`: the very error, a copy of it
 * (the same record id), or an error whose message carries its message?
 */
export function isShown(errors: readonly unknown[], record: AuditRecord, violation: LeakgateError): boolean {
  for (const error of errors) {
    for (const inner of errorChain(error)) {
      if (inner === violation) return true
      const event = eventOf(inner)
      if (event && (event === record || (record.id !== undefined && event.id === record.id))) return true
      const text = (inner as { message?: unknown }).message
      if (typeof text === 'string' && text.includes(violation.message)) return true
    }
  }
  return false
}

/** Fields a runner copied from a LeakgateError besides its message and stack (all in the message). */
const COPIED_FIELDS = ['code', 'shortMessage', 'event']

function isLeak(error: unknown): error is object {
  if (error === null || typeof error !== 'object') return false
  return LeakgateError.is(error) || String((error as { name?: unknown }).name).endsWith('LeakgateError')
}

/**
 * The error to show for one whose cause is a LeakgateError (fetch's `TypeError: fetch failed`):
 * the LeakgateError on top, the code's error chained as its cause. One failure that names the
 * leak first, also in reporters that drop causes. Built anew (the code's error keeps its own
 * cause, so the two cannot simply swap: a cycle). A live LeakgateError keeps its prototype and
 * fields; a serialized copy loses the fields its message already says. Undefined when `thrown`
 * is not such an error.
 */
export function leakFirst(thrown: unknown): object | undefined {
  if (thrown === null || typeof thrown !== 'object' || isLeak(thrown)) return undefined
  const cause = (thrown as { cause?: unknown }).cause
  if (!isLeak(cause)) return undefined
  const original = thrown as { message?: unknown; name?: unknown; stack?: unknown }
  if (LeakgateError.is(cause)) {
    const top = Object.create(Object.getPrototypeOf(cause) as object) as Error
    for (const key of Reflect.ownKeys(cause)) {
      Object.defineProperty(top, key, Object.getOwnPropertyDescriptor(cause, key) as PropertyDescriptor)
    }
    const shown = new Error(String(original.message))
    Object.defineProperty(shown, 'name', { value: original.name, configurable: true, writable: true })
    Object.defineProperty(shown, 'stack', { value: original.stack, configurable: true, writable: true })
    Object.defineProperty(top, 'cause', { value: shown, configurable: true, writable: true, enumerable: false })
    return top
  }
  const top: Record<string, unknown> = { ...(cause as Record<string, unknown>) }
  for (const field of COPIED_FIELDS) delete top[field]
  const shown: Record<string, unknown> = { ...(thrown as Record<string, unknown>) }
  delete shown.cause
  top.cause = shown
  return top
}

/**
 * `thrown` with the text of an earlier test's violation retold (a library kept its message:
 * esbuild's service, refused when that test started it, fails every later call with "The
 * service is no longer running: …"): its "To allow it in this test" names that test. A copy
 * (same prototype and fields, new message and stack; its cause retold the same way); undefined
 * when neither it nor its causes carry one.
 */
export function retold(thrown: unknown, earlier: ReadonlyMap<string, AuditRecord>, depth = 0): object | undefined {
  if (thrown === null || typeof thrown !== 'object' || depth > 8) return undefined
  const original = thrown as { message?: unknown; stack?: unknown; cause?: unknown }
  let message = original.message
  let stack = original.stack
  if (typeof original.message === 'string') {
    let text: string = original.message
    for (const [kept, record] of earlier) {
      if (!text.includes(kept)) continue
      text = retellViolation(text, kept, record.scope)
      if (typeof stack === 'string') stack = retellViolation(stack, kept, record.scope)
    }
    message = text
  }
  const cause = retold(original.cause, earlier, depth + 1)
  if (message === original.message && cause === undefined) return undefined
  const copy = Object.create(Object.getPrototypeOf(thrown) as object) as object
  for (const key of Reflect.ownKeys(thrown)) {
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(thrown, key) as PropertyDescriptor)
  }
  const define = (key: string, value: unknown) => {
    const own = Object.getOwnPropertyDescriptor(thrown, key)
    Object.defineProperty(copy, key, {
      value,
      writable: true,
      configurable: true,
      enumerable: own?.enumerable ?? false,
    })
  }
  if (message !== original.message) {
    define('message', message)
    if (typeof stack === 'string') define('stack', stack)
  }
  if (cause !== undefined) define('cause', cause)
  return copy
}
