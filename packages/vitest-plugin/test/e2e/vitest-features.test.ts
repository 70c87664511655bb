import fs from 'node:fs'
import path from 'node:path'
import type { ReportEvent } from '@leakgate/core/report'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  cleanup,
  copyFixtures,
  fileResult,
  type RunResult,
  readJson,
  runFixture,
  runVitest,
  smoke,
  testResult,
} from './harness.js'
import { installed, Scenarios } from './scenarios.js'

// Vitest-specific behaviour, one fixture per scenario under fixtures/vitest-*. Every target is
// loopback (127.0.0.2 stands for an outside host), so these run outside the namespace too.
// One CLI run per configuration; the runs start together, two at a time.

const violations = (run: RunResult) => (run.report?.events ?? []).filter((event) => !event.decision.allowed)
const allowed = (run: RunResult) => (run.report?.events ?? []).filter((event) => event.decision.allowed)
const brief = (event: ReportEvent) =>
  `${event.scope.file ?? '-'} | ${event.scope.test ?? '-'} | ${event.scope.phase} | ${event.category} ${event.event} ${event.target}`
const tail = (run: RunResult) => run.output.slice(-4000)

async function runShards(): Promise<RunResult> {
  const root = copyFixtures(['vitest-shard'])
  const dir = path.join(root, 'vitest-shard')
  const shards = await Promise.all(
    [1, 2].map((index) =>
      runVitest(dir, {
        args: [`--shard=${index}/2`, '--reporter=blob'],
        noJson: true,
        env: { LEAKGATE_E2E_REPORT: `leakgate-shard-${index}.json` },
      }),
    ),
  )
  const merged = await runVitest(dir, { args: ['--merge-reports'] })
  merged.output = [...shards.map((shard) => shard.output), merged.output].join('\n---\n')
  return merged
}

/** Watch mode: run, edit the test so it no longer leaks, let Vitest rerun, read both reports. */
async function runWatch(): Promise<RunResult & { reports: unknown[] }> {
  const root = copyFixtures(['vitest-watch'])
  const dir = path.join(root, 'vitest-watch')
  const file = path.join(dir, 'tests', 'watched.test.js')
  const reports: unknown[] = []
  let summaries = 0
  const run = await runVitest(dir, {
    watch: true,
    args: ['--watch'],
    timeout: 60_000,
    onOutput: (chunk, child) => {
      const found = chunk.match(/^leakgate: /gm)?.length ?? 0
      for (let i = 0; i < found; i++) {
        summaries += 1
        reports.push(readJson(path.join(dir, 'leakgate-report.json')))
        if (summaries === 1) {
          // Give the watcher a moment, then change the file: the rerun must start clean.
          setTimeout(() => {
            const source = fs.readFileSync(file, 'utf8')
            fs.writeFileSync(file, source.replace("execSync('echo watched')", "String('no longer leaks')"))
          }, 500)
        } else if (summaries === 2) {
          child.kill('SIGTERM')
        }
      }
    },
  })
  return { ...run, reports }
}

