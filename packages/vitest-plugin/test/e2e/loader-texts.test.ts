import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './expected.js'
import { cleanup, limited, type RunResult, runFixture, smoke } from './harness.js'

// fixtures/loader-texts: a module every test file loads, which Vitest's module runner compiles
// again for each file (issue 15: from the second time on it is trusted by its text, without a
// stack), and code a test compiles under that module's name or its own, which stays the test's
// eval, against its expected.json, in a process pool and a vm pool (one worker holds every file).

const POOLS = smoke ? ['forks'] : ['forks', 'vmThreads']

describe('fixtures/loader-texts (enforce mode)', () => {
  const expected = readExpected('loader-texts')
  let runs: RunResult[] = []
  beforeAll(async () => {
    runs = await limited(
      2,
      POOLS.map((pool) => () => runFixture('loader-texts', { args: [`--pool=${pool}`, '--maxWorkers=1'] })),
    )
  })
  afterAll(() => runs.forEach(cleanup))

  test.each(POOLS.map((pool, index) => [pool, index] as const))('%s: meets expected.json', (_, index) => {
    const run = runs[index] as RunResult
    expect(checkExpected(run, expected), run.output.slice(-3000)).toEqual([])
    expect(run.code, run.output.slice(-3000)).toBe(1)
  })
})
