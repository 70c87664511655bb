import { type AuditRecord, recordKey } from '@leakgate/core'

// The reporter's two sources of records: the workers' JSONL sink (everything: allowed events,
// violations of crashed workers, work after a file ended) and `task.meta` (the violations that
// failed a test or a file; the only source after `--merge-reports`).

/**
 * Identity of one occurrence: the same record read from the sink and from meta. Its id when it
 * has one: two identical events in the same millisecond (a template compiled twice, the repeats
 * line of an allowed event) are two occurrences, never one.
 */
export function occurrenceKey(record: AuditRecord): string {
  if (record.id) return record.id
  return `${record.pid}\u0000${record.threadId}\u0000${record.time}\u0000${recordKey(record)}`
}

/** The union of both sources, each occurrence once. */
export function mergeRecords(sink: readonly AuditRecord[], meta: readonly AuditRecord[]): AuditRecord[] {
  const seen = new Set<string>()
  const out: AuditRecord[] = []
  for (const record of [...sink, ...meta]) {
    const key = occurrenceKey(record)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(record)
  }
  return out
}

/** The test (or file) a record belongs to: `file\0test`. */
export function scopeKey(record: AuditRecord): string {
  return `${record.scope.file ?? ''}\u0000${record.scope.test ?? ''}`
}

/**
 * Violations in `all` that failed nothing (not in any test's or file's meta). `capped` are the
 * scope keys of tasks whose meta carried only the first of their violations: the others of those
 * scopes failed that task too.
 */
export function unaccounted(
  all: readonly AuditRecord[],
  meta: readonly AuditRecord[],
  capped: readonly string[] = [],
): AuditRecord[] {
  const failed = new Set(meta.map(occurrenceKey))
  const cappedScopes = new Set(capped)
  return all.filter(
    (record) => !record.decision.allowed && !failed.has(occurrenceKey(record)) && !cappedScopes.has(scopeKey(record)),
  )
}

/**
 * Import-time violations that failed their file as its own error (thrown while it was imported,
 * so no hook ran to carry them in meta). `errors` maps a file (relative to the root) to the
 * messages of its errors.
 */
export function shownAtImport(
  all: readonly AuditRecord[],
  errors: ReadonlyMap<string, readonly string[]>,
): AuditRecord[] {
  return all.filter((record) => {
    if (record.decision.allowed || record.scope.phase !== 'import' || !record.scope.file) return false
    return (errors.get(record.scope.file) ?? []).some((message) => message.includes(record.message))
  })
}
