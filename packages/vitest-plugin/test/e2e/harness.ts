import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LeakgateReport } from '@leakgate/core/report'

// Runs the real `vitest` CLI on a copy of a fixture project and collects what it produced.
//
// Matrix-ready: the environment picks the runtime and the Vitest under test.
// - LEAKGATE_E2E_NODE        the node binary (default: this process's)
// - LEAKGATE_E2E_RUNNER_DIR  a directory whose node_modules holds the Vitest version under test
//                            (plus links to @leakgate/*, nock, express, supertest, ...); fixtures
//                            are copied to <dir>/work/<unique>/ so resolution finds that Vitest.
//                            Default: <repo>/.cache/e2e/<unique>/, which resolves the repo's own.
// - LEAKGATE_E2E_SCOPE=smoke only the shared leaky and clean suites, in the default pool.
//
// Fixtures are always run from a fresh copy: runs in parallel never share a report, a snapshot
// or a blob directory.

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
export const fixturesDir = path.join(repoRoot, 'fixtures')
export const nodeBinary = process.env.LEAKGATE_E2E_NODE || process.execPath
export const runnerDir = process.env.LEAKGATE_E2E_RUNNER_DIR ? path.resolve(process.env.LEAKGATE_E2E_RUNNER_DIR) : ''
export const smoke = process.env.LEAKGATE_E2E_SCOPE === 'smoke'
/** Inside a fresh network namespace: clearnet targets and public names are safe to use. */
export const isolated = process.env.LEAKGATE_NETNS === '1'

export interface RunResult {
  code: number | null
  /** stdout and stderr, interleaved as they came. */
  output: string
  /** The copy of the fixture the run happened in. */
  dir: string
  /** Vitest's JSON report, when the run got that far. */
  json: VitestJson | undefined
  /** leakgate-report.json, when written. */
  report: LeakgateReport | undefined
  seconds: number
}

export interface VitestAssertion {
  title: string
  fullName: string
  ancestorTitles: string[]
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo'
  failureMessages: string[]
}

export interface VitestFileResult {
  name: string
  status: 'passed' | 'failed'
  message: string
  assertionResults: VitestAssertion[]
}

export interface VitestJson {
  numFailedTests: number
  numPassedTests: number
  testResults: VitestFileResult[]
}

function findUp(start: string, relative: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative)
    if (fs.existsSync(candidate)) return candidate
    if (path.dirname(dir) === dir) return undefined
  }
}

/** A fresh copy of `fixtures/_shared` and the named fixtures, side by side. Returns its root. */
export function copyFixtures(names: readonly string[]): string {
  const base = runnerDir ? path.join(runnerDir, 'work') : path.join(repoRoot, '.cache', 'e2e')
  const root = path.join(base, `${names[0]}-${randomUUID().slice(0, 8)}`)
  for (const name of ['_shared', ...names]) {
    fs.cpSync(path.join(fixturesDir, name), path.join(root, name), {
      recursive: true,
      // Leftovers of a run made by hand in the fixture itself stay behind.
      filter: (source) =>
        !/[\\/](node_modules|coverage|\.vitest-reports|blob-report|leakgate-[\w-]*\.json|vitest-results\.json)$/.test(
          source,
        ),
    })
  }
  return root
}

/** The environment of a child run: ours, minus what would make the inner Vitest think it is a worker. */
function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(__)?VITEST/.test(key) || key.startsWith('LEAKGATE_') || key === 'NODE_OPTIONS' || key === 'TEST') continue
    env[key] = value
  }
  if (process.env.LEAKGATE_NETNS) env.LEAKGATE_NETNS = process.env.LEAKGATE_NETNS
  Object.assign(env, { NO_COLOR: '1', FORCE_COLOR: '0', CI: '' }, extra)
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key]
  return env
}

export interface RunOptions {
  /** CLI arguments after `vitest`; `run` is added unless `watch` is set. */
  args?: string[]
  env?: Record<string, string | undefined>
  /** Kill the run after this long (ms). */
  timeout?: number
  /** Keep a JSON reporter out of it (for `--merge-reports`, which brings its own). */
  noJson?: boolean
  /** Called with each chunk of output (for watch mode). */
  onOutput?: (chunk: string, child: import('node:child_process').ChildProcess) => void
  watch?: boolean
}

/** Runs the Vitest CLI in `cwd` (a fixture copy). */
export function runVitest(cwd: string, options: RunOptions = {}): Promise<RunResult> {
  const entry = findUp(cwd, path.join('node_modules', 'vitest', 'vitest.mjs'))
  if (!entry) throw new Error(`no vitest installed above ${cwd}`)
  const jsonFile = path.join(cwd, 'vitest-results.json')
  const args = [entry, ...(options.watch ? [] : ['run']), ...(options.args ?? [])]
  if (!options.noJson) args.push('--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`)
  const started = Date.now()
  return new Promise((resolve, reject) => {
    // A process group of its own: a fixture that kills its group (`process.kill(-0)`, what a
    // refused spawn with pid 0 once caused) takes down that run, never the harness.
    const child = spawn(nodeBinary, args, {
      cwd,
      env: childEnv(options.env ?? {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    })
    let output = ''
    const take = (chunk: Buffer) => {
      const text = chunk.toString()
      output += text
      options.onOutput?.(text, child)
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    const timer = setTimeout(() => killGroup(child), options.timeout ?? 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({
        code,
        output,
        dir: cwd,
        json: readJson<VitestJson>(jsonFile),
        report: readJson<LeakgateReport>(path.join(cwd, 'leakgate-report.json')),
        seconds: (Date.now() - started) / 1000,
      })
    })
  })
}

/** Kills a run and its workers (its process group). */
export function killGroup(child: import('node:child_process').ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** Copies the fixture (with `_shared`) and runs Vitest in it. */
export function runFixture(name: string, options: RunOptions = {}): Promise<RunResult> {
  const root = copyFixtures([name])
  return runVitest(path.join(root, name), options)
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

/** Results of one file, by path relative to the fixture. */
export function fileResult(run: RunResult, file: string): VitestFileResult | undefined {
  return run.json?.testResults.find((result) => result.name.split(path.sep).join('/').endsWith(`/${file}`))
}

/** One test's result by its name (`describe > test` joined by spaces in Vitest's fullName). */
export function testResult(run: RunResult, file: string, title: string): VitestAssertion | undefined {
  return fileResult(run, file)?.assertionResults.find((result) => result.title === title)
}

/** Removes the copies made for a run (kept when LEAKGATE_E2E_KEEP=1, for debugging). */
export function cleanup(run: RunResult | undefined): void {
  if (!run || process.env.LEAKGATE_E2E_KEEP === '1') return
  fs.rmSync(path.dirname(run.dir), { recursive: true, force: true })
}