// In the order the tests below ask for them: runs start two at a time in this order, and each
// test's timeout includes waiting for its run (a run started 16th waited for fourteen others
// and overran 240 s on a loaded machine). The realms' runs (inspectEval, the outer realm) are
// in realms.test.ts.
const scenarios = new Scenarios({
  reportMode: () => runFixture('vitest-report-mode'),
  modeFromEnv: () => runFixture('vitest-report-mode', { env: { LEAKGATE_MODE: 'enforce' } }),
  badModeFromEnv: () => runFixture('vitest-report-mode', { env: { LEAKGATE_MODE: 'enforcee' } }),
  configAllow: () => runFixture('vitest-config-allow'),
  lifecycle: () => runFixture('vitest-lifecycle'),
  retryFails: () => runFixture('vitest-retry-fails'),
  lateNoIsolate: () => runFixture('vitest-late', { args: ['--no-file-parallelism', '--no-isolate'] }),
  lateThreads: () => runFixture('vitest-late', { args: ['--pool=threads', '--no-file-parallelism', '--no-isolate'] }),
  lateVmThreads: () => runFixture('vitest-late', { args: ['--pool=vmThreads', '--no-file-parallelism'] }),
  lateVmForks: () => runFixture('vitest-late', { args: ['--pool=vmForks', '--no-file-parallelism'] }),
  projects: () => runFixture('vitest-projects'),
  shards: runShards,
  watch: runWatch,
  coverageV8: () => runFixture('vitest-coverage', { args: ['--coverage.enabled', '--coverage.provider=v8'] }),
  coverageIstanbul: () =>
    runFixture('vitest-coverage', { args: ['--coverage.enabled', '--coverage.provider=istanbul'] }),
  // The vm pool: the test runs in a context of its own, the worker's realm (tamed) one property away.
  coverageV8Vm: () =>
    runFixture('vitest-coverage', { args: ['--pool=vmThreads', '--coverage.enabled', '--coverage.provider=v8'] }),
  coverageIstanbulVm: () =>
    runFixture('vitest-coverage', { args: ['--pool=vmThreads', '--coverage.enabled', '--coverage.provider=istanbul'] }),
  jsdomForks: () => runFixture('vitest-jsdom'),
  jsdomVmThreads: () => runFixture('vitest-jsdom', { args: ['--pool=vmThreads'] }),
  vi: () => runFixture('vitest-vi'),
  vmVi: () => runFixture('vitest-vi', { args: ['--pool=vmForks'] }),
  msw: () => runFixture('vitest-mocks'),
  invalidOptions: () => runFixture('vitest-invalid-options'),
  reportPath: () => runFixture('vitest-invalid-options', { args: ['--config', 'vitest.report-path.config.mjs'] }),
  browser: () => runFixture('vitest-browser'),
  unsupported: () => {
    // An old Vitest as the plugin finds it on disk beside the project.
    const root = copyFixtures(['vitest-unsupported'])
    const dir = path.join(root, 'vitest-unsupported')
    fs.mkdirSync(path.join(dir, 'node_modules', 'vitest'), { recursive: true })
    fs.writeFileSync(
      path.join(dir, 'node_modules', 'vitest', 'package.json'),
      JSON.stringify({ name: 'vitest', version: '2.1.9' }),
    )
    return runVitest(dir)
  },
})

