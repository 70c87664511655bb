import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkRun, readExpected } from './support/expected.js'
import { cleanup, copyFixture, type NodeTestRun, runFixture, runNodeTest } from './support/run-node-test.js'

// node:test's own shapes (fixtures/node-test-scopes): subtests, the default export, done
// callbacks, describe/it hooks, context hooks, { concurrency }. Only loopback targets: these
// runs need no network namespace.

const expected = readExpected('node-test-scopes')
const options = JSON.stringify(expected.options)

describe('node --test --require @leakgate/node-test', () => {
  let run: NodeTestRun
  beforeAll(async () => {
    run = await runFixture('node-test-scopes', { globals: false, env: { LEAKGATE_OPTIONS: options } })
  })
  afterAll(() => cleanup(run))

  test('each test in its scope: meets expected.json', () => {
    expect(checkRun(run, expected), run.output.slice(-4000)).toEqual([])
    expect(run.code).toBe(1)
    expect(run.report?.runs[0]?.files).toEqual([
      'tests/clean.test.mjs',
      'tests/concurrency.test.mjs',
      'tests/hooks.test.mjs',
      'tests/subtests.test.mjs',
    ])
  })

  test('the failure of a swallowed violation is the LeakgateError, at its call site', () => {
    const failure = run.results?.['tests/subtests.test.mjs']?.tests['the default export of node:test is guarded too']
    expect(failure?.error).toMatch(/^LeakgateError: blocked child_process\.execSync of "echo default-export"/)
    expect(run.output).toMatch(/at \S+tests\/subtests\.test\.mjs:26:5/)
  })
})

describe('node --test --import @leakgate/node-test (test processes only)', () => {
  let run: NodeTestRun
  beforeAll(async () => {
    run = await runFixture('node-test-scopes', {
      preload: 'import',
      globals: false,
      env: { LEAKGATE_OPTIONS: options },
    })
  })
  afterAll(() => cleanup(run))

  test('guards every test the same; node --test does not load --import in its own process, so no report', () => {
    const outcome = run.results?.['tests/subtests.test.mjs']?.tests
    expect(outcome?.['the default export of node:test is guarded too']?.status).toBe('failed')
    expect(outcome?.['a parent allowance reaches its subtests']?.status).toBe('passed')
    expect(run.results?.['tests/clean.test.mjs']?.tests['subtests on loopback']?.status).toBe('passed')
    expect(run.code).toBe(1)
    expect(run.report).toBeUndefined()
  })
})

describe('a test file run directly: node --import @leakgate/node-test file', () => {
  let run: NodeTestRun
  beforeAll(async () => {
    run = await runFixture('node-test-scopes', {
      globals: false,
      preload: 'import',
      script: 'tests/subtests.test.mjs',
      nodeArgs: ['--test-reporter=spec'],
      env: { LEAKGATE_OPTIONS: options },
    })
  })
  afterAll(() => cleanup(run))

  test('an allowance ends with its test, a swallowed violation fails, and the process writes the report', () => {
    expect(run.output).toMatch(/✖ the allowance ended with the test that gave it/)
    expect(run.output).toMatch(/✖ the default export of node:test is guarded too/)
    expect(run.output).toMatch(/✔ a parent allowance reaches its subtests/)
    expect(run.code).toBe(1)
    expect(run.report?.runs[0]?.files).toEqual(['tests/subtests.test.mjs'])
    expect(run.report?.summary.violations).toBe(4)
  })
})

describe('mode off (LEAKGATE_MODE=off)', () => {
  test('nothing is audited, and the report says so (the gate refuses it), as in every adapter', async () => {
    const run = await runFixture('node-test-scopes', { globals: false, env: { LEAKGATE_MODE: 'off' } })
    try {
      expect(
        run.results?.['tests/subtests.test.mjs']?.tests['the default export of node:test is guarded too']?.status,
      ).toBe('passed')
      expect(run.output).toContain(
        'leakgate: off (mode: off), nothing was audited; report: leakgate-report.json (the gate refuses it: nothing was audited)',
      )
      expect(run.report?.runs[0]?.mode).toBe('off')
      expect(run.report?.runs[0]?.incomplete?.audited).toBe(0)
      expect(run.report?.events).toEqual([])
    } finally {
      cleanup(run)
    }
  })
})

