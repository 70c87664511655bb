import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// What the e2e harnesses that run a test runner's real CLI on fixtures/ share (Jest's, Mocha's):
// a fresh copy of the fixtures a run needs, the version of the runner a fixture resolves, the
// child's environment, and the run itself in a process group of its own with its output.

export const REPO = path.resolve(fileURLToPath(new URL('../../../../', import.meta.url)))
export const FIXTURES = path.join(REPO, 'fixtures')

/** The node binary to run the runner with (the matrix sets it); default this process's. */
export const NODE = process.env.LEAKGATE_E2E_NODE || process.execPath
/** A directory whose node_modules holds the runner under test (the matrix sets it). */
export const RUNNER_DIR = process.env.LEAKGATE_E2E_RUNNER_DIR || undefined
/** Only the shared leaky and clean suites. */
export const SMOKE = process.env.LEAKGATE_E2E_SCOPE === 'smoke'
/** Inside the fresh network namespace `npm test` creates: documentation addresses are safe to dial. */
export const ISOLATED = process.env.LEAKGATE_NETNS === '1'

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
export const ANSI = /\u001b\[[0-9;]*m/g

let copies = 0

/**
 * A fresh copy of `names` (folders of `fixtures`) under `base/<unique>/fixtures/`, beside a
 * package.json that keeps the fixtures' .js files ES modules (as the repository's does).
 * Returns the copy's fixtures root.
 */
export function copyFixtures(fixtures: string, base: string, names: Iterable<string>): string {
  const unique = `${process.pid}-${Date.now().toString(36)}-${++copies}`
  const root = path.join(base, unique, 'fixtures')
  fs.mkdirSync(root, { recursive: true })
  fs.writeFileSync(path.join(root, '..', 'package.json'), '{ "private": true, "type": "module" }\n')
  for (const name of new Set(names)) {
    fs.cpSync(path.join(fixtures, name), path.join(root, name), {
      recursive: true,
      filter: (source) => !/[\\/](node_modules|coverage)$/.test(source) && !source.endsWith('leakgate-report.json'),
    })
  }
  return root
}

/** The version of `name` that resolves from `dir`. */
export function resolvedVersion(dir: string, name: string): string {
  const file = createRequire(path.join(dir, 'noop.js')).resolve(`${name}/package.json`)
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version
}

/** A JSON file's content, or undefined when the run wrote none. */
export function readJsonIfAny<T>(file: string): T | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined
}

/** This process's environment with `extra` on top; a key set to undefined is left out. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra }
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  return env as NodeJS.ProcessEnv
}

export interface SpawnOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  timeout: number
  onOutput?: ((chunk: string, child: ChildProcess) => void) | undefined
}

/**
 * Runs `command`, collecting its output. A process group of its own: a fixture that kills its
 * group (`process.kill(-0)`, what a refused spawn with pid 0 once caused) takes down that run,
 * never the harness; on timeout the whole group is killed and the run rejects, naming `label`.
 */
export function spawnCollect(
  label: string,
  command: string,
  args: string[],
  options: SpawnOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
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
      reject(new Error(`${label} ${args.join(' ')} timed out after ${options.timeout} ms\n${stdout}\n${stderr}`))
    }, options.timeout)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
