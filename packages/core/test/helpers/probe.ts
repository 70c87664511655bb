import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { installedNodes } from '../../../../scripts/nodes.mjs'
import { spawnCollect } from '../support/runner-cli.js'

// Runs a probe script (a small CommonJS program using the built engine) on a given Node binary
// and returns what it reported. Probes are separate processes because the engine patches the
// process it runs in, and because each supported Node version must be exercised.

const here = path.dirname(fileURLToPath(import.meta.url))
export const KIT = path.join(here, 'kit.cjs')
export const CORE = path.resolve(here, '../../dist/index.cjs')

/** Supported Node binaries found on this machine (`node scripts/nodes.mjs install` adds them). */
export const nodes = process.env.LEAKGATE_TEST_NODES
  ? process.env.LEAKGATE_TEST_NODES.split(',').map((bin) => ({
      label: path.basename(path.dirname(path.dirname(path.dirname(bin)))) || bin,
      bin,
    }))
  : installedNodes()

/** Does this Node have `node:vfs` behind `--experimental-vfs`? (Older ones refuse the flag.) */
export function hasVfs(bin: string): boolean {
  const out = spawnSync(bin, ['--experimental-vfs', '-p', "typeof process.getBuiltinModule('node:vfs')"], {
    env: { ...process.env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  })
  return out.status === 0 && out.stdout.trim() === 'object'
}

/** A real native addon from the dev dependencies (@swc/core ships one per platform). */
export function findAddon(): string | undefined {
  const scope = path.resolve(here, '../../../../node_modules/@swc')
  for (const entry of fs.existsSync(scope) ? fs.readdirSync(scope) : []) {
    if (!entry.startsWith('core-')) continue
    const file = fs.readdirSync(path.join(scope, entry)).find((name) => name.endsWith('.node'))
    if (file) return path.join(scope, entry, file)
  }
  return undefined
}

/** True inside the fresh network namespace the test command creates (documentation addresses are safe). */
export const isolated = process.env.LEAKGATE_NETNS === '1'

export interface ProbeRun<T> {
  result: T
  stdout: string
  stderr: string
  status: number | null
}

/**
 * Runs `body` (the inside of an async function with `kit` and `core` in scope; it returns the
 * result) with the given Node. Rejects with the probe's output when it crashes.
 */
export async function probe<T = Record<string, unknown>>(
  bin: string,
  body: string,
  options: { env?: Record<string, string | undefined>; args?: string[]; timeout?: number } = {},
): Promise<ProbeRun<T>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-probe-'))
  const file = path.join(dir, 'probe.cjs')
  fs.writeFileSync(
    file,
    `const kit = require(${JSON.stringify(KIT)});\nconst core = kit.core;\n(async () => {\n${body}\n})().then(kit.finish, kit.crash);\n`,
  )
  try {
    const {
      stdout,
      stderr,
      code: status,
    } = await spawnCollect(`probe on ${bin}`, bin, [...(options.args ?? []), file], {
      cwd: process.cwd(),
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
      timeout: options.timeout ?? 30_000,
    })
    const marker = stdout.lastIndexOf('@@LEAKGATE_PROBE@@')
    if (marker === -1) {
      throw new Error(`probe on ${bin} did not report (exit ${status})\n--- stdout\n${stdout}\n--- stderr\n${stderr}`)
    }
    const result = JSON.parse(stdout.slice(marker + '@@LEAKGATE_PROBE@@'.length).split('\n')[0] as string) as T
    return { result, stdout, stderr, status }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** What a probe reports: plain JSON, read loosely by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: probe results are free-form JSON
export type Probed = Record<string, any>

/**
 * Runs a probe twice at once with the given Node: `body('')`, what the guard refuses, and
 * `body(allow)` with every code generation allowed first, what the rule lets run.
 */
export async function evalProbes(
  bin: string,
  body: (allow: string) => string,
  options: { args?: string[] } = {},
): Promise<{ refused: Probed; allowed: Probed }> {
  const [refused, allowed] = await Promise.all([
    probe<Probed>(bin, body(''), { ...options, timeout: 90_000 }),
    probe<Probed>(bin, body('core.allowAudit({ eval: true })'), { ...options, timeout: 90_000 }),
  ])
  return { refused: refused.result, allowed: allowed.result }
}
