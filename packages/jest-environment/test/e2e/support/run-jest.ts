import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LeakgateReport } from '@leakgate/core/report'

// Runs the real `jest` CLI on a fixture project and returns what it said: exit code, output,
// the `--json` results and the leakgate report. Ready for a Node × Jest matrix:
//
//   LEAKGATE_E2E_NODE        the node binary to run jest with (default: this process's)
//   LEAKGATE_E2E_RUNNER_DIR  a directory whose node_modules holds the jest under test and links
//                            to @leakgate/*, babel, nock, express, supertest; the fixtures are
//                            copied to <dir>/work/<unique>/fixtures/ (same relative layout) and
//                            run there, so every package resolves from that node_modules
//   LEAKGATE_E2E_SCOPE=smoke only the shared leaky and clean suites, one worker configuration

const here = path.dirname(fileURLToPath(import.meta.url))
export const REPO = path.resolve(here, '../../../../..')
export const FIXTURES = path.join(REPO, 'fixtures')

export const NODE = process.env.LEAKGATE_E2E_NODE || process.execPath
export const RUNNER_DIR = process.env.LEAKGATE_E2E_RUNNER_DIR || undefined
export const SMOKE = process.env.LEAKGATE_E2E_SCOPE === 'smoke'
/** Inside the fresh network namespace `npm test` creates: documentation addresses are safe to dial. */
export const ISOLATED = process.env.LEAKGATE_NETNS === '1'

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

let copies = 0

/** The fixtures root to run from: the repository's, or a fresh copy inside the runner dir. */
function fixturesRoot(fixture: string, alongside: string[], copy = false): string {
  if (!RUNNER_DIR && !copy) return FIXTURES
  const unique = `${process.pid}-${Date.now().toString(36)}-${++copies}`
  // Outside the matrix a copy lives in the repository's .cache, where its node_modules resolve.
  const base = RUNNER_DIR ? path.join(RUNNER_DIR, 'work') : path.join(FIXTURES, '..', '.cache', 'e2e-jest')
  const root = path.join(base, unique, 'fixtures')
  // The fixtures' .js files are ES modules by the repository's package.json: keep that true.
  fs.mkdirSync(root, { recursive: true })
  fs.writeFileSync(path.join(root, '..', 'package.json'), '{ "private": true, "type": "module" }\n')
  for (const name of new Set(['_shared', 'jest-support', fixture.split('/')[0] as string, ...alongside])) {
    fs.cpSync(path.join(FIXTURES, name), path.join(root, name), {
      recursive: true,
      filter: (source) => !/[\\/](node_modules|coverage)$/.test(source) && !source.endsWith('leakgate-report.json'),
    })
  }
  return root
}

/** The jest CLI that resolves from the fixture (the runner dir's jest, or the repository's). */
export function jestBin(fixtureDir: string): string {
  return createRequire(path.join(fixtureDir, 'noop.js')).resolve('jest/bin/jest')
}

/** The version of jest the fixture resolves. */
export function jestVersion(fixtureDir: string = FIXTURES): string {
  const file = createRequire(path.join(fixtureDir, 'noop.js')).resolve('jest/package.json')
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version
}

/** The major version of the jest under test. */
export const JEST_MAJOR = Number(jestVersion(RUNNER_DIR ?? FIXTURES).split('.')[0])

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
const ANSI = /\u001b\[[0-9;]*m/g

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
  const env: Record<string, string | undefined> = {
    ...process.env,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    LEAKGATE_REPORT_FILE: reportFile,
    LEAKGATE_SINK_DIR: undefined,
    LEAKGATE_MODE: undefined,
    LEAKGATE_JEST_REPORTER: undefined,
    ...options.env,
  }
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  const started = Date.now()
  const { code, stdout, stderr } = await spawnCollect(NODE, argv, {
    cwd: fixtureDir,
    env: env as NodeJS.ProcessEnv,
    timeout: options.timeout ?? 120_000,
    onOutput: options.onOutput && ((chunk, child) => options.onOutput?.(chunk, child, { fixtureDir, reportFile })),
  })
  const read = <T>(file: string): T | undefined =>
    fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined
  const run: JestRun = {
    code,
    stdout,
    stderr,
    output: `${stdout}\n${stderr}`.replace(ANSI, ''),
    results: read<JestResults>(resultsFile),
    report: read<LeakgateReport>(reportFile),
    fixtureDir,
    seconds: (Date.now() - started) / 1000,
  }
  fs.rmSync(out, { recursive: true, force: true })
  if (RUNNER_DIR && !options.keep && !options.root) fs.rmSync(path.dirname(root), { recursive: true, force: true })
  return run
}

function spawnCollect(
  command: string,
  args: string[],
  options: {
    cwd: string
    env: NodeJS.ProcessEnv
    timeout: number
    onOutput?: ((chunk: string, child: ChildProcess) => void) | undefined
  },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // A process group of its own: a fixture that kills its group (`process.kill(-0)`, what a
    // refused spawn with pid 0 once caused) takes down that run, never the harness.
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      options.onOutput?.(String(chunk), child)
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      options.onOutput?.(String(chunk), child)
    })
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
      reject(new Error(`jest ${args.join(' ')} timed out after ${options.timeout} ms\n${stdout}\n${stderr}`))
    }, options.timeout)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
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
