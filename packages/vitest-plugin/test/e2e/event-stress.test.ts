import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  expectedStressCounts,
  STRESS_FILES,
  STRESS_TESTS,
  stressCounts,
} from '../../../core/test/support/event-stress.js'
import { cleanup, limited, type RunResult, runFixture, smoke } from './harness.js'

// fixtures/event-stress: no event lost under load (issue 10.6), with the real Vitest CLI. Six
// files run in parallel workers, each test compiling templates (allowed), compiling code of its
// own (the same code three times within a millisecond too), spawning, compiling late, in a
// worker thread and in a child Node process; the pools (threads, forks, vmThreads) run two at a
// time to load the machine. Every event is counted: the report's counts must be exactly what the
// tests did. Identical events in the same millisecond were one occurrence to the reporter (and an
// allowed event's repeat count was dropped as a duplicate of its first line): they were lost.

const POOLS = smoke ? ['threads'] : ['threads', 'forks', 'vmThreads']

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
    expect(run.json?.numPassedTests, run.output.slice(-3000)).toBe(STRESS_FILES * STRESS_TESTS)
    expect(stressCounts(run.report)).toEqual(expectedStressCounts())
  })
})
