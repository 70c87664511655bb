import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import type { LeakgateReport } from '@leakgate/core/report'
import {
  type CheckOptions,
  checkExpected as checkOutcome,
  type Expected,
  type FileOutcome,
  type RunOutcome,
} from '../../../../core/test/support/expected.js'
import {
  ANSI,
  childEnv,
  copyFixtures,
  FIXTURES,
  ISOLATED,
  NODE,
  REPO,
  RUNNER_DIR,
  readJsonIfAny,
  resolvedVersion,
  SMOKE,
  spawnCollect,
} from '../../../../core/test/support/runner-cli.js'

// Runs the real `mocha` CLI on a fixture project and returns what it said: exit code, output,
// each test's and failed hook's outcome (fixtures/mocha-support/results-reporter.cjs) and the
// leakgate report. Ready for a Node × Mocha matrix:
//
//   LEAKGATE_E2E_NODE        the node binary to run mocha with (default: this process's)
//   LEAKGATE_E2E_RUNNER_DIR  a directory whose node_modules holds the mocha under test and links
//                            to @leakgate/*, expect, nock, express, supertest; the fixtures are
//                            copied to <dir>/work/<unique>/fixtures/ and run there
//   LEAKGATE_E2E_SCOPE=smoke only the shared leaky and clean suites

export { FIXTURES, ISOLATED, NODE, REPO, RUNNER_DIR, SMOKE }

export interface MochaError {
  name: string
  message: string
  stack: string
  causes: string[]
}

export interface MochaTestResult {
  file: string
  titlePath: string[]
  state: 'passed' | 'failed' | 'pending'
  error?: MochaError
}

export interface MochaHookResult {
  file: string | undefined
  titlePath: string[]
  title: string
  error?: MochaError
}

export interface MochaResults {
  tests: MochaTestResult[]
  hooks: MochaHookResult[]
}

export interface MochaRun {
  code: number | null
  stdout: string
  stderr: string
  /** stdout and stderr, ANSI codes removed. */
  output: string
  results: MochaResults | undefined
  report: LeakgateReport | undefined
  /** Where the fixture ran (the copy under the runner dir, or the repository's fixtures). */
  fixtureDir: string
  seconds: number
}

export interface RunOptions {
  /** The config file inside the fixture directory. Default .mocharc.cjs. */
  config?: string
  env?: Record<string, string | undefined>
  timeout?: number
  /** Run a fresh copy of the fixture even outside the matrix (a test that edits its files). */
  copy?: boolean
  /** The reporter: the results reporter (default), or another (then no results are read). */
  reporter?: string
  /** Sees every chunk the run prints, with the process and where the fixture runs. */
  onOutput?: (chunk: string, child: ChildProcess, where: { fixtureDir: string }) => void
}

/** The fixtures root to run from: the repository's, or a fresh copy inside the runner dir. */
function fixturesRoot(fixture: string, copy = false): string {
  if (!RUNNER_DIR && !copy) return FIXTURES
  const base = RUNNER_DIR ? path.join(RUNNER_DIR, 'work') : path.join(REPO, '.cache', 'e2e-mocha')
  return copyFixtures(FIXTURES, base, ['_shared', 'mocha-support', fixture.split('/')[0] as string])
}

/** The mocha CLI that resolves from the fixture (the runner dir's mocha, or the repository's). */
export function mochaBin(fixtureDir: string): string {
  const manifest = createRequire(path.join(fixtureDir, 'noop.js')).resolve('mocha/package.json')
  return path.join(path.dirname(manifest), 'bin', 'mocha.js')
}

/** The version of mocha the fixtures resolve. */
export function mochaVersion(fixtureDir: string = FIXTURES): string {
  return resolvedVersion(fixtureDir, 'mocha')
}

export const MOCHA_MAJOR = Number(mochaVersion(RUNNER_DIR ?? FIXTURES).split('.')[0])

