import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { type Finding, findPackage } from './inspect.js'

// A framework probe: one test, run by the project's own Vitest or Jest with the leakgate adapter,
// that calls `new Function()` and swallows the error. The run must fail with
// LEAKGATE_EVAL_BLOCKED: that proves the adapter loads with this framework version, tames the
// realm the tests run in, and fails a test even when the code under test catches the error.
//
// The probe runs with a config of its own in a temporary folder inside the project (so the
// project's node_modules resolve), not with the project's config: the project's include
// patterns would not find the probe file. `doctor` checks the project's config as text instead.

export interface FrameworkProbe {
  framework: 'vitest' | 'jest'
  adapter: string
  /** Files to write in the probe folder. */
  files: Record<string, string>
  /** The command line, given the framework's install dir and the probe folder. */
  args(frameworkDir: string, dir: string): string[]
}

const PROBE_TEST_NAME = 'leakgate doctor probe: a swallowed new Function() fails the test'
const PROBE_BODY = `() => {\n  try {\n    new Function('return 1')\n  } catch {}\n}`

export const VITEST_PROBE: FrameworkProbe = {
  framework: 'vitest',
  adapter: '@leakgate/vitest-plugin',
  files: {
    'probe.test.mjs': `import { test } from 'vitest'\n\ntest(${JSON.stringify(PROBE_TEST_NAME)}, ${PROBE_BODY})\n`,
    'vitest.config.mjs': `import { leakgate } from '@leakgate/vitest-plugin'\n\nexport default {\n  plugins: [leakgate({ mode: 'enforce', report: false })],\n  test: { include: ['probe.test.mjs'], watch: false },\n}\n`,
  },
  args: (frameworkDir, dir) => [
    path.join(frameworkDir, 'vitest.mjs'),
    'run',
    '--root',
    dir,
    '--config',
    path.join(dir, 'vitest.config.mjs'),
  ],
}

export const JEST_PROBE: FrameworkProbe = {
  framework: 'jest',
  adapter: '@leakgate/jest-environment',
  files: {
    'probe.test.cjs': `test(${JSON.stringify(PROBE_TEST_NAME)}, ${PROBE_BODY})\n`,
    'jest.config.cjs': `module.exports = {\n  rootDir: __dirname,\n  testEnvironment: '@leakgate/jest-environment',\n  testMatch: ['<rootDir>/probe.test.cjs'],\n  transform: {},\n  watchman: false,\n}\n`,
  },
  args: (frameworkDir, dir) => [
    path.join(frameworkDir, 'bin', 'jest.js'),
    '--ci',
    '--config',
    path.join(dir, 'jest.config.cjs'),
  ],
}

/** The line that says why a run failed: an error or a failed suite, else the last lines. */
function explain(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  const telling = lines.find((line) => /Error|Cannot find|cannot be found|No test|failed to run/i.test(line))
  return (telling ?? lines.slice(-3).join(' | ')).slice(0, 300)
}

export function probeFramework(probe: FrameworkProbe, projectDir: string): Finding {
  const topic = `probe: ${probe.framework}`
  const framework = findPackage(probe.framework, projectDir)
  if (!framework) return { status: 'info', topic, detail: `skipped: ${probe.framework} is not installed` }
  if (!findPackage(probe.adapter, projectDir)) {
    return { status: 'warn', topic, detail: `skipped: ${probe.adapter} is not installed (npm i -D ${probe.adapter})` }
  }
  const dir = path.join(projectDir, `.leakgate-doctor-${process.pid}`)
  fs.mkdirSync(dir, { recursive: true })
  try {
    for (const [name, text] of Object.entries(probe.files)) fs.writeFileSync(path.join(dir, name), text)
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LEAKGATE_MODE: 'enforce',
      CI: '1',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    }
    delete env.LEAKGATE_SINK_DIR
    delete env.LEAKGATE_CONTEXT
    delete env.GITHUB_ACTIONS
    const run = spawnSync(process.execPath, probe.args(framework.dir, dir), {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    })
    const output = `${run.stdout}\n${run.stderr}`
    if (run.error) return { status: 'fail', topic, detail: `could not run ${probe.framework}: ${run.error.message}` }
    if (run.status === 0) {
      return {
        status: 'fail',
        topic,
        detail: `the probe test passed: a swallowed new Function() was not caught with ${probe.adapter}`,
      }
    }
    if (!output.includes('LEAKGATE_EVAL_BLOCKED')) {
      const last = explain(output)
      return {
        status: 'fail',
        topic,
        detail: `${probe.framework} failed, but not on leakgate's violation: ${last}`,
      }
    }
    return {
      status: 'ok',
      topic,
      detail: `${probe.framework} ${framework.version} with ${probe.adapter}: a swallowed new Function() failed its test (LEAKGATE_EVAL_BLOCKED)`,
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
