import type { Engine } from '../engine.js'
import { LeakgateError, type LeakgateErrorCode } from '../errors.js'
import type { AuditRecord } from '../events.js'
import { MAX_LISTED_VIOLATIONS } from '../limits.js'
import { formatRecordedViolation, moreViolationsLine } from '../message.js'

const path = process.getBuiltinModule('node:path')

// The errors a session hands back: the one a violation threw (or would have thrown) at its call
// site, rebuilt for a violation that exists only as a record (a child process or worker thread
// the test started recorded it), and one error that stands for several violations.

const rebuilt = new WeakMap<AuditRecord, LeakgateError>()

function site(record: AuditRecord): string {
  const at = record.callSite
  return at ? ` at ${at.file}:${at.line}:${at.column}` : ''
}

/** Sets `stack` to `text` (an own data property, not enumerable: runners print enumerable ones). */
export function setStack(error: Error, text: string): void {
  Object.defineProperty(error, 'stack', { value: text, writable: true, configurable: true })
}

/**
 * The LeakgateError of a recorded violation: the one the engine threw (or would have thrown) at
 * the call site, or, for a record read back from a child's or worker's sink file, one rebuilt
 * from the record whose stack's top frame is the call site (runners draw their code frame there).
 */
export function errorOfRecord(engine: Engine, record: AuditRecord): LeakgateError {
  const known = engine.errorFor(record) ?? rebuilt.get(record)
  if (known) return known
  const message = formatRecordedViolation(record)
  const error = new LeakgateError((record.code ?? 'LEAKGATE_NET_BLOCKED') as LeakgateErrorCode, message, record)
  const at = record.callSite
  const frame = at ? `\n    at ${path.resolve(engine.policy.root, at.file)}:${at.line}:${at.column}` : ''
  setStack(error, `LeakgateError: ${message}${frame}`)
  rebuilt.set(record, error)
  return error
}

const FRAME = /^\s+at /

/**
 * One LeakgateError standing for `records` (at least one): the first violation in full, then one
 * line per other, capped at MAX_LISTED_VIOLATIONS with a line that counts the rest (`dropped`
 * counts violations beyond `records`). Its stack is the first violation's, so the runner's code
 * frame shows the offending line even when the code under test swallowed the original error.
 * `code` and the other fields are not enumerable (runners print enumerable fields under the
 * message); the records are on the outcome that returned it.
 */
export function combineViolations(
  engine: Engine,
  records: readonly AuditRecord[],
  options: { note?: string; dropped?: number } = {},
): LeakgateError {
  const [first, ...rest] = records as [AuditRecord, ...AuditRecord[]]
  const head = errorOfRecord(engine, first)
  let message = head.message
  const more = rest.length + (options.dropped ?? 0)
  if (more > 0) {
    const listed = rest.slice(0, MAX_LISTED_VIOLATIONS - 1)
    const others = listed.map((record) => `    ${record.message}${site(record)}`)
    if (more > listed.length) others.push(`    ${moreViolationsLine(more - listed.length)}`)
    message += `\n\n  and ${more.toLocaleString('en-US')} more violation${more === 1 ? '' : 's'}:\n${others.join('\n')}`
  }
  if (options.note) message += `\n\n  ${options.note}`
  const error = new LeakgateError(head.code, message)
  Object.defineProperty(error, 'code', { value: head.code, enumerable: false, configurable: true })
  const frames = (head.stack ?? '').split('\n').filter((line) => FRAME.test(line))
  setStack(error, `LeakgateError: ${message}\n${frames.join('\n')}`)
  return error
}

/**
 * The error for the violations after the first `shownInFull` (runners that print each error in
 * full, with a code frame, show a few so): `rest` of them, the first few listed on a line each.
 * `frame` (a stack line, the test's declaration when known) keeps runners that cut a frameless
 * message to its first line from doing so.
 */
export function moreViolationsError(
  listed: readonly LeakgateError[],
  rest: number,
  where: 'in this test' | 'in this file',
  frame: string | undefined,
  shownInFull: number,
): LeakgateError {
  const lines = listed.slice(0, MAX_LISTED_VIOLATIONS - shownInFull).map((error) => {
    const at = error.event?.callSite
    return `    ${error.shortMessage}${at ? ` at ${at.file}:${at.line}:${at.column}` : ''}`
  })
  const unlisted = rest - lines.length
  if (unlisted > 0) lines.push(`    ${moreViolationsLine(unlisted)}`)
  const what = rest === 1 ? 'violation' : 'violations'
  const message = `${rest.toLocaleString('en-US')} more ${what} ${where} than shown above\n${lines.join('\n')}`
  const error = new LeakgateError(listed[0]?.code ?? 'LEAKGATE_NET_BLOCKED', message)
  setStack(error, `LeakgateError: ${message}${frame ? `\n${frame}` : ''}`)
  return error
}
