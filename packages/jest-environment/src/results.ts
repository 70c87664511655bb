import type { AuditRecord } from '@leakgate/core'

// What Jest's own results tell the reporter (pure, unit-tested): the violations carried by the
// failed tests' errors (an enumerable `event` on each LeakgateError survives jest-worker's IPC),
// and whether a failed test or suite accounts for a violation (one that none does happened after
// its file ended: only the run can fail for it, and the summary lists it).

export interface AssertionLike {
  ancestorTitles: readonly string[]
  title: string
  status: string
  failureDetails?: readonly unknown[]
}

export interface FileResultLike {
  testFilePath: string
  testResults: readonly AssertionLike[]
  testExecError?: unknown
}

function isRecord(value: unknown): value is AuditRecord {
  if (value === null || typeof value !== 'object') return false
  const record = value as Partial<AuditRecord>
  return record.v === 1 && typeof record.event === 'string' && typeof record.category === 'string'
}

/** Violations carried by a file's failed tests (`failureDetails[].event`, also through `cause`). */
export function carriedRecords(result: FileResultLike): AuditRecord[] {
  const out: AuditRecord[] = []
  for (const assertion of result.testResults) {
    for (const detail of assertion.failureDetails ?? []) {
      let error: unknown = detail
      for (let depth = 0; depth < 4 && error !== null && typeof error === 'object'; depth++) {
        const event = (error as { event?: unknown }).event
        if (isRecord(event)) out.push(event)
        error = (error as { cause?: unknown }).cause
      }
    }
  }
  return out
}

/** Jest's full name of a test, as leakgate names it: `describe > test`. */
export function assertionName(assertion: AssertionLike): string {
  return [...assertion.ancestorTitles, assertion.title].join(' > ')
}

/**
 * Did Jest fail something for this violation? A test-phase violation: its test failed; a
 * file-level one: its file failed to run. The others happened after their file ended (or in a
 * file Jest has no result for): only the run can fail for them.
 */
export function shownInResults(
  record: Pick<AuditRecord, 'scope'>,
  results: ReadonlyMap<string, FileResultLike>,
): boolean {
  const file = record.scope.file
  const result = file === undefined ? undefined : results.get(file)
  if (!result) return false
  if (record.scope.phase === 'test' && record.scope.test !== undefined) {
    const test = record.scope.test
    return result.testResults.some((a) => a.status === 'failed' && assertionName(a) === test)
  }
  return Boolean(result.testExecError)
}
