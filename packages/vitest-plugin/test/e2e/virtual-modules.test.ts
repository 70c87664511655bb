import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cleanup, nodeBinary, type RunResult, runFixture, testResult } from './harness.js'

// fixtures/vitest-virtual-modules: modules the Vite server hands the module runner that are no
// file on disk (a plugin's `virtual:` module, the runtime helper Vite's transform imports for
// `await using`) are the framework loading a module: no event. A data: import and `new Function`
// from the same test file are still decided (a data: import by the module runner needs Node 22's
// synchronous module hooks in the forks pool; the vm pools decide it on every Node).

const major = Number(spawnSync(nodeBinary, ['-p', 'process.versions.node.split(".")[0]']).stdout.toString().trim())
const FILE = 'tests/virtual.test.ts'

function expectRun(run: RunResult, dataDecided: boolean) {
  const why = run.output.slice(-3000)
  const titles = [
    'a plugin virtual module is no event',
    'await using is no event',
    'new Function from the same file is code from a string',
    'a data: import from the same file is code from a string',
    'allowed, new Function runs',
  ]
  expect(Object.fromEntries(titles.map((title) => [title, testResult(run, FILE, title)?.status])), why).toEqual({
    'a plugin virtual module is no event': 'passed',
    'await using is no event': 'passed',
    'new Function from the same file is code from a string': 'failed',
    'a data: import from the same file is code from a string': dataDecided ? 'failed' : 'passed',
    'allowed, new Function runs': 'passed',
  })
  // Every event of the run (none for the virtual modules, nothing while the file loads), in the
  // order of the tests' titles: the report's order is not the tests'.
  const events = (run.report?.events ?? [])
    .map((event) => [event.scope.file, event.scope.test ?? '', event.event, event.decision.allowed] as const)
    .sort((a, b) => a[1].localeCompare(b[1]))
  expect(events, why).toEqual([
    ...(dataDecided ? [[FILE, 'a data: import from the same file is code from a string', 'import(data:)', false]] : []),
    [FILE, 'allowed, new Function runs', 'Function', true],
    [FILE, 'new Function from the same file is code from a string', 'Function', false],
  ])
  expect(run.code, why).toBe(1)
}

describe('fixtures/vitest-virtual-modules', () => {
  for (const pool of ['forks', 'threads', 'vmForks']) {
    describe(`${pool} pool`, () => {
      let run: RunResult
      beforeAll(async () => {
        run = await runFixture('vitest-virtual-modules', { args: [`--pool=${pool}`], timeout: 180_000 })
      }, 240_000)
      afterAll(() => cleanup(run))

      test('a virtual module and `await using` are no event; new Function and a data: import still are', () => {
        expectRun(run, pool.startsWith('vm') || major >= 22)
      })
    })
  }
})
