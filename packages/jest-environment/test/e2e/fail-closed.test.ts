import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { LeakgateReport } from '@leakgate/core/report'
import { describe, expect, test } from 'vitest'
import { describeRun, fileResult, NODE, REPO, runJest, SMOKE } from './support/run-jest.js'

// The gate fails closed (issue 11.1): a Jest run in which the guard did not run everywhere (a
// bad option that fails every suite, a worker killed mid-file) leaves a report that says so,
// and `leakgate report` refuses it (exit 1, naming the reason). Real Jest runs, then the real
// CLI. Only `true` and `false` are run (the latter refused): nothing reaches the network.

const CLI = path.join(REPO, 'packages/core/dist/cli.mjs')

/** `leakgate report` on a report (written to a temporary file first when given as an object). */
function gate(report: LeakgateReport | string | undefined, args: string[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-gate-'))
  const file = typeof report === 'string' ? report : path.join(dir, 'leakgate-report.json')
  if (typeof report !== 'string') fs.writeFileSync(file, JSON.stringify(report))
  const run = spawnSync(NODE, [CLI, 'report', '--no-baseline', ...args, file], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
    timeout: 60_000,
  })
  fs.rmSync(dir, { recursive: true, force: true })
  return { code: run.status, output: `${run.stdout}${run.stderr}` }
}

describe.skipIf(SMOKE)('the gate refuses a run the guard did not see everywhere', () => {
  test('a bad option fails every suite: the report names each file and the reason; the gate exits 1', async () => {
    const run = await runJest('jest-invalid-options')
    expect(run.code, describeRun(run)).toBe(1)
    expect(fileResult(run, 'tests/any.test.js')?.message).toContain('Test suite failed to run')
    const incomplete = run.report?.runs[0]?.incomplete
    expect(incomplete, describeRun(run)).toEqual({
      expected: 1,
      audited: 0,
      problems: [
        {
          file: 'tests/any.test.js',
          reason: 'not-started',
          detail: expect.stringContaining(
            'the guard never started in this file: invalid leakgate option allow.net: expected true or an array of rules, got "api.example.com"',
          ),
        },
      ],
    })
    expect(run.report?.summary.violations).toBe(0)
    expect(run.output).toContain('leakgate: the run is incomplete: 1 test file of 1 not audited')
    const verdict = gate(run.report)
    expect(verdict.code, verdict.output).toBe(1)
    expect(verdict.output).toContain(
      '✖ leakgate: the run is incomplete: 1 test file of 1 not audited (tests/any.test.js)',
    )
    expect(verdict.output).toContain('invalid leakgate option allow.net')
  })

  test('a bad reporter option stops Jest at start, and leaves a refused report where the gate looks', async () => {
    const run = await runJest('jest-invalid-options', [], {
      config: 'jest.reporter.config.cjs',
      copy: true,
      keep: true,
    })
    try {
      expect(run.code, describeRun(run)).toBe(1)
      const file = path.join(run.fixtureDir, 'leakgate-report.json')
      const verdict = gate(file)
      expect(verdict.code, verdict.output).toBe(1)
      expect(verdict.output).toContain(
        "✖ leakgate: the run is incomplete: the guard refused its options (invalid option outputfile of the reporter '@leakgate/jest-environment/reporter': unknown option; did you mean 'outputFile'?",
      )
    } finally {
      fs.rmSync(path.dirname(path.dirname(run.fixtureDir)), { recursive: true, force: true })
    }
  })

  test("process.exit(0) in a test in band, after a refused command: the run fails (exit 1, saying why); report mode and a run with nothing refused keep Jest's code", async () => {
    const message =
      /leakgate: 1 violation in enforce mode, and the run stopped before its end, so it fails .*something called process\.exit\(\)/
    const enforce = await runJest('exit-in-test', ['-i'])
    const why = describeRun(enforce)
    // Without the guard's exit check Jest ends with the test's code, 0, the leak unreported.
    expect(enforce.code, why).toBe(1)
    expect(enforce.output, why).toMatch(message)
    expect(enforce.report?.runs[0]?.incomplete?.problems[0]?.detail, why).toMatch(/^the run did not reach its end/)
    expect(gate(enforce.report).code).toBe(1)
    // Report mode never changes a result: Jest's own exit code, as without leakgate.
    const report = await runJest('exit-in-test', ['-i'], { env: { LEAKGATE_MODE: 'report' } })
    expect(report.code, describeRun(report)).toBe(0)
    expect(report.output).not.toMatch(/leakgate: .*stopped before its end/)
    expect(gate(report.report).code).toBe(1)
    // Nothing refused: Jest's code too; the report still says the run did not reach its end.
    const clean = await runJest('exit-in-test', ['-i'], { env: { LEAK: '0' } })
    expect(clean.code, describeRun(clean)).toBe(0)
    expect(clean.output).not.toMatch(/leakgate: .*stopped before its end/)
    expect(gate(clean.report).code).toBe(1)
  })

  test('a worker killed mid-file: the report names the file and keeps what was recorded; the gate refuses it', async () => {
    const run = await runJest('killed-worker')
    const why = describeRun(run)
    expect(run.code, why).toBe(1)
    expect(fileResult(run, 'tests/killed.test.js')?.message, why).toContain('SIGKILL')
    expect(run.report?.runs[0]?.incomplete, why).toEqual({
      expected: 2,
      audited: 1,
      problems: [
        {
          file: 'tests/killed.test.js',
          reason: 'not-finished',
          detail: expect.stringMatching(/^the file did not finish: its worker stopped mid-file \(killed or crashed\)/),
        },
      ],
    })
    // Recorded before the kill: the refused command, and the allowed one (its first occurrence
    // is written at once; repeats counted in memory died with the worker).
    const events = (run.report?.events ?? []).map((event) => [event.scope.file, event.target, event.decision.allowed])
    expect(events, why).toEqual([
      ['tests/killed.test.js', 'false', false],
      ['tests/killed.test.js', 'true', true],
      ['tests/whole.test.js', 'true', true],
    ])
    // Its violation did not happen "after its file ended": it is listed with the stopped file.
    expect(run.output).toContain(
      'leakgate: 1 violation in files whose worker stopped mid-file (no test could fail for it). The run fails for it:',
    )
    expect(run.output).not.toContain('failed no test')
    for (const format of ['text', 'markdown', 'github', 'junit', 'sarif']) {
      const verdict = gate(run.report, ['--format', format])
      expect(verdict.code, verdict.output).toBe(1)
      expect(verdict.output).toContain('tests/killed.test.js')
    }
  })

  test('a project left unguarded on purpose (another environment) is not incomplete; the guarded one is checked', async () => {
    const run = await runJest('jest-projects', [], { config: 'jest.unguarded.config.cjs' })
    const why = describeRun(run)
    expect(run.code, why).toBe(1)
    expect(run.report?.runs[0]?.files, why).toEqual(['api/tests/api.test.js', 'web/tests/web.test.js'])
    expect(run.report?.runs[0]?.incomplete, why).toBeUndefined()
    // The web project ran without the guard: its echo is not in the report.
    expect((run.report?.events ?? []).map((event) => event.scope.file)).not.toContain('web/tests/web.test.js')
    expect(run.output).not.toContain('the run is incomplete')
  })
})
