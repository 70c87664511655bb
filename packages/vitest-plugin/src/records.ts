import type { AuditRecord } from '@leakgate/core'

// What Vitest's own results say of a record: the test (or file) it belongs to, and whether the
// file's own error (thrown while it was imported) showed it.

/** The test (or file) a record belongs to: `file\0test`. */
export function scopeKey(record: AuditRecord): string {
  return `${record.scope.file ?? ''}\u0000${record.scope.test ?? ''}`
}

/**
 * An import-time violation that failed its file as its own error (thrown while it was imported,
 * so no hook ran to carry it in meta). `errors` maps a file (relative to the root) to the
 * messages of its errors.
 */
export function shownAtImport(record: AuditRecord, errors: ReadonlyMap<string, readonly string[]>): boolean {
  if (record.decision.allowed || record.scope.phase !== 'import' || !record.scope.file) return false
  return (errors.get(record.scope.file) ?? []).some((message) => message.includes(record.message))
}