describe('bad options stop the run before any test, naming the key and where it was written', () => {
  test('LEAKGATE_OPTIONS', async () => {
    const run = await runFixture('node-test-scopes', {
      globals: false,
      env: { LEAKGATE_OPTIONS: JSON.stringify({ mode: 'loud' }) },
    })
    try {
      expect(run.code).toBe(1)
      expect(run.output).toMatch(/leakgate: invalid leakgate option mode/)
      expect(run.output).toContain('LEAKGATE_OPTIONS (environment)')
      expect(run.output).not.toContain('✔')
      expect(run.report?.runs[0]?.incomplete?.problems[0]?.reason).toBe('options')
    } finally {
      cleanup(run)
    }
  })

  test('"leakgate" in package.json', async () => {
    const dir = copyFixture('node-test-scopes')
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'scopes', private: true, leakgate: { allow: { exec: 5 } } }),
    )
    const run = await runNodeTest(dir, { globals: false })
    try {
      expect(run.code).toBe(1)
      expect(run.output).toMatch(/leakgate: invalid leakgate option allow\.exec/)
      expect(run.output).toContain('"leakgate" in package.json')
      expect(run.output).not.toContain('✔')
    } finally {
      cleanup(run)
    }
  })

  test('a report path that is not one; sinkDir, which the adapter manages', async () => {
    for (const [options, key] of [
      [{ report: 5 }, 'report'],
      [{ sinkDir: '/tmp/x' }, 'sinkDir'],
    ] as const) {
      const run = await runFixture('node-test-scopes', {
        globals: false,
        env: { LEAKGATE_OPTIONS: JSON.stringify(options) },
      })
      try {
        expect(run.code).toBe(1)
        expect(run.output).toMatch(new RegExp(`leakgate: invalid leakgate option ${key}\\b`))
        expect(run.output).not.toContain('✔')
      } finally {
        cleanup(run)
      }
    }
  })

  test('a JSON that does not parse', async () => {
    const run = await runFixture('node-test-scopes', { globals: false, env: { LEAKGATE_OPTIONS: '{mode:' } })
    try {
      expect(run.code).toBe(1)
      expect(run.output).toContain('invalid leakgate option LEAKGATE_OPTIONS (environment): not valid JSON')
    } finally {
      cleanup(run)
    }
  })
})

describe("run() from '@leakgate/node-test/run'", () => {
  let run: NodeTestRun
  beforeAll(async () => {
    const dir = copyFixture('node-test-scopes')
    fs.writeFileSync(
      path.join(dir, 'run-tests.mjs'),
      [
        "import path from 'node:path'",
        "import { spec } from 'node:test/reporters'",
        "import { run } from '@leakgate/node-test/run'",
        "const files = ['tests/subtests.test.mjs', 'tests/clean.test.mjs'].map((file) => path.resolve(file))",
        'run({ files })',
        "  .on('test:fail', () => { process.exitCode = 1 })",
        '  .compose(spec)',
        '  .pipe(process.stdout)',
        '',
      ].join('\n'),
    )
    run = await runNodeTest(dir, {
      preload: 'none',
      globals: false,
      script: 'run-tests.mjs',
      env: { LEAKGATE_OPTIONS: options },
    })
  })
  afterAll(() => cleanup(run))

  test('each test process runs guarded, and the report is written when the stream ends', () => {
    expect(run.output).toMatch(/✖ the default export of node:test is guarded too/)
    expect(run.output).toMatch(/✔ a parent allowance reaches its subtests/)
    expect(run.output).toMatch(/✔ subtests on loopback/)
    expect(run.output).toMatch(/leakgate: 4 violations \(exec 4\), 1 allowed by rules/)
    expect(run.code).toBe(1)
    expect(run.report?.runs[0]?.files).toEqual(['tests/clean.test.mjs', 'tests/subtests.test.mjs'])
    expect(run.report?.runs[0]?.incomplete).toBeUndefined()
  })
})
