import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './expected.js'
import { cleanup, limited, type RunResult, runFixture, smoke } from './harness.js'

// fixtures/wrappers: Vitest's mocks, spies and runner forwarding the test's code to `Function`
// and `eval` (issue 12.4), against its expected.json, in a process pool and a vm pool (where the
// test realm is the context's own). Fails without trust by operation: every wrapped call ran as
// Vitest's own code generation.

const POOLS = smoke ? ['forks'] : ['forks', 'vmThreads']

describe('fixtures/wrappers (enforce mode)', () => {
  const expected = readExpected('wrappers')
  let runs: RunResult[] = []
  beforeAll(async () => {
    runs = await limited(
      2,
      POOLS.map((pool) => () => runFixture('wrappers', { args: [`--pool=${pool}`] })),
    )
  })
  afterAll(() => runs.forEach(cleanup))

  test.each(POOLS.map((pool, index) => [pool, index] as const))('%s: meets expected.json', (_, index) => {
    const run = runs[index] as RunResult
    expect(checkExpected(run, expected), run.output.slice(-3000)).toEqual([])
    expect(run.code, run.output.slice(-3000)).toBe(1)
  })
})
