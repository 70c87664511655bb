import path from 'node:path'
import type { AuditRecord } from '@leakgate/core'
import { type CoreModule, type Engine, loadCore } from './engine.js'
import type { SerializedErrorLike } from './tasks.js'

// The error that fails a test (or a file) for its violations. Its stack is the violation's
// call site, so Vitest's code frame shows the offending line even when the code under test
// swallowed the original error. Several violations make one error: the first in full, then one
// line per other (a hook can throw only one error, and arrays nest badly in Vitest's hook runner).
// The list is capped (MAX_LISTED_VIOLATIONS): a test that swallows ten thousand refusals fails
// with a message of a few lines that counts the rest and names the report.

const FRAME = /^\s+at /

function framesOf(stack: string | undefined): string[] {
  return (stack ?? '').split('\n').filter((line) => FRAME.test(line))
}

function site(record: AuditRecord): string {
  return record.callSite ? ` at ${record.callSite.file}:${record.callSite.line}:${record.callSite.column}` : ''
}

/** The full text of a violation: the thrown error's message, or one rebuilt from the record. */
export function describeViolation(engine: Engine, record: AuditRecord): { message: string; frames: string[] } {
  const error = engine.errorFor(record)
  if (error) return { message: error.message, frames: framesOf(error.stack) }
  // Recorded by a child process or worker thread (read back from its sink file).
  const frames = record.callSite
    ? [
        `    at ${path.resolve(engine.policy.root, record.callSite.file)}:${record.callSite.line}:${record.callSite.column}`,
      ]
    : []
  return { message: loadCore().formatRecordedViolation(record), frames }
}

/**
 * One error standing for these violations (at least one). `note` is appended to the message;
 * `dropped` counts violations beyond `records` (the engine keeps a test's first hundred).
 */
export function violationsError(engine: Engine, records: readonly AuditRecord[], note?: string, dropped = 0): Error {
  const core = loadCore()
  const [first, ...rest] = records as [AuditRecord, ...AuditRecord[]]
  const head = describeViolation(engine, first)
  let message = head.message
  const more = rest.length + dropped
  if (more > 0) {
    const listed = rest.slice(0, core.MAX_LISTED_VIOLATIONS - 1)
    const others = listed.map((record) => `    ${record.message}${site(record)}`)
    if (more > listed.length) others.push(`    ${core.moreViolationsLine(more - listed.length)}`)
    message += `\n\n  and ${more.toLocaleString('en-US')} more violation${more === 1 ? '' : 's'}:\n${others.join('\n')}`
  }
  if (note) message += `\n\n  ${note}`
  const error = new Error(message)
  error.name = 'LeakgateError'
  // Not enumerable: Vitest prints an error's own enumerable properties under the message.
  Object.defineProperty(error, 'code', { value: first.code, enumerable: false })
  Object.defineProperty(error, 'stack', {
    value: `LeakgateError: ${message}\n${head.frames.join('\n')}`,
    writable: true,
    configurable: true,
  })
  return error
}

/** An error as Vitest keeps it (serialized), its causes and the errors it aggregates. */
export function* errorChain(error: unknown, seen = new Set<unknown>()): Generator<SerializedErrorLike> {
  if (error === null || typeof error !== 'object' || seen.has(error) || seen.size > 32) return
  seen.add(error)
  yield error as SerializedErrorLike
  const { cause, errors } = error as { cause?: unknown; errors?: unknown }
  yield* errorChain(cause, seen)
  if (Array.isArray(errors)) for (const inner of errors) yield* errorChain(inner, seen)
}

/** What Vitest copied from a LeakgateError besides its message and stack (all in the message). */
const COPIED_FIELDS = ['code', 'shortMessage', 'event']

/**
 * Readies a test's errors (Vitest's serialized copies) for printing: leakgate's frames hidden,
 * and an error whose cause is a LeakgateError (fetch's `TypeError: fetch failed`) shown as the
 * LeakgateError caused by it: one failure that names the leak first, also in reporters that
 * drop causes (the JSON reporter). The fields Vitest copied from ours (code, event…) go: its
 * message says all of it, and Vitest would dump them under a cause as "Serialized Error".
 */
export function tidyErrors(core: CoreModule, errors: unknown[], ownDirs: readonly string[]): void {
  for (let index = 0; index < errors.length; index++) {
    const error = errors[index]
    core.hideOwnFrames(error, ownDirs)
    if (error === null || typeof error !== 'object') continue
    const outer = error as Record<string, unknown>
    const cause = outer.cause as Record<string, unknown> | undefined
    if (!cause || typeof cause !== 'object' || !String(cause.name).endsWith('LeakgateError')) continue
    const top: Record<string, unknown> = { ...cause }
    for (const field of COPIED_FIELDS) delete top[field]
    const shown: Record<string, unknown> = { ...outer }
    delete shown.cause
    top.cause = shown
    errors[index] = top
  }
}
