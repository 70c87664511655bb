import type { AuditRecord, LeakgateError } from '@leakgate/core'

// How the reporter (Jest's main process) and the environments (its workers, or the same process
// in band) meet: the reporter creates a sink directory for the run and exports it in the
// environment before Jest starts its workers, which inherit it. Core's engine appends every
// event there (LEAKGATE_SINK_DIR); the reporter reads it back when the run completes.

export const SINK_ENV = 'LEAKGATE_SINK_DIR'
/** Set by the reporter: someone will read the sink and fail the run for late violations. */
export const REPORTER_ENV = 'LEAKGATE_JEST_REPORTER'

export function isLeakgateReporterActive(): boolean {
  return process.env[REPORTER_ENV] === '1'
}

/**
 * A violation after its test file ended can fail nothing. With the reporter, it is in the sink
 * and fails the run; without it, say so on stderr, the only place left.
 */
export function noteOrphan(record: AuditRecord, error: LeakgateError): void {
  if (isLeakgateReporterActive() || record.mode === 'off') return
  const where = record.scope.file ? ` (from ${record.scope.file})` : ''
  process.stderr.write(
    `\nleakgate: a violation after its test file ended${where}; nothing is left to fail.\n` +
      `Add '@leakgate/jest-environment/reporter' to "reporters" to fail the run for it.\n\n${error.message}\n\n`,
  )
}
