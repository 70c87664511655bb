import path from 'node:path'
import {
  type AuditRecord,
  type Engine,
  formatRecordedViolation,
  LeakgateError,
  type LeakgateErrorCode,
} from '@leakgate/core'

// The error that fails a test or a suite for a recorded violation. Usually it is the very error
// the engine threw (or would have thrown) at the call site; a violation recorded by a child
// process or worker the test started only exists as a record here, so its error is rebuilt.

const rebuilt = new WeakMap<AuditRecord, LeakgateError>()

/** The LeakgateError for `record`, with a stack whose top frame is the call site (Jest's code frame). */
export function errorForRecord(engine: Engine, record: AuditRecord): LeakgateError {
  const known = engine.errorFor(record) ?? rebuilt.get(record)
  if (known) return known
  const message = formatRecordedViolation(record)
  const error = new LeakgateError((record.code ?? 'LEAKGATE_NET_BLOCKED') as LeakgateErrorCode, message, record)
  const site = record.callSite
  const frame = site ? `\n    at ${path.resolve(engine.policy.root, site.file)}:${site.line}:${site.column}` : ''
  Object.defineProperty(error, 'stack', {
    value: `LeakgateError: ${message}${frame}`,
    writable: true,
    configurable: true,
  })
  rebuilt.set(record, error)
  return error
}

/** Identity of a record across copies (a record read back from a sink file is a new object). */
export function recordIdentity(record: AuditRecord): string {
  // Unique per record line (identical events in the same millisecond are still two).
  if (record.id) return record.id
  const site = record.callSite ? `${record.callSite.file}:${record.callSite.line}:${record.callSite.column}` : ''
  return [record.pid, record.threadId, record.time, record.event, record.target, record.scope.test ?? '', site].join(
    '\u0000',
  )
}
