import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LeakgateReport } from '../../../src/report/model.js'
import { bareTemporaryDir } from '../../support/bare-dir.js'
import { leakgate } from '../../unit/report/cli-helpers.js'
import { makeReport, PACKAGE_DIR, startServer, temporaryDir, writeJson } from '../../unit/report/helpers.js'

// The built `leakgate` bin: exit codes, one-line errors (never a stack), help, outputs.

let server: Awaited<ReturnType<typeof startServer>>
let dir: string
let report: LeakgateReport

beforeAll(async () => {
  server = await startServer()
  dir = temporaryDir()
  report = makeReport(dir, server.port, [
    { file: 'test/api.test.ts', name: 'api > fetches', leaks: ['net'] },
    { file: 'test/cli.test.ts', name: 'cli > runs', leaks: ['exec-allowed'] },
  ])
  writeJson(path.join(dir, 'leakgate-report.json'), report)
})

afterAll(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function expectInputError(result: ReturnType<typeof leakgate>, message: string) {
  expect(result.code).toBe(2)
  expect(result.stdout).toBe('')
  expect(result.stderr).toBe(`leakgate: ${message}\n`)
}

describe('exit codes and input errors', () => {
  test('1 on new violations, 0 without', () => {
    expect(leakgate(dir, ['report']).code).toBe(1)
    const clean = { ...report, events: report.events.filter((event) => event.decision.allowed) }
    writeJson(path.join(dir, 'clean.json'), clean)
    const result = leakgate(dir, ['report', 'clean.json'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('✔ leakgate: no new violations (0 known, 1 allowed)')
  })

  test('missing, cut short, foreign: one line, exit 2', () => {
    expectInputError(
      leakgate(dir, ['report', 'nope.json']),
      'nope.json: no such file. Run the tests with the leakgate reporter first (it writes leakgate-report.json), or pass the report path.',
    )
    fs.writeFileSync(
      path.join(dir, 'cut.json'),
      fs.readFileSync(path.join(dir, 'leakgate-report.json'), 'utf8').slice(0, 300),
    )
    expectInputError(
      leakgate(dir, ['report', 'cut.json']),
      'cut.json: is cut short after 300 bytes (not complete JSON). The test run probably stopped while writing it; re-run the tests.',
    )
    writeJson(path.join(dir, 'package.json'), { name: 'x' })
    expectInputError(
      leakgate(dir, ['report', 'package.json']),
      'package.json: is not a leakgate report (no "schemaVersion" and "tool": "@leakgate/core"). Is it another tool\'s JSON?',
    )
    expectInputError(
      leakgate(dir, ['report', '--baseline', 'nope.json']),
      'nope.json: no such file. Create it with `leakgate baseline`, or drop --baseline.',
    )
    expectInputError(
      leakgate(dir, ['report', '--baseline', 'leakgate-report.json']),
      'leakgate-report.json: is a leakgate report, not a baseline. Make a baseline from it with `leakgate baseline <report>`.',
    )
  })

  test('usage errors: exit 2 and a pointer to --help', () => {
    expectInputError(leakgate(dir, ['report', '--nope']), "unknown option '--nope'. See `leakgate report --help`.")
    expectInputError(
      leakgate(dir, ['report', '--format']),
      "option '--format' needs a value. See `leakgate report --help`.",
    )
    expectInputError(
      leakgate(dir, ['report', '--format', 'html']),
      "unknown format 'html'; use one of text, json, markdown, github, junit, sarif. See `leakgate report --help`.",
    )
    expectInputError(
      leakgate(dir, ['deploy']),
      "unknown command 'deploy'; use report, baseline, doctor, init. See `leakgate --help`.",
    )
    expectInputError(leakgate(dir, ['baseline', '-x']), "unknown option '-x'. See `leakgate baseline --help`.")
    expectInputError(
      leakgate(dir, ['baseline', '--prune', '--output', 'none.json']),
      '--prune needs an existing baseline, and none.json does not exist. Create it with `leakgate baseline` (without --prune). See `leakgate baseline --help`.',
    )
    expect(leakgate(dir, []).code).toBe(2)
  })

  test('--help for each command, --version', () => {
    for (const command of ['report', 'baseline', 'doctor']) {
      const result = leakgate(dir, [command, '--help'])
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(new RegExp(`^Usage: leakgate ${command}`))
      expect(leakgate(dir, ['help', command]).stdout).toBe(result.stdout)
    }
    expect(leakgate(dir, ['--help']).stdout).toContain('Exit codes:')
    expect(leakgate(dir, ['--version']).stdout).toMatch(/^\d+\.\d+\.\d+/)
  })
})

describe('outputs', () => {
  test('--output writes the format and prints the verdict', () => {
    const result = leakgate(dir, ['report', '--format', 'sarif', '--output', 'out/leakgate.sarif'])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe(
      '✖ leakgate: 1 new violation (0 known, 1 allowed); to accept them for now: leakgate baseline; sarif written to out/leakgate.sarif\n',
    )
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'out/leakgate.sarif'), 'utf8')).version).toBe('2.1.0')
  })

  test('github: annotations on stdout, the job summary appended to GITHUB_STEP_SUMMARY', () => {
    const summary = path.join(dir, 'step-summary.md')
    fs.writeFileSync(summary, '# earlier step\n')
    const result = leakgate(dir, ['report', '--format', 'github'], {
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_WORKSPACE: dir,
    })
    expect(result.code).toBe(1)
    expect(result.stdout.split('\n')[0]).toMatch(
      /^::error file=leak\.cjs,line=\d+,col=\d+,title=leakgate%3A net\.connect/,
    )
    const text = fs.readFileSync(summary, 'utf8')
    expect(text.startsWith('# earlier step\n## leakgate: ✖ 1 new violation\n')).toBe(true)
  })

  test('colour only on request: FORCE_COLOR, never with NO_COLOR or into a pipe', () => {
    expect(leakgate(dir, ['report']).stdout).not.toContain('\u001b[')
    expect(leakgate(dir, ['report'], { NO_COLOR: '', FORCE_COLOR: '1' }).stdout).toContain('\u001b[31m')
  })

  test('without arguments, the per-shard files are read too; a file given twice counts once', () => {
    const shards = temporaryDir()
    const one = {
      ...report,
      runs: [{ ...(report.runs[0] as LeakgateReport['runs'][0]), id: 'one', shard: { index: 1, count: 2 } }],
    }
    const two = {
      ...report,
      runs: [{ ...(report.runs[0] as LeakgateReport['runs'][0]), id: 'two', shard: { index: 2, count: 2 } }],
    }
    writeJson(path.join(shards, 'leakgate-report.shard-1-of-2.json'), one)
    writeJson(path.join(shards, 'leakgate-report.shard-2-of-2.json'), two)
    const result = leakgate(shards, ['report', '--format', 'json'])
    const merged = JSON.parse(result.stdout)
    expect(merged.runs).toHaveLength(2)
    expect(merged.gate.newViolations).toBe(2)
    // the same path twice is read once; a copy under another name is skipped, with a note
    fs.copyFileSync(path.join(shards, 'leakgate-report.shard-1-of-2.json'), path.join(shards, 'copy.json'))
    const twice = leakgate(shards, ['report', '--format', 'json', 'leakgate-report.shard-1-of-2.json', '*.json'])
    expect(JSON.parse(twice.stdout).gate.newViolations).toBe(2)
    expect(twice.stderr).toBe('leakgate: skipped copy.json: every run in it is in another report given already.\n')
    fs.rmSync(shards, { recursive: true, force: true })
  })
})

