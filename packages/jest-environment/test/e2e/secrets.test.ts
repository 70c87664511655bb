import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
// @ts-expect-error: a plain ES module of the fixtures, without types
import { ARGV, CODE, LINES, SECRETS } from '../../../../fixtures/secrets/corpus.js'
import { describeRun, NODE, REPO, runJest, SMOKE } from './support/run-jest.js'

// Issue 11.4: secrets never reach a report or any output. fixtures/secrets makes every call of
// a corpus of secret-bearing commands, shell lines and code (curl, wget, git, docker, mysql,
// psql, aws, gh, npm), each refused and swallowed. Nothing of any secret may appear in Jest's
// output (its results JSON included), the report, or any format of `leakgate report`.

const CLI = path.join(REPO, 'packages/core/dist/cli.mjs')

function leaked(text: string): string[] {
  return (SECRETS as string[]).filter((secret) => text.includes(secret))
}

describe.skipIf(SMOKE)('secrets', () => {
  test('no secret in the terminal, the report, or text, markdown, GitHub, JUnit, SARIF and JSON', async () => {
    const run = await runJest('secrets')
    const why = describeRun(run)
    expect(run.code, why).toBe(1)
    expect(run.report?.summary.violations, why).toBe(ARGV.length + LINES.length + CODE.length)
    const targets = (run.report?.events ?? []).map((event) => event.target)
    expect(targets).toContain('docker login -u alice -p *** registry.example.test')
    expect(targets).toContain("curl -s -H 'Authorization: ***' https://203.0.113.5/api | jq .")
    expect(leaked(run.output)).toEqual([])
    expect(leaked(JSON.stringify(run.results))).toEqual([])
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-secrets-'))
    try {
      const file = path.join(dir, 'leakgate-report.json')
      fs.writeFileSync(file, JSON.stringify(run.report))
      expect(leaked(fs.readFileSync(file, 'utf8'))).toEqual([])
      for (const format of ['text', 'markdown', 'github', 'junit', 'sarif', 'json']) {
        const gate = spawnSync(NODE, [CLI, 'report', '--no-baseline', '--verbose', '--format', format, file], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
          timeout: 60_000,
        })
        expect(gate.status, `${format}: ${gate.stderr}`).toBe(1)
        expect(leaked(gate.stdout + gate.stderr), format).toEqual([])
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
