import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { cleanup, copyFixtures, nodeBinary, type RunResult, repoRoot, runVitest } from './harness.js'

// The gate fails closed (issue 11.1): a run in which the guard did not run everywhere leaves a
// report that says so, and `leakgate report` refuses it (exit 1, naming the reason). Real
// Vitest runs of fixture copies, then the real CLI on what they wrote. Only `true` and `false`
// are run (the latter refused): nothing reaches the network.

const CLI = path.join(repoRoot, 'packages/core/dist/cli.mjs')
const runs: RunResult[] = []

function gate(dir: string, args: string[] = []) {
  const run = spawnSync(nodeBinary, [CLI, 'report', '--no-baseline', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
    timeout: 60_000,
  })
  return { code: run.status, output: `${run.stdout}${run.stderr}` }
}

/** The major version of the Vitest that runs the fixture in `dir` (the matrix runs 3.2, 4, 5). */
function vitestMajorIn(dir: string): number {
  const require = createRequire(path.join(dir, 'vitest.config.mjs'))
  const pkg = JSON.parse(fs.readFileSync(require.resolve('vitest/package.json'), 'utf8')) as { version: string }
  return Number(pkg.version.split('.')[0])
}

afterAll(() => {
  for (const run of runs) cleanup(run)
})

describe('the gate refuses a run the guard did not see everywhere', () => {
  test('a bad option: Vitest stops, and a green report of an earlier run is replaced by a refused one', async () => {
    const dir = path.join(copyFixtures(['vitest-invalid-options']), 'vitest-invalid-options')
    // What an earlier, clean run left behind: the gate would read it as this run's green.
    const stale = {
      schemaVersion: 1,
      tool: { name: '@leakgate/core', version: '0.1.0' },
      runs: [
        {
          framework: 'vitest',
          node: process.version,
          mode: 'enforce',
          root: dir,
          startedAt: '2026-01-01T00:00:00.000Z',
        },
      ],
      events: [],
      summary: {
        violations: 0,
        allowed: 0,
        byCategory: {
          net: { violations: 0, allowed: 0 },
          exec: { violations: 0, allowed: 0 },
          eval: { violations: 0, allowed: 0 },
        },
      },
    }
    fs.writeFileSync(path.join(dir, 'leakgate-report.json'), JSON.stringify(stale))
    expect(gate(dir).code).toBe(0)
    const run = await runVitest(dir)
    runs.push(run)
    expect(run.code).not.toBe(0)
    expect(run.report?.runs[0]?.incomplete?.problems, run.output).toEqual([
      {
        reason: 'options',
        detail:
          "invalid leakgate option allow.nett: unknown category; did you mean 'net'? Valid forms: net, exec, eval",
      },
    ])
    const verdict = gate(dir)
    expect(verdict.code, verdict.output).toBe(1)
    expect(verdict.output).toContain(
      "✖ leakgate: the run is incomplete: the guard refused its options (invalid leakgate option allow.nett: unknown category; did you mean 'net'? Valid forms: net, exec, eval)",
    )
  })

  test('-t running part of the suite is audited, not incomplete; --bail leaves files never run, named as such', async () => {
    const dir = path.join(copyFixtures(['partial-run']), 'partial-run')
    // Vitest imports every file, then runs no hook of a file none of whose tests matched: the
    // guard's end mark is not written there, yet nothing of the file ran after its import.
    for (const filter of ['alpha 1', 'matches nothing']) {
      const run = await runVitest(dir, { args: ['-t', filter] })
      runs.push(run)
      expect(run.code, run.output).toBe(0)
      expect(run.report?.runs[0]?.incomplete, run.output).toBeUndefined()
      expect(run.output).not.toContain('incomplete')
      const verdict = gate(dir)
      expect(verdict.code, verdict.output).toBe(0)
    }
    // One worker, every file failing: the first one's failure stops the run, the other two never run.
    const bailed = await runVitest(dir, { args: ['--bail=1', '--no-file-parallelism'] })
    runs.push(bailed)
    expect(bailed.code, bailed.output).toBe(1)
    const problems = bailed.report?.runs[0]?.incomplete?.problems ?? []
    expect(problems.length, bailed.output).toBe(2)
    for (const problem of problems)
      expect(problem.detail).toMatch(/Vitest never ran it \(the run stopped before it: --bail/)
    const verdict = gate(dir)
    expect(verdict.code, verdict.output).toBe(1)
    expect(verdict.output).toContain('Vitest never ran it')
  })

  test('a worker killed mid-file: the report names the file and keeps what was recorded; the gate refuses it', async () => {
    const dir = path.join(copyFixtures(['killed-worker']), 'killed-worker')
    // An earlier run's green report must not stand in for this one.
    fs.writeFileSync(path.join(dir, 'leakgate-report.json'), '{"stale": true}\n')
    const run = await runVitest(dir)
    runs.push(run)
    expect(run.code, run.output).toBe(1)
    const report = run.report
    if (vitestMajorIn(dir) < 4) {
      // Vitest 3 ends the whole run when a fork dies ('Channel closed'), before any reporter's
      // end: what is left is the report written when the run started, which says it never ended.
      expect(report?.runs[0]?.incomplete, run.output).toEqual({
        expected: 0,
        audited: 0,
        problems: [
          { reason: 'not-finished', detail: expect.stringMatching(/^the run did not reach its end: the test runner/) },
        ],
      })
      for (const format of ['text', 'markdown', 'github', 'junit', 'sarif']) {
        const verdict = gate(dir, ['--format', format])
        expect(verdict.code, verdict.output).toBe(1)
        expect(verdict.output).toContain('the run did not reach its end')
      }
      return
    }
    expect(report?.runs[0]?.incomplete, run.output).toEqual({
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
    const events = (report?.events ?? []).map((event) => [event.scope.file, event.target, event.decision.allowed])
    expect(events).toEqual([
      ['tests/killed.test.js', 'false', false],
      ['tests/killed.test.js', 'true', true],
      ['tests/whole.test.js', 'true', true],
    ])
    // Its violation is not "after its file had finished": it is listed with the stopped file.
    expect(run.output).toContain('leakgate: the run is incomplete: 1 test file of 2 not audited')
    expect(run.output).toContain('leakgate: 1 violation in files whose worker stopped mid-file')
    expect(run.output).not.toContain('after its test file had finished')
    for (const format of ['text', 'markdown', 'github', 'junit', 'sarif']) {
      const verdict = gate(dir, ['--format', format])
      expect(verdict.code, verdict.output).toBe(1)
      expect(verdict.output).toContain('tests/killed.test.js')
    }
    expect(gate(dir).output).toContain(
      '✖ leakgate: the run is incomplete: 1 test file of 2 not audited (tests/killed.test.js)',
    )
  })

  test('--merge-reports: shards that ran without the guard (LEAKGATE_MODE=off) make the merged run incomplete', async () => {
    const dir = path.join(copyFixtures(['vitest-shard']), 'vitest-shard')
    const shards = await Promise.all(
      [1, 2].map((index) =>
        runVitest(dir, {
          args: [`--shard=${index}/2`, '--reporter=blob'],
          noJson: true,
          env: { LEAKGATE_MODE: 'off', LEAKGATE_E2E_REPORT: `leakgate-shard-${index}.json` },
        }),
      ),
    )
    runs.push(...shards)
    const merged = await runVitest(dir, { args: ['--merge-reports'] })
    runs.push(merged)
    const incomplete = merged.report?.runs[0]?.incomplete
    expect(incomplete, merged.output.slice(-3000)).toMatchObject({ expected: 4, audited: 0 })
    expect(incomplete?.problems.map((problem) => [problem.file, problem.reason])).toEqual([
      ['tests/a-exec.test.js', 'not-started'],
      ['tests/b-clean.test.js', 'not-started'],
      ['tests/c-eval.test.js', 'not-started'],
      ['tests/d-clean.test.js', 'not-started'],
    ])
    const verdict = gate(dir)
    expect(verdict.code, verdict.output).toBe(1)
    expect(verdict.output).toContain(
      '✖ leakgate: the run is incomplete: 4 test files of 4 not audited (tests/a-exec.test.js and 3 more)',
    )
  })
})
