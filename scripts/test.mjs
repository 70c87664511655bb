#!/usr/bin/env node
// `npm test`: everything CI checks, fastest first.
//   1. build the packages          4. package exports (publint, are-the-types-wrong)
//   2. lint and format (biome)     5. unit, integration and e2e tests, in a network namespace
//   3. typecheck (tsc)
// Before step 1, once: Node 22/24/26 into .matrix/ (nodes.mjs) and the packages the docs and
// init tests install into .cache/npm (sandbox.mjs), both from the npm registry.
// `npm test -- <vitest args>` skips to step 5 with those arguments (e.g. `--project unit`);
// `npm test -- --help` prints this text (Vitest's own flags: `npx vitest --help`).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { netnsCommand } from './netns.mjs'
import { installNodes } from './nodes.mjs'
import { warmSandboxCache } from './sandbox.mjs'
import { scriptUsage } from './usage.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const passthrough = process.argv.slice(2)
if (passthrough.length === 1 && ['--help', '-h'].includes(passthrough[0])) {
  console.log(scriptUsage(import.meta.url))
  process.exit(0)
}

function step(title, command, args, options = {}) {
  const started = Date.now()
  console.log(`\n▶ ${title}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (${seconds}s)`)
    process.exit(result.status ?? 1)
  }
  console.log(`✔ ${title} (${seconds}s)`)
}

const packages = readdirSync(new URL('../packages', import.meta.url))
if (passthrough.length === 0) {
  // The core's integration tests run on every supported Node; install the missing ones (cached).
  installNodes()
  // The docs and init tests install the packed packages and the frameworks into fresh projects,
  // offline inside the namespace: fill their npm cache (.cache/npm) from the registry, once.
  warmSandboxCache()
  step('build', process.execPath, ['scripts/build.mjs', '--quiet'])
  step('lint and format', 'npx', ['biome', 'check', '.'])
  step('typecheck', 'npx', ['tsc', '-p', '.'])
  for (const name of packages) {
    const dir = `packages/${name}`
    step(`publint ${name}`, 'npx', ['publint', '--strict', dir])
    step(`are-the-types-wrong ${name}`, 'npx', ['attw', '--pack', dir])
  }
}
const plan = netnsCommand('npx', ['vitest', 'run', ...passthrough])
if (!plan.isolated) console.warn('leakgate: no network namespace here; isolation-only tests will be skipped.')
step('tests (vitest, isolated network)', plan.command, plan.args, {
  env: { ...process.env, LEAKGATE_NETNS: plan.isolated ? '1' : '0' },
})