describe.skipIf(smoke)('Vitest-specific behaviour', () => {
  beforeAll(() => scenarios.startAll(2))
  afterAll(async () => (await scenarios.all()).forEach(cleanup))

  test('report mode records everything, blocks nothing, and says so', async () => {
    const run = await scenarios.get('reportMode')
    expect(run.code, tail(run)).toBe(0)
    expect(run.json?.numFailedTests).toBe(0)
    expect(run.report?.runs[0]?.mode).toBe('report')
    const seen = violations(run).map((event) => [event.category, event.event, event.blocked, event.scope.test])
    expect(seen).toEqual(
      expect.arrayContaining([
        ['net', 'net.connect', false, 'a request to an outside host goes through and is recorded'],
        ['exec', 'child_process.execSync', false, 'a command runs and is recorded'],
        ['eval', 'Function', false, 'with strict: true the return-this idiom is recorded too'],
        ['eval', 'eval', false, 'a direct eval keeps its local scope and is recorded'],
      ]),
    )
    expect(run.output).toContain('(report mode: nothing was blocked)')
    expect(run.output).toContain(
      'would block child_process.execSync of "echo reported" (LEAKGATE_EXEC_BLOCKED; report mode: not blocked)',
    )
  })

  test('LEAKGATE_MODE in the environment overrides the configured mode', async () => {
    const run = await scenarios.get('modeFromEnv')
    expect(run.code).toBe(1)
    expect(run.report?.runs[0]?.mode).toBe('enforce')
    expect(testResult(run, 'tests/report.test.js', 'a command runs and is recorded')?.status).toBe('failed')
  })

  test('a bad LEAKGATE_MODE fails the run, naming the variable, and no config', async () => {
    const run = await scenarios.get('badModeFromEnv')
    expect(run.code, tail(run)).toBe(1)
    expect(run.output).toContain('LEAKGATE_MODE (environment): "enforcee" is not a mode')
    expect(run.output).toContain('Valid forms: enforce, report, off')
    expect(run.output).not.toMatch(/jest/i)
  })

  test.skipIf(!installed('express'))('config-level allowances, and allowAudit exported by the plugin', async () => {
    const run = await scenarios.get('configAllow')
    const status = (title: string) => testResult(run, 'tests/config-allow.test.js', title)?.status
    expect(status('the config allows this host'), tail(run)).toBe('passed')
    expect(status('the config allows echo')).toBe('passed')
    expect(status('other commands are still blocked')).toBe('failed')
    expect(status('code generation outside depd is still blocked')).toBe('failed')
    expect(status('allowAudit from the plugin package adds to the config')).toBe('passed')
    const rules = allowed(run).map((event) => `${event.event} ${event.decision.rule} (${event.decision.source})`)
    expect(rules).toEqual(
      expect.arrayContaining([
        'net.connect 127.0.0.2 (config)',
        'child_process.execFileSync echo (config)',
        "Function { from: 'depd' } (config)",
        'child_process.execFileSync true (test)',
      ]),
    )
    expect(violations(run).map(brief)).toEqual([
      'tests/config-allow.test.js | code generation outside depd is still blocked | test | eval Function return 2',
      'tests/config-allow.test.js | other commands are still blocked | test | exec child_process.execFileSync true',
    ])
    expect(run.output).toContain('policy     no rule matched; allow.exec = ["echo"]')
  })

  test('hooks: beforeEach, afterEach and onTestFinished belong to the test; afterAll to the file', async () => {
    const run = await scenarios.get('lifecycle')
    const file = 'tests/each-hooks.test.js'
    const status = (title: string) => testResult(run, file, title)?.status
    expect(status('the test that ran it fails'), tail(run)).toBe('failed')
    expect(status('the next test is clean')).toBe('passed')
    expect(status('the test it ran after fails')).toBe('failed')
    expect(status('the next test is clean too')).toBe('passed')
    expect(status('a leak in onTestFinished fails its test')).toBe('failed')
    expect(violations(run).map(brief)).toEqual([
      'tests/after-all.test.js | - | hook | exec child_process.execSync echo from-after-all',
      'tests/each-hooks.test.js | outer > a leak in onTestFinished fails its test | test | exec child_process.execSync echo from-on-test-finished',
      'tests/each-hooks.test.js | outer > with a leaking afterEach > the test it ran after fails | test | exec child_process.execSync echo from-after-each',
      'tests/each-hooks.test.js | outer > with a leaking beforeEach > the test that ran it fails | test | exec child_process.execSync echo from-before-each',
    ])
    const afterAllFile = fileResult(run, 'tests/after-all.test.js')
    expect(afterAllFile?.message).toContain('LEAKGATE_EXEC_BLOCKED')
    expect(afterAllFile?.assertionResults[0]?.status).toBe('passed')
    // allowAudit inside a describe callback runs while the file is collected: file-wide.
    expect(fileResult(run, 'tests/describe-allow.test.js')?.status).toBe('passed')
    expect(allowed(run).filter((event) => event.scope.file === 'tests/describe-allow.test.js')).toHaveLength(2)
    expect(allowed(run).every((event) => event.decision.source === 'file')).toBe(true)
  })

  test('retries cannot hide a violation; test.fails cannot turn one into a pass', async () => {
    const run = await scenarios.get('retryFails')
    expect(run.code).toBe(1)
    const retried = testResult(
      run,
      'tests/retry.test.js',
      'a leak on the first attempt fails the test even when the retry is clean',
    )
    expect(retried?.status, tail(run)).toBe('failed')
    expect(retried?.failureMessages.join('\n')).toContain('LEAKGATE_EXEC_BLOCKED')
    expect(testResult(run, 'tests/retry.test.js', 'a flaky test without leaks still passes on retry')?.status).toBe(
      'passed',
    )
    const fails = fileResult(run, 'tests/fails.test.js')
    expect(fails?.message).toContain('blocked Function of "return 1" (LEAKGATE_EVAL_BLOCKED)')
    expect(fails?.message).toContain('tests/fails.test.js > an expected failure that leaks')
    expect(fails?.message).toContain('marked test.fails')
    expect(fileResult(run, 'tests/fails-clean.test.js')?.message).toBe('')
    expect(fileResult(run, 'tests/fails-clean.test.js')?.status).toBe('passed')
  })

  test.each([
    ['forks, isolate: false', 'lateNoIsolate'],
    ['threads, isolate: false', 'lateThreads'],
    ['vmThreads', 'lateVmThreads'],
    ['vmForks', 'lateVmForks'],
  ] as const)('%s: work after its file ended fails the run, names its test, blames no other', async (_, key) => {
    const run = await scenarios.get(key)
    expect(run.json?.numFailedTests, tail(run)).toBe(0)
    expect(run.json?.numPassedTests).toBe(2)
    expect(run.code).toBe(1)
    expect(violations(run).map(brief)).toEqual([
      'tests/a-starts-a-timer.test.js | starts a timer that leaks after its file ended | late | net net.connect 127.0.0.2:9',
    ])
    expect(run.output).toContain('leakgate: 1 violation failed no test: it happened after its test file had finished')
    expect(run.output).toContain(
      'tests/a-starts-a-timer.test.js > starts a timer that leaks after its file ended (after the test ended)',
    )
  })

  test('projects: extends: true and a project plugin are guarded; a project with leakgate() off is not', async () => {
    const run = await scenarios.get('projects')
    expect(testResult(run, 'extends/leak.test.js', 'guarded through extends: true')?.status, tail(run)).toBe('failed')
    expect(
      testResult(run, 'no-extends/leak.test.js', 'unguarded on purpose: this project lists leakgate() in mode off')
        ?.status,
    ).toBe('passed')
    expect(testResult(run, 'own-plugin/leak.test.js', "allowed by this project's own options")?.status).toBe('passed')
    expect(testResult(run, 'own-plugin/leak.test.js', 'blocked: not in its options')?.status).toBe('failed')
    expect(violations(run).map(brief)).toEqual([
      'extends/leak.test.js | guarded through extends: true | test | exec child_process.execSync echo from-extends',
      'own-plugin/leak.test.js | blocked: not in its options | test | exec child_process.execFileSync true',
    ])
    expect(run.report?.events.some((event) => event.scope.file?.startsWith('no-extends/'))).toBe(false)
  })

  test('--shard and --merge-reports: per-shard reports, and the merged run still fails with every violation', async () => {
    const run = await scenarios.get('shards')
    const shard1 = readJson<RunResult['report']>(path.join(run.dir, 'leakgate-shard-1.json'))
    const shard2 = readJson<RunResult['report']>(path.join(run.dir, 'leakgate-shard-2.json'))
    expect(shard1?.runs[0]?.shard, tail(run)).toEqual({ index: 1, count: 2 })
    expect(shard2?.runs[0]?.shard).toEqual({ index: 2, count: 2 })
    expect((shard1?.summary.violations ?? 0) + (shard2?.summary.violations ?? 0)).toBe(2)
    expect(run.code).toBe(1)
    expect(run.json?.numFailedTests).toBe(2)
    expect(violations(run).map(brief)).toEqual([
      'tests/a-exec.test.js | shelling out fails this test | test | exec child_process.execSync echo shard',
      'tests/c-eval.test.js | compiling a string fails this test | test | eval Function return 3',
    ])
    expect([...(run.report?.runs[0]?.files ?? [])].sort()).toEqual([
      'tests/a-exec.test.js',
      'tests/b-clean.test.js',
      'tests/c-eval.test.js',
      'tests/d-clean.test.js',
    ])
    // Every file's task says its guard saw it to the end: the merged run is complete.
    expect(run.report?.runs[0]?.incomplete).toBeUndefined()
  })

  test('watch mode: a rerun starts clean', async () => {
    const run = (await scenarios.get('watch')) as RunResult & { reports: RunResult['report'][] }
    expect(run.reports, tail(run)).toHaveLength(2)
    expect(run.reports[0]?.summary.violations).toBe(1)
    expect(run.reports[1]?.summary.violations).toBe(0)
    expect(run.output).toMatch(/leakgate: 1 violation \(exec 1\)[\s\S]*leakgate: no violations/)
  })

  test.each([
    ['v8', 'default pool', 'coverageV8', '@vitest/coverage-v8'],
    ['istanbul', 'default pool', 'coverageIstanbul', '@vitest/coverage-istanbul'],
    ['v8', 'vm pool, the outer realm tamed', 'coverageV8Vm', '@vitest/coverage-v8'],
    ['istanbul', 'vm pool, the outer realm tamed', 'coverageIstanbulVm', '@vitest/coverage-istanbul'],
  ] as const)('coverage (%s; %s) is runner work: nothing flagged', async (_, _pool, key, provider) => {
    if (!installed(provider)) return
    const run = await scenarios.get(key)
    expect(run.code, tail(run)).toBe(0)
    // istanbul's instrumented code calls Function('return this'): a known-benign shape, listed as allowed.
    const flagged = (run.report?.events ?? []).filter(
      (event) => event.decision.rule !== 'benign shape: the global object (return this)',
    )
    expect(flagged).toEqual([])
    expect(fs.existsSync(path.join(run.dir, 'coverage', 'coverage-summary.json'))).toBe(true)
  })

  test.skipIf(!installed('jsdom')).each([
    ['forks', 'jsdomForks'],
    ['vmThreads', 'jsdomVmThreads'],
  ] as const)(
    "jsdom (%s): the DOM is free; <script>, on* attributes, an iframe's Function and XHR to an outside host are caught",
    async (_, key) => {
      const run = await scenarios.get(key)
      const status = (title: string) => testResult(run, 'tests/dom.test.js', title)?.status
      expect(status('building and querying a DOM is not code generation'), tail(run)).toBe('passed')
      expect(status('an inline <script> is code generation')).toBe('failed')
      expect(status('an on* attribute is code generation')).toBe('failed')
      expect(status('an XHR to an outside host is caught')).toBe('failed')
      expect(status("an iframe's window is a realm too: its Function is caught")).toBe('failed')
      // jsdom's string timers (issue 12.4): its own frames compile the test's code. In forks
      // Vitest gives the window Node's timers, which take no string: skipped there.
      const jsdomTimers = key === 'jsdomVmThreads'
      expect(status('a string setTimeout is code generation')).toBe(jsdomTimers ? 'failed' : 'skipped')
      expect(status('a string setInterval is code generation')).toBe(jsdomTimers ? 'failed' : 'skipped')
      expect(status('allowAudit lets a string timer run')).toBe(jsdomTimers ? 'passed' : 'skipped')
      expect(status('function timers are not code generation, and no refused timer code ran')).toBe('passed')
      const seen = violations(run).map((event) => `${event.scope.test} | ${event.category}`)
      expect([...new Set(seen)].sort()).toEqual(
        [
          'an XHR to an outside host is caught | net',
          "an iframe's window is a realm too: its Function is caught | eval",
          'an inline <script> is code generation | eval',
          'an on* attribute is code generation | eval',
          ...(jsdomTimers
            ? ['a string setTimeout is code generation | eval', 'a string setInterval is code generation | eval']
            : []),
        ].sort(),
      )
      const timerEvents = violations(run).filter((event) => event.target.startsWith('window.ranBy'))
      for (const event of timerEvents) expect(event.event).toBe('vm.runInContext')
      expect(allowed(run).map((event) => `${event.scope.test} | ${event.event} | ${event.target}`)).toEqual(
        jsdomTimers ? ['allowAudit lets a string timer run | vm.runInContext | window.ranAllowed = 40 + 2'] : [],
      )
    },
  )

  test.each([
    ['forks', 'vi'],
    ['vmForks', 'vmVi'],
  ] as const)('vi.mock, vi.fn, fake timers, importActual, await import() (%s): nothing flagged', async (_, key) => {
    const run = await scenarios.get(key)
    expect(run.code, tail(run)).toBe(0)
    expect(run.json?.numPassedTests).toBe(8)
    expect(run.report?.events).toEqual([])
  })

  test.skipIf(!installed('msw'))('MSW: answered requests are not flagged, passed-through ones are', async () => {
    const run = await scenarios.get('msw')
    expect(testResult(run, 'tests/msw.test.js', 'requests MSW answers are not flagged')?.status, tail(run)).toBe(
      'passed',
    )
    expect(testResult(run, 'tests/msw.test.js', 'a request MSW lets through is caught')?.status).toBe('failed')
    expect(
      violations(run).map((event) => `${event.scope.test} | ${event.event} ${event.target.replace(/:\d+$/, ':*')}`),
    ).toEqual(['a request MSW lets through is caught | net.connect 127.0.0.2:*'])
  })

  test('invalid options stop the run with the message alone: the key, a did-you-mean, no frames', async () => {
    const run = await scenarios.get('invalidOptions')
    expect(run.code).not.toBe(0)
    expect(run.output).toContain(
      "\nLeakgateError: invalid leakgate option allow.nett: unknown category; did you mean 'net'? Valid forms: net, exec, eval\n",
    )
    // Vitest printed ten frames of leakgate's internals (and `{ code: ... }`) under it.
    expect(run.output).not.toMatch(/^\s+at /m)
    expect(run.output).not.toContain("code: 'LEAKGATE_INVALID_OPTION'")
    expect(run.output).not.toContain('[LeakgateError')
    expect(run.json).toBeUndefined()
  })

  test('a report path that cannot be written is refused at start, naming the option', async () => {
    const run = await scenarios.get('reportPath')
    expect(run.code).not.toBe(0)
    expect(run.output).toContain(
      `LeakgateError: invalid leakgate option report: "plain.txt/leakgate-report.json" (${path.join(run.dir, 'plain.txt/leakgate-report.json')}) cannot be created: plain.txt is a file, not a directory\n`,
    )
    expect(run.output).not.toMatch(/ENOTDIR|^\s+at /m)
    // Refused before any test ran.
    expect(run.json).toBeUndefined()
  })

  test('browser mode is refused with a clear message', async () => {
    const run = await scenarios.get('browser')
    expect(run.code).not.toBe(0)
    expect(run.output).toContain('leakgate: Vitest browser mode cannot be guarded')
    expect(run.output).not.toMatch(/TypeError|Cannot read properties/)
  })

  test('an unsupported Vitest version is refused with a clear message', async () => {
    const run = await scenarios.get('unsupported')
    expect(run.code).not.toBe(0)
    expect(run.output).toContain(
      'leakgate: @leakgate/vitest-plugin supports Vitest 3.2, 4.x and 5.x; this project runs Vitest 2.1.9. Upgrade Vitest to 3.2 or later',
    )
  })
})
