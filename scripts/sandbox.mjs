#!/usr/bin/env node
// Fresh projects for the tests that use leakgate as a user would (the docs snippets, `leakgate
// init`): the packed tarballs and the frameworks, installed with npm into a temporary folder.
//
// The tests run inside a network namespace, so they install with `--offline` from a cache of
// their own (.cache/npm). `warmSandboxCache()` fills it, once, from the npm registry: `npm test`
// calls it before entering the namespace (`node scripts/sandbox.mjs` does it by hand).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
export const NPM_CACHE = path.join(root, '.cache', 'npm')

/** Exact versions, so a run installs the same tree the cache was warmed with. */
export const SANDBOX_DEPS = {
  vitest: '4.1.12',
  jest: '30.5.2',
  'ts-jest': '29.4.15',
  typescript: '5.9.3',
  '@types/node': '20.19.43',
  '@types/jest': '30.0.0',
  express: '4.22.3',
  '@types/express': '4.17.25',
  supertest: '7.3.2',
  '@types/supertest': '7.2.1',
  ajv: '8.20.0',
  handlebars: '4.7.10',
  nock: '14.0.17',
  msw: '2.15.0',
  mocha: '12.0.3',
  '@types/mocha': '10.0.10',
  // @leakgate/core's own dependency, installed from the tarballs
  'ipaddr.js': '2.5.0',
}

const warmKey = createHash('sha256').update(JSON.stringify(SANDBOX_DEPS)).digest('hex').slice(0, 12)
const warmDir = path.join(root, '.cache', 'sandbox', `warm-${warmKey}`)
const warmMarker = path.join(warmDir, 'warmed')

export function sandboxCacheWarm() {
  return fs.existsSync(warmMarker)
}

function npm(args, cwd, options = {}) {
  return spawnSync('npm', [...args, '--cache', NPM_CACHE, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
    ...options,
  })
}

/** Installs every sandbox dependency once from the registry, so later installs work offline. */
export function warmSandboxCache({ quiet = false } = {}) {
  if (sandboxCacheWarm()) return
  fs.rmSync(warmDir, { recursive: true, force: true })
  fs.mkdirSync(warmDir, { recursive: true })
  fs.writeFileSync(path.join(warmDir, 'package.json'), '{ "name": "leakgate-sandbox-warm", "private": true }\n')
  if (!quiet)
    console.log(`leakgate: caching the docs and init tests' packages in ${path.relative(root, NPM_CACHE)} (once)`)
  const specs = Object.entries(SANDBOX_DEPS).map(([name, version]) => `${name}@${version}`)
  const result = npm(['install', '--prefer-offline', ...specs], warmDir, { stdio: quiet ? 'pipe' : 'inherit' })
  if (result.status !== 0)
    throw new Error(`npm install failed while warming the sandbox cache:\n${result.stderr ?? ''}`)
  // The installed tree is not needed, only what npm cached while installing it.
  fs.rmSync(path.join(warmDir, 'node_modules'), { recursive: true, force: true })
  fs.writeFileSync(warmMarker, `${new Date().toISOString()}\n`)
}

/**
 * A fresh project in `dir`: package.json (`manifest` merged in), then `npm install --offline` of
 * the tarballs and the named sandbox dependencies. Throws with npm's output when it fails.
 */
export function createSandbox(dir, { tarballs = [], deps = [], manifest = {} } = {}) {
  if (!sandboxCacheWarm()) {
    throw new Error(
      'the sandbox cache is empty: run `node scripts/sandbox.mjs` once with network (npm test does it first)',
    )
  }
  fs.mkdirSync(dir, { recursive: true })
  const pkg = { name: 'sandbox', version: '1.0.0', private: true, ...manifest }
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
  const specs = deps.map((name) => {
    const version = SANDBOX_DEPS[name]
    if (!version) throw new Error(`${name} is not a sandbox dependency (scripts/sandbox.mjs)`)
    return `${name}@${version}`
  })
  const result = npm(['install', '--offline', '--save-dev', ...tarballs, ...specs], dir)
  if (result.status !== 0) throw new Error(`npm install in ${dir} failed:\n${result.stdout}${result.stderr}`)
  return dir
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) warmSandboxCache()
