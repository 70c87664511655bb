import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkRun, readExpected } from './support/expected.js'
import { cleanup, isolated, type NodeTestRun, nodeVersion, runFixture } from './support/run-node-test.js'

// The shared fixtures (fixtures/leaky, fixtures/clean) under the real `node --test`, against the
// same expected.json as Vitest and Jest, with the globals of fixtures/node-test-support. The
// leaky suite targets a clearnet address and resolves public names: only inside the namespace.

const [major, minor] = nodeVersion()

// Files a node:test run cannot hold, each with the reason (checked to be left out).
const CLEAN_SKIPS: Record<string, string> = {
  'tests/snapshot.test.js':
    "toMatchSnapshot belongs to the runner (Vitest, Jest); the standalone expect package has none, and node:test's t.assert.snapshot is another API",
}
// Node runs .ts files by stripping types from 22.18 (and 23.6) on; Node 20 cannot.
if (major < 22 || (major === 22 && minor < 18)) {
  CLEAN_SKIPS['tests/typed.test.ts'] = `Node ${major}.${minor} cannot run TypeScript files (type stripping: 22.18+)`
}

function expectNoProblems(run: NodeTestRun, problems: string[]): void {
  expect(problems, run.output.slice(-4000)).toEqual([])
}

describe.skipIf(!isolated)('fixtures/leaky (enforce mode)', () => {
  const expected = readExpected('leaky')
  let run: NodeTestRun
  beforeAll(async () => {
    run = await runFixture('leaky', { env: { LEAKGATE_OPTIONS: JSON.stringify(expected.options) } })
  })
  afterAll(() => cleanup(run))

  test('meets expected.json, and the run fails', () => {
    expectNoProblems(run, checkRun(run, expected))
    expect(run.code).toBe(1)
    const swallowed = run.report?.events.find(
      (event) => event.scope.test === 'a swallowed exec error still fails the test',
    )
    expect(swallowed?.callSite).toMatchObject({ file: 'tests/swallowed.test.js', line: 14 })
  })

  test('what a user sees: the failure at the call site, the fix, the file failures, the summary', () => {
    const { output } = run
    expect(output).toContain('✖ a swallowed exec error still fails the test')
    expect(output).toMatch(
      /LeakgateError\]?: blocked child_process\.execSync of "echo hidden" \(LEAKGATE_EXEC_BLOCKED\)/,
    )
    expect(output).toContain("To allow it in this test:  allowAudit({ exec: ['echo'] })")
    expect(output).toMatch(/at \S+\/tests\/swallowed\.test\.js:14:5/)
    // No frame of the adapter's wrappers in what the user reads.
    expect(output).not.toMatch(/packages\/node-test\/dist|@leakgate\/node-test\/dist/)
    // File-level failures are named by the file, and say the phase or the test that left work.
    expect(output).toMatch(/✖ \S*tests\/hooks\.test\.js/)
    expect(output).toContain('tests/import-time.test.js (while importing the file)')
    expect(output).toContain('tests/late.test.js > starts a timer that leaks after it ends (after the test ended)')
    expect(output).toMatch(
      /leakgate: \d+ violations \(net \d+, exec \d+, eval \d+\), \d+ allowed by rules; report: leakgate-report\.json/,
    )
    expect(run.report?.runs[0]).toMatchObject({ framework: 'node:test', mode: 'enforce' })
    expect(run.report?.runs[0]?.files).toContain('tests/net.test.js')
    expect(run.report?.runs[0]?.incomplete).toBeUndefined()
  })
})

describe.skipIf(!isolated)('fixtures/clean (must stay green)', () => {
  const expected = readExpected('clean')
  let run: NodeTestRun
  beforeAll(async () => {
    run = await runFixture('clean', {
      exclude: Object.keys(CLEAN_SKIPS),
      env: { LEAKGATE_OPTIONS: JSON.stringify(expected.options) },
    })
  })
  afterAll(() => cleanup(run))

  test('every test passes, nothing flagged', () => {
    expectNoProblems(run, checkRun(run, expected, { skipFiles: CLEAN_SKIPS }))
    expect(run.code, run.output.slice(-3000)).toBe(0)
    expect(run.report?.summary.violations).toBe(0)
    expect(run.output).toMatch(/leakgate: no violations, \d+ events? allowed by rules/)
  })
})
