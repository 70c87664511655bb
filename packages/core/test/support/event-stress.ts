import type { LeakgateReport } from '@leakgate/core/report'

// fixtures/event-stress: no event lost under load (issue 10.6). Six files, five tests each; each
// test compiles templates (allowed), compiles code of its own (the same code three times within a
// millisecond too), spawns, compiles late, in a worker thread and in a child Node process. Every
// adapter's event-stress e2e runs it in report mode and compares `stressCounts(report)` with
// `expectedStressCounts()`: the report's counts must be exactly what the tests did.

export const STRESS_FILES = 6
export const STRESS_TESTS = 5
const TEMPLATES = 10
const SAME_CODE = 3
const WORKER_COMPILES = 4
const CHILD_COMPILES = 3

/** What the tests did, summed by file, test, phase, event, decision and origin. */
export function expectedStressCounts(): Record<string, number> {
  const out: Record<string, number> = {}
  const add = (key: string, count: number) => {
    out[key] = (out[key] ?? 0) + count
  }
  for (let f = 1; f <= STRESS_FILES; f++) {
    const file = `tests/stress-${f}.test.js`
    for (let n = 1; n <= STRESS_TESTS; n++) {
      const at = `${file} | stress ${n}`
      add(`${at} | test | AsyncFunction | allowed | `, TEMPLATES)
      add(`${at} | test | Function | allowed | `, TEMPLATES)
      add(`${at} | test | AsyncFunction | violation | `, 1 + SAME_CODE)
      add(`${at} | test | child_process.spawnSync | allowed | `, n === 4 ? 2 : 1)
      add(`${at} | test | child_process.spawnSync | violation | `, 1)
      if (n === 1) add(`${at} | late | AsyncFunction | violation | `, 1)
      if (n === 3) add(`${at} | test | AsyncFunction | allowed | worker`, WORKER_COMPILES)
      if (n === 4) add(`${at} | test | AsyncFunction | allowed | child`, CHILD_COMPILES)
    }
  }
  return out
}

/** The report's events summed the same way, each by its count. */
export function stressCounts(report: LeakgateReport | undefined): Record<string, number> {
  const out: Record<string, number> = {}
  for (const e of report?.events ?? []) {
    const key = [
      e.scope.file,
      e.scope.test ?? '',
      e.scope.phase,
      e.event,
      e.decision.allowed ? 'allowed' : 'violation',
      e.origin ?? '',
    ].join(' | ')
    out[key] = (out[key] ?? 0) + e.count
  }
  return out
}
