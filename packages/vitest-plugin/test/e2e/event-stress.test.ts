import type { LeakgateReport } from '@leakgate/core/report'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cleanup, limited, type RunResult, runFixture, smoke } from './harness.js'

// fixtures/event-stress: no event lost under load (issue 10.6), with the real Vitest CLI. Six
// files run in parallel workers, each test compiling templates (allowed), compiling code of its
// own (the same code three times within a millisecond too), spawning, compiling late, in a
// worker thread and in a child Node process; the pools (threads, forks, vmThreads) run two at a
// time to load the machine. Every event is counted: the report's counts must be exactly what the
// tests did. Identical events in the same millisecond were one occurrence to the reporter (and an
// allowed event's repeat count was dropped as a duplicate of its first line): they were lost.

const FILES = 6
const TESTS = 5
const TEMPLATES = 10
const SAME_CODE = 3
const WORKER_COMPILES = 4
const CHILD_COMPILES = 3
const POOLS = smoke ? ['threads'] : ['threads', 'forks', 'vmThreads']

/** What the tests did, summed by file, test, phase, event, decision and origin. */
function expectedCounts(): Record<string, number> {
  const out: Record<string, number> = {}
  const add = (key: string, count: number) => {
    out[key] = (out[key] ?? 0) + count
  }
  for (let f = 1; f <= FILES; f++) {
    const file = `tests/stress-${f}.test.js`
    for (let n = 1; n <= TESTS; n++) {
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

function countsOf(report: LeakgateReport | undefined): Record<string, number> {
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

describe('fixtures/event-stress (report mode, parallel workers)', () => {
  let runs: RunResult[] = []
  beforeAll(async () => {
    runs = await limited(
      2,
      POOLS.map(
        (pool) => () => runFixture('event-stress', { args: [`--pool=${pool}`, '--maxWorkers=3'], timeout: 240_000 }),
      ),
    )
  }, 300_000)
  afterAll(() => runs.forEach(cleanup))

  test.each(POOLS.map((pool, index) => [pool, index] as const))('%s: every event is in the report', (_, index) => {
    const run = runs[index] as RunResult
    expect(run.code, run.output.slice(-3000)).toBe(0)
    expect(run.json?.numPassedTests, run.output.slice(-3000)).toBe(FILES * TESTS)
    expect(countsOf(run.report)).toEqual(expectedCounts())
  })
})
