import type { AuditRecord } from '@leakgate/core'

/** A violation record, as the engine writes them; override what a test cares about. */
export function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    v: 1,
    category: 'exec',
    event: 'child_process.execSync',
    target: 'echo hi',
    scope: { phase: 'test', file: 'tests/a.test.js', test: 'a' },
    callSite: { file: 'tests/a.test.js', line: 3, column: 5 },
    decision: { allowed: false, reason: 'no-rule' },
    mode: 'enforce',
    blocked: true,
    code: 'LEAKGATE_EXEC_BLOCKED',
    message: 'blocked child_process.execSync of "echo hi" (LEAKGATE_EXEC_BLOCKED)',
    count: 1,
    pid: 100,
    threadId: 1,
    time: 1_000,
    ...overrides,
  }
}
