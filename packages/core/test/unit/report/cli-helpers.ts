import { spawnSync } from 'node:child_process'
import { CLI } from './helpers.js'

/** Runs the built `leakgate` CLI in `cwd`, without colour and outside GitHub Actions. */
export function leakgate(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete base.GITHUB_STEP_SUMMARY
  delete base.GITHUB_WORKSPACE
  delete base.FORCE_COLOR
  // A bounded wait: a CLI that reads forever (issue 11.3: /dev/zero) fails its test, not the suite.
  const run = spawnSync(process.execPath, [process.env.LEAKGATE_TEST_CLI || CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...base, ...env },
    timeout: 60_000,
    killSignal: 'SIGKILL',
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}