/** Runs `mocha --config <fixture>/<config> ...args` and collects everything it wrote. */
export async function runMocha(fixture: string, args: string[] = [], options: RunOptions = {}): Promise<MochaRun> {
  const root = fixturesRoot(fixture, options.copy)
  // Mocha reports real paths (a runner dir may sit behind a symlink: .matrix).
  const fixtureDir = fs.realpathSync(path.join(root, fixture))
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-mocha-e2e-'))
  const resultsFile = path.join(out, 'results.json')
  const reportFile = path.join(out, 'leakgate-report.json')
  const reporter = options.reporter ?? path.join(root, 'mocha-support', 'results-reporter.cjs')
  const argv = [
    mochaBin(fixtureDir),
    '--config',
    path.join(fixtureDir, options.config ?? '.mocharc.cjs'),
    '--reporter',
    reporter,
    ...args,
  ]
  const env = childEnv({
    LEAKGATE_REPORT_FILE: reportFile,
    LEAKGATE_E2E_RESULTS: resultsFile,
    LEAKGATE_SINK_DIR: undefined,
    LEAKGATE_MODE: undefined,
    ...options.env,
  })
  const started = Date.now()
  const { code, stdout, stderr } = await spawnCollect('mocha', NODE, argv, {
    cwd: fixtureDir,
    env,
    timeout: options.timeout ?? 180_000,
    onOutput: options.onOutput && ((chunk, child) => options.onOutput?.(chunk, child, { fixtureDir })),
  })
  const run: MochaRun = {
    code,
    stdout,
    stderr,
    output: `${stdout}\n${stderr}`.replace(ANSI, ''),
    results: readJsonIfAny<MochaResults>(resultsFile),
    report: readJsonIfAny<LeakgateReport>(reportFile),
    fixtureDir,
    seconds: (Date.now() - started) / 1000,
  }
  fs.rmSync(out, { recursive: true, force: true })
  if (root !== FIXTURES) fs.rmSync(path.dirname(root), { recursive: true, force: true })
  return run
}

/** A test's full name as leakgate names it: the titles without the root's and untitled suites'. */
export function nameOf(titlePath: readonly string[]): string {
  return titlePath.filter((title) => title !== '').join(' > ')
}

function relative(run: MochaRun, file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.relative(run.fixtureDir, file).split(path.sep).join('/')
}

/** The failures leakgate gave a file as a whole (`"after all" hook: leakgate in "<file>"`). */
export function fileFailures(run: MochaRun, file: string): MochaHookResult[] {
  return (run.results?.hooks ?? []).filter((hook) => relative(run, hook.file) === file)
}

/** One test's result, by file (relative to the fixture) and full name. */
export function testResult(run: MochaRun, file: string, name: string): MochaTestResult | undefined {
  return run.results?.tests.find((test) => relative(run, test.file) === file && nameOf(test.titlePath) === name)
}

function shown(error: MochaError | undefined): string {
  if (!error) return ''
  return [error.stack.includes(error.message) ? error.stack : `${error.message}\n${error.stack}`, ...error.causes].join(
    '\nCaused by: ',
  )
}

/** The run as the shared expected.json checker reads it. */
export function mochaOutcome(run: MochaRun): RunOutcome {
  return {
    runner: 'Mocha',
    report: run.report,
    files:
      run.results &&
      ((file): FileOutcome | undefined => {
        const tests = run.results?.tests.filter((test) => relative(run, test.file) === file) ?? []
        const hooks = fileFailures(run, file)
        if (tests.length === 0 && hooks.length === 0) return undefined
        return {
          failure: hooks.map((hook) => `${hook.title}\n${shown(hook.error)}`).join('\n\n'),
          test: (name) => {
            const test = testResult(run, file, name)
            if (!test) return undefined
            const status = test.state === 'passed' ? 'pass' : test.state === 'failed' ? 'fail' : test.state
            return { status, failure: shown(test.error) }
          },
        }
      }),
  }
}

/** Files of fixtures/clean Mocha cannot run, each with the reason (left out of its .mocharc too). */
export const CLEAN_SKIPS: Record<string, string> = {
  'tests/snapshot.test.js': 'the standalone expect package has no toMatchSnapshot (Mocha has no snapshots)',
  'tests/typed.test.ts': 'Mocha runs no TypeScript without a loader (the fixture installs none)',
}

export function checkExpected(run: MochaRun, expected: Expected, options: CheckOptions = {}): string[] {
  return checkOutcome(mochaOutcome(run), expected, options)
}

export { type Expected, readExpected } from '../../../../core/test/support/expected.js'

/** A readable digest for assertion messages. */
export function describeRun(run: MochaRun): string {
  return `exit ${run.code} after ${run.seconds}s\n${run.output.slice(-6000)}`
}
