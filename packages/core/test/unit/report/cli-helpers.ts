import { spawnSync } from 'node:child_process'
import { CLI } from './helpers.js'

/** Runs the built `leakgate` CLI in `cwd`, without colour and outside GitHub Actions. */
export function leakgate(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete base.GITHUB_STEP_SUMMARY
  delete base.GITHUB_WORKSPACE
  delete base.FORCE_COLOR
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...base, ...env } })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}
