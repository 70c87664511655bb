import { describe, expect, test } from 'vitest'
import {
  expectedStressCounts,
  STRESS_FILES,
  STRESS_TESTS,
  stressCounts,
} from '../../../core/test/support/event-stress.js'
import { describeRun, runJest } from './support/run-jest.js'

// fixtures/event-stress: no event lost under load (issue 10.6), with the real Jest CLI. Six
// files run in three workers, each test compiling templates (allowed), compiling code of its own
// (the same code three times within a millisecond too), spawning, compiling late, in a worker
// thread and in a child Node process. Every event is counted: the report's counts must be
// exactly what the tests did.

describe('fixtures/event-stress (report mode, parallel workers)', () => {
  test('three workers: every event is in the report', async () => {
    const run = await runJest('event-stress', ['--maxWorkers=3'], { timeout: 240_000 })
    expect(run.code, describeRun(run)).toBe(0)
    expect(run.results?.numPassedTests, describeRun(run)).toBe(STRESS_FILES * STRESS_TESTS)
    expect(stressCounts(run.report)).toEqual(expectedStressCounts())
  }, 300_000)
})
