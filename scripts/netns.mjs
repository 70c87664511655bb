#!/usr/bin/env node
// Runs a command inside a fresh network namespace that has only loopback, so that nothing a test
// does can reach another machine, even when the guard under test has a bug.
//
//   node scripts/netns.mjs <command> [args...]
//
// As root: `unshare -n`; otherwise `unshare -rn` (user namespace). Loopback starts down in a new
// namespace and is brought up first. Where namespaces are unavailable, the command runs as is
// with a warning, and tests that need isolation skip (see test helpers' `isolated()`).
import { spawnSync } from 'node:child_process'

export const ISOLATED_ENV = 'LEAKGATE_NETNS'

export function netnsCommand(command, args) {
  if (process.env[ISOLATED_ENV] === '1') return { command, args, isolated: true }
  if (process.platform !== 'linux') return { command, args, isolated: false }
  const flag = process.getuid?.() === 0 ? '-n' : '-rn'
  const probe = spawnSync('unshare', [flag, 'true'], { stdio: 'ignore' })
  if (probe.status !== 0) return { command, args, isolated: false }
  const script = 'ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null; exec "$@"'
  return { command: 'unshare', args: [flag, 'sh', '-c', script, 'sh', command, ...args], isolated: true }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, ...args] = process.argv.slice(2)
  if (!command) {
    console.error('usage: node scripts/netns.mjs <command> [args...]')
    process.exit(2)
  }
  const plan = netnsCommand(command, args)
  if (!plan.isolated) {
    console.warn('leakgate: no network namespace available here; tests that need isolation will be skipped.')
  }
  const env = { ...process.env, [ISOLATED_ENV]: plan.isolated ? '1' : '0' }
  const result = spawnSync(plan.command, plan.args, { stdio: 'inherit', env })
  if (result.error) {
    console.error(result.error.message)
    process.exit(2)
  }
  process.exit(result.status ?? 1)
}
