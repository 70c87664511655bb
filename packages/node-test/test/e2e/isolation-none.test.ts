import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkRun, readExpected } from './support/expected.js'
import {
  cleanup,
  copyFixture,
  type NodeTestRun,
  nodeVersion,
  runFixture,
  runNodeTest,
} from './support/run-node-test.js'

// `--test-isolation=none` (Node 22.8+, `--experimental-test-isolation` until Node 23): every
// test file in the runner's own process. The same fixture and expected.json as with process
// isolation: each test in its own scope, each file's import, hooks and late work its own, the
// report written by the runner. Only loopback targets.

const [major, minor] = nodeVersion()
const hasIsolation = major > 22 || (major === 22 && minor >= 8)
/** Node 22 knows only the experimental name; 23+ both. */
const ISOLATION_NONE = major >= 23 ? '--test-isolation=none' : '--experimental-test-isolation=none'

const expected = readExpected('node-test-scopes')
const options = JSON.stringify(expected.options)
const FILES = ['tests/clean.test.mjs', 'tests/concurrency.test.mjs', 'tests/hooks.test.mjs', 'tests/subtests.test.mjs']

describe.skipIf(!hasIsolation)(`node --test ${ISOLATION_NONE} (Node 22.8+; Node 20 has no such mode)`, () => {
  for (const preload of ['require', 'import'] as const) {
    describe(`--${preload} @leakgate/node-test`, () => {
      let run: NodeTestRun
      beforeAll(async () => {
        run = await runFixture('node-test-scopes', {
          preload,
          globals: false,
          nodeArgs: [ISOLATION_NONE],
          env: { LEAKGATE_OPTIONS: options },
        })
      })
      afterAll(() => cleanup(run))

      test('each test in its scope, each file its own: meets expected.json; the runner writes the report', () => {
        expect(checkRun(run, expected), run.output.slice(-4000)).toEqual([])
        expect(run.code).toBe(1)
        expect(run.report?.runs[0]?.files).toEqual(FILES)
        expect(run.report?.runs[0]?.incomplete).toBeUndefined()
        expect(run.output).toMatch(
          /leakgate: \d+ violations \([a-z\d, ]+\), \d+ allowed by rules; report: leakgate-report\.json/,
        )
      })
    })
  }

  test('without leakgate the same files pass where they leak (the guard is what fails them)', async () => {
    const run = await runFixture('node-test-scopes', { preload: 'none', globals: false, nodeArgs: [ISOLATION_NONE] })
    try {
      const subtests = run.results?.['tests/subtests.test.mjs']?.tests
      expect(subtests?.['the default export of node:test is guarded too']?.status, run.output.slice(-3000)).toBe(
        'passed',
      )
      expect(run.report).toBeUndefined()
    } finally {
      cleanup(run)
    }
  })

  test("run({ isolation: 'none' }) from '@leakgate/node-test/run': guarded in the calling process", async () => {
    const dir = copyFixture('node-test-scopes')
    fs.writeFileSync(
      path.join(dir, 'run-tests.mjs'),
      [
        "import path from 'node:path'",
        "import { spec } from 'node:test/reporters'",
        "import { run } from '@leakgate/node-test/run'",
        "const files = ['tests/subtests.test.mjs', 'tests/clean.test.mjs'].map((file) => path.resolve(file))",
        "run({ files, isolation: 'none' })",
        "  .on('test:fail', () => { process.exitCode = 1 })",
        '  .compose(spec)',
        '  .pipe(process.stdout)',
        '',
      ].join('\n'),
    )
    const run = await runNodeTest(dir, {
      preload: 'none',
      globals: false,
      script: 'run-tests.mjs',
      env: { LEAKGATE_OPTIONS: options },
    })
    try {
      expect(run.output).toMatch(/✖ the default export of node:test is guarded too/)
      expect(run.output).toMatch(/✖ the allowance ended with the test that gave it/)
      expect(run.output).toMatch(/✔ a parent allowance reaches its subtests/)
      expect(run.output).toMatch(/✔ subtests on loopback/)
      expect(run.output).toMatch(/leakgate: 4 violations \(exec 4\), 1 allowed by rules/)
      expect(run.code).toBe(1)
      expect(run.report?.runs[0]?.files).toEqual(['tests/clean.test.mjs', 'tests/subtests.test.mjs'])
      expect(run.report?.runs[0]?.incomplete).toBeUndefined()
    } finally {
      cleanup(run)
    }
  })
})
