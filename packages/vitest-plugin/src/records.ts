import { type AuditRecord, recordKey } from '@leakgate/core'

// The reporter's two sources of records: the workers' JSONL sink (everything: allowed events,
// violations of crashed workers, work after a file ended) and `task.meta` (the violations that
// failed a test or a file; the only source after `--merge-reports`).

/** Identity of one occurrence: the same record read from the sink and from meta. */
export function occurrenceKey(record: AuditRecord): string {
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

/** Violations in `all` that failed nothing (not in any test's or file's meta). */
export function unaccounted(all: readonly AuditRecord[], meta: readonly AuditRecord[]): AuditRecord[] {
  const failed = new Set(meta.map(occurrenceKey))
  return all.filter((record) => !record.decision.allowed && !failed.has(occurrenceKey(record)))
}