describe('doctor', () => {
  test('outside any project: the core probe blocks eval, exec and net; exit 0', () => {
    const empty = bareTemporaryDir('leakgate-doctor-')
    const result = leakgate(empty, ['doctor'])
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(
      /✔ probe: core +eval, exec and a connection to 127\.0\.0\.2 were blocked \(enforce mode\) \[this leakgate/,
    )
    expect(result.stdout).toMatch(/– vitest +not installed/)
    expect(result.code).toBe(0)
    const json = JSON.parse(leakgate(empty, ['doctor', '--json', '--no-probe']).stdout)
    expect(json.ok).toBe(true)
    expect(json.findings.map((finding: { topic: string }) => finding.topic)).not.toContain('probe: core')
    // Nothing was probed, so the verdict must not claim the guard works.
    const text = leakgate(empty, ['doctor', '--no-probe']).stdout
    expect(text).not.toContain('the guard works here')
    expect(text).toContain('✔ leakgate is set up (nothing was run: --no-probe;')
    fs.rmSync(empty, { recursive: true, force: true })
  })
})

describe('doctor in configured projects', () => {
  const REPO = path.resolve(PACKAGE_DIR, '../..')

  test('the leaky fixtures: both frameworks configured, both probes fail their swallowed violation', () => {
    const result = leakgate(REPO, ['doctor', '--dir', 'fixtures/leaky'])
    expect(result.stdout).toMatch(/✔ vitest +[\d.]+; vitest\.config\.mjs mentions @leakgate\/vitest-plugin/)
    expect(result.stdout).toMatch(
      /✔ jest +[\d.]+; testEnvironment is @leakgate\/jest-environment \(jest --showConfig\)/,
    )
    expect(result.stdout).toMatch(
      /✔ probe: vitest +vitest [\d.]+ with @leakgate\/vitest-plugin: a swallowed new Function\(\) failed its test/,
    )
    expect(result.stdout).toMatch(
      /✔ probe: jest +jest [\d.]+ with @leakgate\/jest-environment: a swallowed new Function\(\) failed its test/,
    )
    expect(result.code).toBe(0)
    expect(
      fs.readdirSync(path.join(REPO, 'fixtures/leaky')).filter((name) => name.startsWith('.leakgate-doctor')),
    ).toEqual([])
  }, 60_000)

  test('an unsupported framework version fails, naming the supported ones, and is not probed (issue 10.10)', () => {
    const project = bareTemporaryDir('leakgate-doctor-')
    for (const [name, version] of [
      ['jest', '24.9.0'],
      ['vitest', '2.1.9'],
    ]) {
      const dir = path.join(project, 'node_modules', name as string)
      fs.mkdirSync(dir, { recursive: true })
      writeJson(path.join(dir, 'package.json'), { name, version })
    }
    fs.writeFileSync(
      path.join(project, 'jest.config.cjs'),
      "module.exports = { testEnvironment: '@leakgate/jest-environment' }\n",
    )
    const result = leakgate(project, ['doctor'])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('✖ jest')
    expect(result.stdout).toContain(
      '24.9.0: not supported; leakgate supports Jest 29 and 30 and refuses this version at start. Upgrade Jest to 29 or 30.',
    )
    expect(result.stdout).toContain('2.1.9: not supported; leakgate supports Vitest 3.2, 4.x and 5.x')
    expect(result.stdout).not.toMatch(/probe: (jest|vitest)/)
    fs.rmSync(project, { recursive: true, force: true })
  })

  test('a guard that does nothing is caught: exit 1', () => {
    const project = bareTemporaryDir('leakgate-doctor-')
    const fake = path.join(project, 'node_modules/@leakgate/core')
    fs.mkdirSync(path.join(fake, 'dist'), { recursive: true })
    writeJson(path.join(fake, 'package.json'), { name: '@leakgate/core', version: '0.0.0-broken' })
    fs.writeFileSync(path.join(fake, 'dist/register.cjs'), '// installs nothing\n')
    const result = leakgate(project, ['doctor'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /✖ probe: core +not blocked in a plain Node process: eval \(not blocked\), exec \(not blocked\), net \(ECONNREFUSED\)/,
    )
    fs.rmSync(project, { recursive: true, force: true })
  })
})
