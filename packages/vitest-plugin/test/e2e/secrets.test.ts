import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
// @ts-expect-error: a plain ES module of the fixtures, without types
import { ARGV, CODE, LINES, SECRETS } from '../../../../fixtures/secrets/corpus.js'
import { cleanup, copyFixtures, nodeBinary, type RunResult, repoRoot, runVitest } from './harness.js'

// Issue 11.4: secrets never reach a report or any output. fixtures/secrets makes every call of
// a corpus of secret-bearing commands, shell lines and code (curl, wget, git, docker, mysql,
// psql, aws, gh, npm), each refused and swallowed. Nothing of any secret may appear in the
// terminal, the report file, or any format of `leakgate report`.

const CLI = path.join(repoRoot, 'packages/core/dist/cli.mjs')
let run: RunResult | undefined

afterAll(() => cleanup(run))

function leaked(text: string): string[] {
  return (SECRETS as string[]).filter((secret) => text.includes(secret))
}

describe('secrets', () => {
  test('no secret in the terminal, the report, or text, markdown, GitHub, JUnit, SARIF and JSON', async () => {
    const dir = path.join(copyFixtures(['secrets']), 'secrets')
    run = await runVitest(dir)
    expect(run.code, run.output.slice(-3000)).toBe(1)
    // Every call was recorded (the check below is not vacuous), its target redacted.
    const report = run.report
    expect(report?.summary.violations).toBe(ARGV.length + LINES.length + CODE.length)
    const targets = (report?.events ?? []).map((event) => event.target)
    expect(targets).toContain('curl -u alice:*** https://203.0.113.5/api')
    expect(targets).toContain('mysql -ualice -p*** -h 203.0.113.5 shop')
    expect(targets).toContain('const password = "***"; return 1')
    expect(leaked(run.output)).toEqual([])
    expect(leaked(fs.readFileSync(path.join(dir, 'leakgate-report.json'), 'utf8'))).toEqual([])
    for (const format of ['text', 'markdown', 'github', 'junit', 'sarif', 'json']) {
      const gate = spawnSync(nodeBinary, [CLI, 'report', '--no-baseline', '--verbose', '--format', format], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
        timeout: 60_000,
      })
      expect(gate.status, `${format}: ${gate.stderr}`).toBe(1)
      expect(gate.stdout).toContain('203.0.113.5')
      expect(leaked(gate.stdout + gate.stderr), format).toEqual([])
    }
  })
})
