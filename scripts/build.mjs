#!/usr/bin/env node
// Builds every package (tsdown). `--quiet` (what `npm ci` runs through `prepare`) prints one line
// on success and the whole build output only when a build fails: an install is not the place for
// a hundred lines of bundler statistics.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const quiet = process.argv.includes('--quiet')
const started = Date.now()
const result = spawnSync('npm', ['run', 'build', '--workspaces', '--if-present', '--silent'], {
  cwd: root,
  stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  encoding: 'utf8',
  // Interleaved output of a failed build is read by a person: keep it whole.
  maxBuffer: 64 * 1024 * 1024,
})
if (result.status !== 0) {
  if (quiet) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`)
  console.error(`leakgate: the build failed (exit ${result.status ?? result.signal}); see the output above.`)
  process.exit(result.status ?? 1)
}
if (quiet) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  console.log(
    `leakgate: built @leakgate/core, @leakgate/vitest-plugin, @leakgate/jest-environment, @leakgate/mocha and @leakgate/node-test (${seconds}s)`,
  )
}
