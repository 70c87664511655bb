import fs from 'node:fs'
import path from 'node:path'
import type { LeakgateReport } from '@leakgate/core/report'
import { describe, expect, test } from 'vitest'
import { describeRun, fileResult, runJest, SMOKE, testResult } from './support/run-jest.js'

// Modes and where rules come from. Loopback targets only (127.0.0.2 is "outside" to the policy).

describe.skipIf(SMOKE)('policy from the Jest config', () => {
  test('report mode: everything runs and passes, the report has every event, the run exits 0', async () => {
    const run = await runJest('jest-report-mode')
    expect(run.code, describeRun(run)).toBe(0)
    expect(run.results?.numFailedTests).toBe(0)
    const report = run.report
    expect(report?.runs[0]?.mode).toBe('report')
    const events = (report?.events ?? []).map((event) => [event.scope.test, event.event, event.blocked, event.mode])
    expect(events).toEqual([
      ['a command runs and is reported', 'child_process.execFileSync', false, 'report'],
      ['a request to an outside host goes out and is reported', 'net.connect', false, 'report'],
      ['code generation runs and is reported', 'Function', false, 'report'],
    ])
    expect(report?.summary.violations).toBe(3)
    expect(run.output).toMatch(
      /leakgate: 3 violations \(net 1, exec 1, eval 1\), \d+ allowed by rules; report: \S+ \(report mode: nothing was blocked\)/,
    )
    // Nothing was blocked, and the first line (the one runners show alone) says so.
    for (const event of report?.events ?? []) {
      expect(event.message).toMatch(/^would block .* \(LEAKGATE_[A-Z]+_BLOCKED; report mode: not blocked\)$/)
    }
  })

  test('LEAKGATE_MODE=enforce overrides the config', async () => {
    const run = await runJest('jest-report-mode', [], { env: { LEAKGATE_MODE: 'enforce' } })
    expect(run.code, describeRun(run)).toBe(1)
    expect(run.results?.numFailedTests).toBe(3)
    expect(run.report?.runs[0]?.mode).toBe('enforce')
  })

  test('allow in the config applies to every test; a test adds its own rules', async () => {
    const run = await runJest('jest-config-allow')
    const why = describeRun(run)
    expect(run.code, why).toBe(1)
    const file = 'tests/config-allow.test.js'
    expect(testResult(run, file, 'the config allows this host')?.status, why).toBe('passed')
    expect(testResult(run, file, 'the config allows this command')?.status, why).toBe('passed')
    expect(testResult(run, file, 'a test adds its own rule to the config')?.status, why).toBe('passed')
    const noGlobal = 'the leakgate options are not a global of the test (Jest copies testEnvironmentOptions there)'
    expect(testResult(run, file, noGlobal)?.status, why).toBe('passed')
    const refused = testResult(run, file, 'a command the config does not name fails the test')
    expect(refused?.status).toBe('failed')
    expect(refused?.failureMessages.join('\n')).toContain('policy     no rule matched; allow.exec = ["echo"]')
    const allowed = (run.report?.events ?? [])
      .filter((event) => event.decision.allowed)
      .map((event) => [event.scope.test, event.event, event.decision.rule, event.decision.source])
    expect(allowed).toEqual([
      ['a test adds its own rule to the config', 'child_process.execSync', 'echo', 'config'],
      ['the config allows this command', 'child_process.execFileSync', 'echo', 'config'],
      ['the config allows this host', 'net.connect', '127.0.0.2', 'config'],
    ])
  })

  test.each([
    ['child processes', []],
    ['worker threads', ['--workerThreads', '--maxWorkers=2']],
  ])('projects: each project has its own options; one reporter writes one report for the run (%s)', async (_, args) => {
    const run = await runJest('jest-projects', args)
    const why = describeRun(run)
    expect(run.code, why).toBe(1)
    const status = (file: string, name: string) => testResult(run, file, name)?.status
    expect(status('api/tests/api.test.js', 'echo is allowed by this project'), why).toBe('passed')
    expect(status('api/tests/api.test.js', 'another command is not'), why).toBe('failed')
    expect(status('web/tests/web.test.js', 'echo is not allowed in this project'), why).toBe('failed')
    expect(status('web/tests/web.test.js', 'a clean test passes'), why).toBe('passed')
    const events = (run.report?.events ?? []).map((event) => [
      event.scope.file,
      event.target,
      event.decision.allowed,
      event.decision.source ?? null,
    ])
    expect(events).toEqual([
      ['api/tests/api.test.js', 'true', false, null],
      ['web/tests/web.test.js', 'echo web', false, null],
      ['api/tests/api.test.js', 'echo api', true, 'config'],
    ])
    expect(run.report?.runs).toHaveLength(1)
    expect(run.report?.runs[0]?.files).toEqual(['api/tests/api.test.js', 'web/tests/web.test.js'])
  })

  test('watch mode (--watchAll): each run writes its report, and a rerun starts clean', async () => {
    const reports: (LeakgateReport | undefined)[] = []
    const run = await runJest('jest-projects', ['--watchAll'], {
      copy: true,
      timeout: 90_000,
      onOutput: (chunk, child, { fixtureDir, reportFile }) => {
        for (const _ of chunk.match(/^leakgate: /gm) ?? []) {
          reports.push(JSON.parse(fs.readFileSync(reportFile, 'utf8')) as LeakgateReport)
          if (reports.length === 1) {
            // Stop the leak in one file: the rerun must not carry the first run's violation.
            const file = path.join(fixtureDir, 'api', 'tests', 'api.test.js')
            setTimeout(() => {
              const source = fs.readFileSync(file, 'utf8')
              fs.writeFileSync(file, source.replace("execFileSync('true')", "String('no longer leaks')"))
            }, 500)
          } else if (reports.length === 2) {
            child.kill('SIGTERM')
          }
        }
      },
    })
    fs.rmSync(path.dirname(path.dirname(run.fixtureDir)), { recursive: true, force: true })
    const targets = (report: LeakgateReport | undefined) =>
      (report?.events ?? []).filter((event) => !event.decision.allowed).map((event) => event.target)
    expect(reports, describeRun(run)).toHaveLength(2)
    expect(targets(reports[0])).toEqual(['true', 'echo web'])
    expect(targets(reports[1])).toEqual(['echo web'])
    expect(reports[1]?.summary.violations).toBe(1)
  })

  test('invalid options: every suite fails to run with a message that names the key and the config', async () => {
    const run = await runJest('jest-invalid-options')
    expect(run.code, describeRun(run)).toBe(1)
    const message = fileResult(run, 'tests/any.test.js')?.message ?? ''
    expect(message).toContain('Test suite failed to run')
    expect(message).toContain(
      `invalid leakgate option allow.net: expected true or an array of rules, got "api.example.com"; did you mean ['api.example.com']?`,
    )
    expect(message).toContain('Valid forms:')
    expect(message).toContain('in the Jest config:  testEnvironmentOptions: { leakgate: { ... } }')
    expect(message.match(/in the Jest config/g)).toHaveLength(1)
  })

  test('a bad LEAKGATE_MODE fails every suite, pointing at the environment, not the config', async () => {
    const run = await runJest('jest-report-mode', [], { env: { LEAKGATE_MODE: 'enforcee' } })
    expect(run.code, describeRun(run)).toBe(1)
    const message = fileResult(run, 'tests/report.test.js')?.message ?? ''
    expect(message).toContain('LEAKGATE_MODE (environment): "enforcee" is not a mode')
    expect(message).toContain('Valid forms: enforce, report, off')
    expect(message).toContain('in the environment:  LEAKGATE_MODE=enforce, report or off')
    expect(message).not.toContain('in the Jest config')
  })

  test('an unknown reporter option stops Jest before any test, naming it', async () => {
    const run = await runJest('jest-invalid-options', [], { config: 'jest.reporter.config.cjs' })
    expect(run.code, describeRun(run)).toBe(1)
    expect(run.results).toBeUndefined()
    expect(run.stderr).toContain(
      "invalid option outputfile of the reporter '@leakgate/jest-environment/reporter': unknown option; did you mean 'outputFile'? Valid options: outputFile, silent",
    )
  })

  test('a reporter outputFile that cannot be written stops Jest at start, naming it', async () => {
    const run = await runJest('jest-invalid-options', [], { config: 'jest.output-file.config.cjs' })
    expect(run.code, describeRun(run)).toBe(1)
    expect(run.results).toBeUndefined()
    expect(run.stderr).toContain(
      `invalid option outputFile of the reporter '@leakgate/jest-environment/reporter': "plain.txt/leakgate-report.json" (${path.join(run.fixtureDir, 'plain.txt/leakgate-report.json')}) cannot be created: plain.txt is a file, not a directory`,
    )
    expect(run.stderr).not.toMatch(/ENOTDIR|^\s+at .*reporter/m)
  })
})
