import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import type { LeakgateReport } from '@leakgate/core/report'
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

// Runs the real `jest` CLI on a fixture project and returns what it said: exit code, output,
// the `--json` results and the leakgate report. Ready for a Node × Jest matrix:
//
//   LEAKGATE_E2E_NODE        the node binary to run jest with (default: this process's)
//   LEAKGATE_E2E_RUNNER_DIR  a directory whose node_modules holds the jest under test and links
//                            to @leakgate/*, babel, nock, express, supertest; the fixtures are
//                            copied to <dir>/work/<unique>/fixtures/ (same relative layout) and
//                            run there, so every package resolves from that node_modules
//   LEAKGATE_E2E_SCOPE=smoke only the shared leaky and clean suites, one worker configuration

export { FIXTURES, ISOLATED, NODE, REPO, RUNNER_DIR, SMOKE }

export interface JestAssertion {
  ancestorTitles: string[]
  title: string
  fullName: string
  status: 'passed' | 'failed' | 'pending' | 'todo' | 'skipped' | 'disabled'
  failureMessages: string[]
}

export interface JestFileResult {
  name: string
  status: 'passed' | 'failed'
  message: string
  assertionResults: JestAssertion[]
}

export interface JestResults {
  success: boolean
  numFailedTests: number
  numPassedTests: number
  numFailedTestSuites: number
  numRuntimeErrorTestSuites: number
  testResults: JestFileResult[]
}

export interface JestRun {
  code: number | null
  stdout: string
  stderr: string
  /** stdout and stderr, ANSI codes removed. */
  output: string
  results: JestResults | undefined
  report: LeakgateReport | undefined
  /** Where the fixture ran (the copy under the runner dir, or the repository's fixtures). */
  fixtureDir: string
  /** The run's seconds, for the log. */
  seconds: number
}

export interface RunOptions {
  /** The config file inside the fixture directory. Default jest.config.cjs. */
  config?: string
  env?: Record<string, string | undefined>
  /** Node options for the jest process (e.g. --experimental-vm-modules). */
  nodeArgs?: string[]
  timeout?: number
  /** Other fixture directories the fixture needs beside it (relative to fixtures/). */
  alongside?: string[]
  /** Run a fresh copy of the fixture even outside the matrix (a test that edits its files). */
  copy?: boolean
  /** Run in this fixtures root (a copy an earlier run kept with `keep`), not a new one. */
  root?: string
  /** Keep the copy after the run (the caller removes it). */
  keep?: boolean
  /** Sees every chunk the run prints (stdout and stderr), with the process and where it runs and reports. */
  onOutput?: (chunk: string, child: ChildProcess, where: { fixtureDir: string; reportFile: string }) => void
}

/** The fixtures root to run from: the repository's, or a fresh copy inside the runner dir. */
function fixturesRoot(fixture: string, alongside: string[], copy = false): string {
  if (!RUNNER_DIR && !copy) return FIXTURES
  // Outside the matrix a copy lives in the repository's .cache, where its node_modules resolve.
  const base = RUNNER_DIR ? path.join(RUNNER_DIR, 'work') : path.join(REPO, '.cache', 'e2e-jest')
  return copyFixtures(FIXTURES, base, ['_shared', 'jest-support', fixture.split('/')[0] as string, ...alongside])
}

/** The jest CLI that resolves from the fixture (the runner dir's jest, or the repository's). */
export function jestBin(fixtureDir: string): string {
  return createRequire(path.join(fixtureDir, 'noop.js')).resolve('jest/bin/jest')
}

/** The version of jest the fixture resolves. */
export function jestVersion(fixtureDir: string = FIXTURES): string {
  return resolvedVersion(fixtureDir, 'jest')
}

/** The major version of the jest under test. */
export const JEST_MAJOR = Number(jestVersion(RUNNER_DIR ?? FIXTURES).split('.')[0])

/** Runs `jest --config <fixture>/<config> ...args --json` and collects everything it wrote. */
export async function runJest(fixture: string, args: string[] = [], options: RunOptions = {}): Promise<JestRun> {
  const root = options.root ?? fixturesRoot(fixture, options.alongside ?? [], options.copy)
  const fixtureDir = path.join(root, fixture)
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-jest-e2e-'))
  const resultsFile = path.join(out, 'results.json')
  const reportFile = path.join(out, 'leakgate-report.json')
  const argv = [
    ...(options.nodeArgs ?? []),
    jestBin(fixtureDir),
    '--config',
    path.join(fixtureDir, options.config ?? 'jest.config.cjs'),
    '--json',
    `--outputFile=${resultsFile}`,
    '--ci',
    ...args,
  ]
  const env = childEnv({
    LEAKGATE_REPORT_FILE: reportFile,
    LEAKGATE_SINK_DIR: undefined,
    LEAKGATE_MODE: undefined,
    LEAKGATE_JEST_REPORTER: undefined,
    ...options.env,
  })
  const started = Date.now()
  const { code, stdout, stderr } = await spawnCollect('jest', NODE, argv, {
    cwd: fixtureDir,
    env,
    timeout: options.timeout ?? 120_000,
    onOutput: options.onOutput && ((chunk, child) => options.onOutput?.(chunk, child, { fixtureDir, reportFile })),
  })
  const run: JestRun = {
    code,
    stdout,
    stderr,
    output: `${stdout}\n${stderr}`.replace(ANSI, ''),
    results: readJsonIfAny<JestResults>(resultsFile),
    report: readJsonIfAny<LeakgateReport>(reportFile),
    fixtureDir,
    seconds: (Date.now() - started) / 1000,
  }
  fs.rmSync(out, { recursive: true, force: true })
  if (RUNNER_DIR && !options.keep && !options.root) fs.rmSync(path.dirname(root), { recursive: true, force: true })
  return run
}

/** The result of one test file, by its path relative to the fixture. */
export function fileResult(run: JestRun, relative: string): JestFileResult | undefined {
  const wanted = path.join(run.fixtureDir, relative)
  return run.results?.testResults.find((file) => file.name === wanted)
}

/** The result of one test, by file and full name (`describe > test` or just the title). */
export function testResult(run: JestRun, relative: string, name: string): JestAssertion | undefined {
  return fileResult(run, relative)?.assertionResults.find(
    (test) => [...test.ancestorTitles, test.title].join(' > ') === name,
  )
}

/** A readable digest for assertion messages. */
export function describeRun(run: JestRun): string {
  return `exit ${run.code} after ${run.seconds}s\n${run.output.slice(-6000)}`
}
