import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cleanup, nodeBinary, type RunResult, runFixture, testResult } from './harness.js'

// fixtures/vitest-module-loaders (issue 12.5): code from strings through the module system, from
// a Vitest test. Vitest's module runner imports a data: URL natively from its own frames (forks,
// threads: decided by core's synchronous load hook, Node 22+), and its vm pools make a
// vm.SourceTextModule of it from a class captured before install (decided when linked, every
// Node). A require.extensions handler compiling a string is refused, one compiling its file is
// not: through Node's module class (forks) and through Vitest's own (vm pools).

const major = Number(spawnSync(nodeBinary, ['-p', 'process.versions.node.split(".")[0]']).stdout.toString().trim())

const DATA = 'tests/data-import.test.js'
const EXTENSIONS = 'tests/extensions.test.js'

function statuses(run: RunResult, file: string, titles: string[]) {
  return Object.fromEntries(titles.map((title) => [title, testResult(run, file, title)?.status]))
}

function expectDataImports(run: RunResult) {
  const why = run.output.slice(-3000)
  expect(
    statuses(run, DATA, [
      'a data: import is code from a string',
      'a data: import swallowed still fails its test',
      'allowed, a data: import runs',
      'only the allowed data: module ran',
      'a real module imported dynamically is no event',
    ]),
    why,
  ).toEqual({
    'a data: import is code from a string': 'failed',
    'a data: import swallowed still fails its test': 'failed',
    'allowed, a data: import runs': 'passed',
    'only the allowed data: module ran': 'passed',
    'a real module imported dynamically is no event': 'passed',
  })
  const events = (run.report?.events ?? [])
    .filter((event) => event.scope.file === DATA)
    .map((event) => [event.scope.test, event.event, event.decision.allowed])
  expect(events, why).toEqual([
    ['a data: import is code from a string', 'import(data:)', false],
    ['a data: import swallowed still fails its test', 'import(data:)', false],
    ['allowed, a data: import runs', 'import(data:)', true],
  ])
  expect(run.output).toContain(
    'LeakgateError: blocked import(data:) of "process.env.LEAKGATE_FIXTURE_RAN += \\"refused,\\";" (LEAKGATE_EVAL_BLOCKED)',
  )
}

function expectExtensions(run: RunResult) {
  const why = run.output.slice(-3000)
  expect(
    statuses(run, EXTENSIONS, [
      'a handler compiling a string is code from a string',
      'allowed, the handler compiles',
      "a handler compiling the file's own content is no event",
    ]),
    why,
  ).toEqual({
    'a handler compiling a string is code from a string': 'failed',
    'allowed, the handler compiles': 'passed',
    "a handler compiling the file's own content is no event": 'passed',
  })
  const events = (run.report?.events ?? [])
    .filter((event) => event.scope.file === EXTENSIONS)
    .map((event) => [event.scope.test, event.event, event.decision.allowed])
  expect(events, why).toEqual([
    ['a handler compiling a string is code from a string', 'Module._compile', false],
    ['allowed, the handler compiles', 'Module._compile', true],
  ])
}

describe('fixtures/vitest-module-loaders, forks pool', () => {
  let run: RunResult
  beforeAll(async () => {
    // Node 20 has no synchronous module hooks: a data: import there is a documented limit.
    const files = major < 22 ? [EXTENSIONS] : []
    run = await runFixture('vitest-module-loaders', { args: ['--pool=forks', ...files], timeout: 180_000 })
  }, 240_000)
  afterAll(() => cleanup(run))

  test.skipIf(major < 22)(
    'a data: import from a test is refused, swallowed or not; allowed, it runs; a real module is no event (Node 22+)',
    () => {
      expectDataImports(run)
    },
  )

  test("a require.extensions handler compiling a string is refused; allowed it compiles; the file's own content is no event", () => {
    expectExtensions(run)
    expect(run.code, run.output.slice(-3000)).toBe(1)
  })
})

describe('fixtures/vitest-module-loaders, vmForks pool (every Node)', () => {
  let run: RunResult
  beforeAll(async () => {
    run = await runFixture('vitest-module-loaders', { args: ['--pool=vmForks'], timeout: 180_000 })
  }, 240_000)
  afterAll(() => cleanup(run))

  test('a data: import from a test is refused, swallowed or not; allowed, it runs; a real module is no event', () => {
    expectDataImports(run)
    expect(run.code, run.output.slice(-3000)).toBe(1)
  })

  test("a require.extensions handler handing Vitest's own module class a string is refused; allowed it compiles; the file's own content is no event", () => {
    expectExtensions(run)
  })
})
