import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { LeakgateReport } from '@leakgate/core/report'
import {
  childEnv,
  FIXTURES,
  ISOLATED,
  NODE,
  REPO,
  RUNNER_DIR,
  spawnCollect,
} from '../../../../core/test/support/runner-cli.js'

// Runs the real `node --test` on a copy of a fixture project and collects what it produced:
// the output, the per-test results (fixtures/node-test-support/json-reporter.mjs) and
// leakgate-report.json.
//
// Matrix-ready: LEAKGATE_E2E_NODE picks the node binary (default: this process's);
// LEAKGATE_E2E_RUNNER_DIR a directory whose node_modules holds @leakgate/* and the fixtures'
// dependencies (fixtures are copied to <dir>/work/<unique>/). Default: <repo>/.cache/e2e/.

/** Inside a fresh network namespace: clearnet targets and public names are safe to use. */
export const isolated = ISOLATED

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
  const base = RUNNER_DIR ? path.join(path.resolve(RUNNER_DIR), 'work') : path.join(REPO, '.cache', 'e2e')
  fs.mkdirSync(base, { recursive: true })
  // Its real path: node:test names files by theirs (a runner dir may be reached through a link).
  const root = path.join(fs.realpathSync(base), `node-test-${name}-${randomUUID().slice(0, 8)}`)
  for (const part of ['_shared', 'node-test-support', name]) {
    fs.cpSync(path.join(FIXTURES, part), path.join(root, part), {
      recursive: true,
      filter: (source) => !/[\\/](node_modules|leakgate-[\w-]*\.json|results\.json)$/.test(source),
    })
  }
  return path.join(root, name)
}

/** The child's environment without what would make it a test of this run (Vitest's, node:test's, leakgate's). */
function nodeTestEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const unset: Record<string, undefined> = {}
  for (const key of Object.keys(process.env)) {
    const inherited =
      /^(__)?VITEST/.test(key) ||
      (key.startsWith('LEAKGATE_') && key !== 'LEAKGATE_NETNS') ||
      ['NODE_OPTIONS', 'TEST', 'NODE_TEST_CONTEXT'].includes(key)
    if (inherited) unset[key] = undefined
  }
  return childEnv({ ...unset, ...extra })
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
export async function runNodeTest(cwd: string, options: RunOptions = {}): Promise<NodeTestRun> {
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
  // Both streams in the order they came, as a terminal shows them.
  let output = ''
  const { code } = await spawnCollect('node', NODE, args, {
    cwd,
    env: nodeTestEnv(options.env ?? {}),
    timeout: options.timeout ?? 180_000,
    onOutput: (chunk) => {
      output += chunk
    },
  })
  const raw = readJson<{ files: Record<string, FileResult> }>(resultsFile)
  let results: Record<string, FileResult> | undefined
  if (raw) {
    results = {}
    for (const [file, result] of Object.entries(raw.files)) {
      results[path.relative(cwd, file).split(path.sep).join('/')] = result
    }
  }
  return {
    code,
    output,
    dir: cwd,
    results,
    report: readJson<LeakgateReport>(path.join(cwd, 'leakgate-report.json')),
    seconds: (Date.now() - started) / 1000,
  }
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

/** `[major, minor]` of the node under test. */
export function nodeVersion(): [number, number] {
  const [major, minor] = execFileSync(NODE, ['--version']).toString().trim().replace(/^v/, '').split('.').map(Number)
  return [major ?? 0, minor ?? 0]
}
