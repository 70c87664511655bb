import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LeakgateReport } from '@leakgate/core/report'

// Runs the real `node --test` on a copy of a fixture project and collects what it produced:
// the output, the per-test results (fixtures/node-test-support/json-reporter.mjs) and
// leakgate-report.json.
//
// Matrix-ready: LEAKGATE_E2E_NODE picks the node binary (default: this process's);
// LEAKGATE_E2E_RUNNER_DIR a directory whose node_modules holds @leakgate/* and the fixtures'
// dependencies (fixtures are copied to <dir>/work/<unique>/). Default: <repo>/.cache/e2e/.

export const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url))
export const fixturesDir = path.join(repoRoot, 'fixtures')
export const nodeBinary = process.env.LEAKGATE_E2E_NODE || process.execPath
export const runnerDir = process.env.LEAKGATE_E2E_RUNNER_DIR ? path.resolve(process.env.LEAKGATE_E2E_RUNNER_DIR) : ''
/** Inside a fresh network namespace: clearnet targets and public names are safe to use. */
export const isolated = process.env.LEAKGATE_NETNS === '1'

export interface TestResult {
  status: 'passed' | 'failed' | 'skipped' | 'todo'
  error?: string
}

export interface FileResult {
  /** Failures node:test reports for the file itself (its `after` hook, its exit code). */
  failures: string[]
  tests: Record<string, TestResult>
}

export interface NodeTestRun {
  code: number | null
  output: string
  /** The copy of the fixture the run happened in. */
  dir: string
  /** By path relative to the fixture, `/`-separated. */
  results: Record<string, FileResult> | undefined
  report: LeakgateReport | undefined
  seconds: number
}

export interface RunOptions {
  /** Test files (relative to the fixture); default: every `tests/*.test.{js,mjs,cjs,ts}`. */
  files?: string[]
  /** Files left out of the run. */
  exclude?: string[]
  /** How the adapter is loaded: `--require` (default) or `--import` (test processes only). */
  preload?: 'require' | 'import' | 'none'
  /** node options before `--test` (e.g. `--test-isolation=none`). */
  nodeArgs?: string[]
  /** Add the shared fixtures' globals (fixtures/node-test-support/globals.mjs). */
  globals?: boolean
  env?: Record<string, string | undefined>
  timeout?: number
  /** Run this script with node instead of `node --test` (for run()). */
  script?: string
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** A fresh copy of `fixtures/_shared`, the node:test support files and the named fixture. */
export function copyFixture(name: string): string {
  const base = runnerDir ? path.join(runnerDir, 'work') : path.join(repoRoot, '.cache', 'e2e')
  fs.mkdirSync(base, { recursive: true })
  // Its real path: node:test names files by theirs (a runner dir may be reached through a link).
  const root = path.join(fs.realpathSync(base), `node-test-${name}-${randomUUID().slice(0, 8)}`)
  for (const part of ['_shared', 'node-test-support', name]) {
    fs.cpSync(path.join(fixturesDir, part), path.join(root, part), {
      recursive: true,
      filter: (source) => !/[\\/](node_modules|leakgate-[\w-]*\.json|results\.json)$/.test(source),
    })
  }
  return path.join(root, name)
}

function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(__)?VITEST/.test(key) || key.startsWith('LEAKGATE_') || key === 'NODE_OPTIONS' || key === 'TEST') continue
    if (key === 'NODE_TEST_CONTEXT') continue
    env[key] = value
  }
  if (process.env.LEAKGATE_NETNS) env.LEAKGATE_NETNS = process.env.LEAKGATE_NETNS
  Object.assign(env, { NO_COLOR: '1', FORCE_COLOR: '0' }, extra)
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key]
  return env
}

function listTests(dir: string, exclude: readonly string[]): string[] {
  return fs
    .readdirSync(path.join(dir, 'tests'))
    .filter((name) => /\.test\.(c|m)?(j|t)s$/.test(name))
    .map((name) => `tests/${name}`)
    .filter((file) => !exclude.includes(file))
    .sort()
}

/** Runs `node --test` (or a script) in `cwd`, a fixture copy. */
export function runNodeTest(cwd: string, options: RunOptions = {}): Promise<NodeTestRun> {
  const resultsFile = path.join(cwd, 'results.json')
  const support = path.join(cwd, '..', 'node-test-support')
  const preload = options.preload ?? 'require'
  const args: string[] = []
  if (preload !== 'none') args.push(`--${preload}`, '@leakgate/node-test')
  if (options.globals !== false) args.push('--import', path.join(support, 'globals.mjs'))
  args.push(...(options.nodeArgs ?? []))
  if (options.script) args.push(options.script)
  else {
    args.push(
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${path.join(support, 'json-reporter.mjs')}`,
      `--test-reporter-destination=${resultsFile}`,
      ...(options.files ?? listTests(cwd, options.exclude ?? [])),
    )
  }
  const started = Date.now()
  return new Promise((resolve, reject) => {
    // A process group of its own: the harness kills the whole run on timeout.
    const child = spawn(nodeBinary, args, { cwd, env: childEnv(options.env ?? {}), detached: true })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }, options.timeout ?? 180_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const raw = readJson<{ files: Record<string, FileResult> }>(resultsFile)
      let results: Record<string, FileResult> | undefined
      if (raw) {
        results = {}
        for (const [file, result] of Object.entries(raw.files)) {
          results[path.relative(cwd, file).split(path.sep).join('/')] = result
        }
      }
      resolve({
        code,
        output,
        dir: cwd,
        results,
        report: readJson<LeakgateReport>(path.join(cwd, 'leakgate-report.json')),
        seconds: (Date.now() - started) / 1000,
      })
    })
  })
}

/** Copies the fixture and runs node --test in it. */
export function runFixture(name: string, options: RunOptions = {}): Promise<NodeTestRun> {
  return runNodeTest(copyFixture(name), options)
}

/** Removes the copy made for a run (kept when LEAKGATE_E2E_KEEP=1). */
export function cleanup(run: NodeTestRun | undefined): void {
  if (!run || process.env.LEAKGATE_E2E_KEEP === '1') return
  fs.rmSync(path.dirname(run.dir), { recursive: true, force: true })
}

function spawnSyncVersion(): string {
  const { execFileSync } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process')
  return execFileSync(nodeBinary, ['--version']).toString().trim()
}

/** `[major, minor]` of the node under test. */
export function nodeVersion(): [number, number] {
  const [major, minor] = spawnSyncVersion().replace(/^v/, '').split('.').map(Number)
  return [major ?? 0, minor ?? 0]
}

/** Runs `jobs` with at most `limit` at a time (the CI machines have 2 cores). */
export async function limited<T>(limit: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length)
  let next = 0
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++
      results[index] = await (jobs[index] as () => Promise<T>)()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker))
  return results
}
