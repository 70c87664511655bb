import type { AuditRecord } from '@leakgate/core'

/** Identity of a record across copies (a record read back from a sink file is a new object). */
export function recordIdentity(record: AuditRecord): string {
  // Unique per record line (identical events in the same millisecond are still two).
  if (record.id) return record.id
  const site = record.callSite ? `${record.callSite.file}:${record.callSite.line}:${record.callSite.column}` : ''
  return [record.pid, record.threadId, record.time, record.event, record.target, record.scope.test ?? '', site].join(
    '\u0000',
  )
}
