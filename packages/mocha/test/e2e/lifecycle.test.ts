import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { LeakgateReport } from '@leakgate/core/report'
import { describe, expect, test } from 'vitest'
import {
  checkExpected,
  describeRun,
  ISOLATED,
  NODE,
  REPO,
  readExpected,
  runMocha,
  SMOKE,
  testResult,
} from './support/run-mocha.js'

// Mocha's own shapes (fixtures/mocha-lifecycle, plain bdd): root-level hooks, an allowance given
// in a before hook, done callbacks, this.retries, afterEach, a timeout; serial and --parallel,
// against its expected.json with the shared checker. Then report mode, the gate on the report,
// and invalid options. Only `echo` is run (refused or allowed): nothing reaches the network.

const CLI = path.join(REPO, 'packages/core/dist/cli.mjs')

/** `leakgate report` (the gate) on a report. */
function gate(report: LeakgateReport | undefined) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-gate-'))
  const file = path.join(dir, 'leakgate-report.json')
  fs.writeFileSync(file, JSON.stringify(report))
  const run = spawnSync(NODE, [CLI, 'report', '--no-baseline', file], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
    timeout: 60_000,
  })
  fs.rmSync(dir, { recursive: true, force: true })
  return { code: run.status, output: `${run.stdout}${run.stderr}` }
}

const configurations = [
  { label: 'serial', args: [] },
  { label: 'parallel', args: ['--parallel', '--jobs', '2'] },
  // One worker runs every file, one after another: the guard stays on between them.
  { label: 'one worker', args: ['--parallel', '--jobs', '1'] },
]

describe.skipIf(SMOKE)('fixtures/mocha-lifecycle (enforce mode)', () => {
  const expected = readExpected('mocha-lifecycle')
  for (const { label, args } of configurations) {
    test(`${label}: every test, file and event as expected.json says`, async () => {
      const run = await runMocha('mocha-lifecycle', args)
      expect(checkExpected(run, expected), describeRun(run)).toEqual([])
      expect(run.code, describeRun(run)).toBe(5)
      expect(run.report?.runs[0]?.incomplete).toBeUndefined()
      // A timed-out test that leaked: the leak on top, Mocha's timeout as its cause.
      const timedOut = testResult(run, 'tests/timeout.test.js', 'a timeout > a leaking test that times out')
      expect(timedOut?.error?.stack).toMatch(
        /^LeakgateError: blocked child_process\.execSync of "echo before-the-timeout"/,
      )
      expect(timedOut?.error?.causes.join('\n')).toContain('Timeout of 300ms exceeded')
      // The flaky test passed on its retry; the leaky one failed on every attempt.
      expect(run.output).toMatch(/"after all" hook: leakgate in "tests\/root-hooks\.test\.js"/)
      expect(run.output).not.toMatch(/leakgate in "tests\/bystander\.test\.js"/)
      expect(run.output).toMatch(/leakgate: 5 violations \(exec 5\), 3 allowed by rules; report: /)
      // The gate reads the same report and fails the build for the same five.
      const verdict = gate(run.report)
      expect(verdict.code, verdict.output).toBe(1)
      expect(verdict.output).toContain('echo root-before')
    })
  }

  test('without a report option the report is leakgate-report.json where Mocha runs', async () => {
    const run = await runMocha('mocha-lifecycle', [], { copy: true, env: { LEAKGATE_REPORT_FILE: undefined } })
    expect(run.code, describeRun(run)).toBe(5)
    expect(run.output).toContain('leakgate: 5 violations (exec 5), 3 allowed by rules; report: leakgate-report.json')
  })

  test('report mode: the same violations recorded, no test failed for them', async () => {
    const run = await runMocha('mocha-lifecycle', ['--grep', 'timeout', '--invert'], {
      env: { LEAKGATE_MODE: 'report' },
    })
    expect(run.code, describeRun(run)).toBe(0)
    expect(run.report?.runs[0]?.mode).toBe('report')
    const violations = run.report?.events.filter((event) => !event.decision.allowed) ?? []
    expect(violations.map((event) => event.target).sort()).toEqual([
      'echo after-each',
      'echo first-attempt',
      'echo root-before',
      'echo swallowed',
    ])
    expect(run.results?.hooks).toEqual([])
    expect(run.output).toContain('(report mode: nothing was blocked)')
  })

  test('mode off: nothing audited, and the report says so (the gate refuses it), as in every adapter', async () => {
    const run = await runMocha('mocha-lifecycle', ['--grep', 'timeout', '--invert'], {
      env: { LEAKGATE_MODE: 'off' },
    })
    expect(run.report?.runs[0]?.mode, describeRun(run)).toBe('off')
    expect(run.report?.events).toEqual([])
    expect(run.report?.runs[0]?.incomplete?.audited).toBe(0)
    expect(run.output).toMatch(
      /leakgate: off \(mode: off\), nothing was audited; report: \S*leakgate-report\.json \(the gate refuses it: nothing was audited\)/,
    )
    expect(gate(run.report).code).toBe(1)
  })
})

