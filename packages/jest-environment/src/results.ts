import type { AuditRecord } from '@leakgate/core'
import type { ReportEvent } from '@leakgate/core/report'

// What Jest's own results tell the reporter (pure, unit-tested): the violations carried by the
// failed tests' errors (an enumerable `event` on each LeakgateError survives jest-worker's IPC),
// and which violations no failed test or suite accounts for (they happened after their file
// ended: only the reporter can fail the run for them, so it lists them).

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
 * Violations (in enforce mode) that no failure in Jest's results shows: a test-phase violation
 * whose test did not fail, or a file-level one whose file did not fail to run. These are the
 * ones that happened after their file ended.
 */
export function unaccountedViolations(
  events: readonly ReportEvent[],
  results: ReadonlyMap<string, FileResultLike>,
): ReportEvent[] {
  return events.filter((event) => {
    if (event.decision.allowed || event.mode !== 'enforce') return false
    const file = event.scope.file
    const result = file === undefined ? undefined : results.get(file)
    if (!result) return true
    if (event.scope.phase === 'test' && event.scope.test !== undefined) {
      const test = event.scope.test
      return !result.testResults.some((a) => a.status === 'failed' && assertionName(a) === test)
    }
    return !result.testExecError
  })
}
