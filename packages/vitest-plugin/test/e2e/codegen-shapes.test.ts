import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './expected.js'
import { cleanup, limited, type RunResult, runFixture, smoke } from './harness.js'

// fixtures/codegen-shapes: shapes of code generation from real suites (issue 10), against its
// expected.json, with the real Vitest CLI, in a process pool and a vm pool.

const POOLS = smoke ? ['forks'] : ['forks', 'vmThreads']
const VM_POOL_SKIPS: Record<string, string> = {
  'tests/express-import.test.js': 'Vitest vm pools cannot load express 4 (fails without leakgate too)',
}
const poolArgs = (pool: string) =>
  pool === 'vmThreads'
    ? [`--pool=${pool}`, ...Object.keys(VM_POOL_SKIPS).map((file) => `--exclude=${file}`)]
    : [`--pool=${pool}`]

describe('fixtures/codegen-shapes (enforce mode)', () => {
  const expected = readExpected('codegen-shapes')
  let runs: RunResult[] = []
  beforeAll(async () => {
    runs = await limited(
      2,
      POOLS.map((pool) => () => runFixture('codegen-shapes', { args: poolArgs(pool) })),
    )
  })
  afterAll(() => runs.forEach(cleanup))

  test.each(POOLS.map((pool, index) => [pool, index] as const))('%s: meets expected.json', (_, index) => {
    const run = runs[index] as RunResult
    const skipFiles = POOLS[index] === 'vmThreads' ? VM_POOL_SKIPS : {}
    expect(checkExpected(run, expected, { skipFiles }), run.output.slice(-3000)).toEqual([])
    expect(run.code, run.output.slice(-3000)).toBe(0)
  })
})