describe('invalid options', () => {
  for (const { label, args } of configurations) {
    test(`${label}: refused at start, naming the key and where it lives; the gate refuses the report`, async () => {
      const run = await runMocha('mocha-invalid-options', args, { copy: true })
      expect(run.code, describeRun(run)).toBe(1)
      expect(run.output).toContain(
        "LeakgateError: invalid leakgate option mod: unknown option; did you mean 'mode'? Valid options: mode, allow, local, strict, inspectEval, report",
      )
      expect(run.output).toContain('in the Mocha config:  .mocharc.*  leakgate: { ... }')
      expect(run.output).not.toContain('never runs')
      expect(run.report?.runs[0]?.incomplete?.problems).toEqual([
        expect.objectContaining({ reason: 'options', detail: expect.stringContaining('invalid leakgate option mod') }),
      ])
      const verdict = gate(run.report)
      expect(verdict.code, verdict.output).toBe(1)
      expect(verdict.output).toContain('the run is incomplete')
    })
  }
})

describe.skipIf(!ISOLATED)('a run that selects no test (--grep matching none)', () => {
  test('Mocha runs no suite, yet each file ends: an import-time leak fails its file, the report is complete', async () => {
    const run = await runMocha('leaky', ['--grep', 'matches no test at all'])
    expect(run.code, describeRun(run)).toBe(1)
    expect(run.results?.tests).toEqual([])
    expect(run.results?.hooks.map((hook) => hook.title)).toEqual([
      '"after all" hook: leakgate in "tests/import-time.test.js"',
    ])
    expect(run.report?.runs[0]?.incomplete, describeRun(run)).toBeUndefined()
    expect(run.report?.events.map((event) => [event.scope.file, event.scope.phase, event.event])).toEqual([
      ['tests/import-time.test.js', 'import', 'Function'],
    ])
  })
})

describe.skipIf(SMOKE)('watch mode', () => {
  test('each run writes its own complete report (Mocha reruns ES module test files with no test in them)', async () => {
    let touching: NodeJS.Timeout | undefined
    let output = ''
    const run = await runMocha('mocha-lifecycle', ['--watch'], {
      copy: true,
      onOutput: (chunk, child, { fixtureDir }) => {
        output += chunk
        const summaries = output.match(/^leakgate: .*$/gm) ?? []
        if (summaries.length === 1 && !touching) {
          // A change Mocha's watcher sees (again until it does, on a loaded machine): a new run.
          const file = path.join(fixtureDir, 'tests', 'bystander.test.js')
          touching = setInterval(() => fs.appendFileSync(file, '\n'), 1000)
        }
        if (summaries.length >= 2) {
          clearInterval(touching)
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM')
        }
      },
    })
    clearInterval(touching)
    const summaries = run.output.match(/^leakgate: .*$/gm) ?? []
    expect(summaries[0], describeRun(run)).toMatch(/^leakgate: 5 violations \(exec 5\), 3 allowed by rules/)
    expect(summaries[1], describeRun(run)).toMatch(/^leakgate: no violations/)
    expect(run.output).not.toContain('the run is incomplete')
    expect(run.report?.runs[0]?.incomplete, describeRun(run)).toBeUndefined()
  })
})
