// The macro suite's configurations and one real CLI run of each. A run is timed from spawn to
// exit (wall time: what a developer or CI waits for) and must pass with the expected number of
// tests, or the benchmark stops: a configuration that fails is not measured.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const VITEST = 'node_modules/vitest/vitest.mjs'
const JEST = 'node_modules/jest/bin/jest.js'

function vitest(name) {
  return { framework: 'vitest', config: `bench/vitest/${name}.config.mjs` }
}

function jest(name) {
  return { framework: 'jest', config: `bench/jest/${name}.config.cjs` }
}

/**
 * Every configuration, with the one its ratio is taken against (run in the same round).
 * jest-offline cannot let loopback through, so it runs on the suite without its network files,
 * beside the baseline and leakgate on that same subset.
 */
export const SUITES = [
  { id: 'vitest-none', label: 'Vitest, no guard', tests: 310, ...vitest('none') },
  { id: 'vitest-leakgate', label: 'Vitest + leakgate', tests: 310, baseline: 'vitest-none', ...vitest('leakgate') },
  { id: 'vitest-nock', label: 'Vitest + nock', tests: 310, baseline: 'vitest-none', ...vitest('nock') },
  { id: 'jest-none', label: 'Jest, no guard', tests: 310, ...jest('none') },
  { id: 'jest-leakgate', label: 'Jest + leakgate', tests: 310, baseline: 'jest-none', ...jest('leakgate') },
  { id: 'jest-nock', label: 'Jest + nock', tests: 310, baseline: 'jest-none', ...jest('nock') },
  { id: 'jest-none-nonet', label: 'Jest, no guard (no network files)', tests: 210, ...jest('none-nonet') },
  {
    id: 'jest-leakgate-nonet',
    label: 'Jest + leakgate (no network files)',
    tests: 210,
    baseline: 'jest-none-nonet',
    ...jest('leakgate-nonet'),
  },
  {
    id: 'jest-offline',
    label: 'Jest + jest-offline (no network files)',
    tests: 210,
    baseline: 'jest-none-nonet',
    ...jest('offline'),
  },
]

/**
 * Public projects' own suites (bench/real/<name>, pinned and vendored: see each PROVENANCE.md),
 * run from their own directory (their tests read files relative to it) with the repository's
 * runners; their dependencies are installed by `installReal` with `npm ci`.
 */
function real(name, framework, config) {
  const ext = framework === 'vitest' ? 'mjs' : 'cjs'
  return { framework, real: name, cwd: `bench/real/${name}`, config: `${config}.config.${ext}` }
}

export const REAL_SUITES = [
  {
    id: 'hpm-none',
    label: 'http-proxy-middleware (Vitest), no guard',
    tests: 295,
    ...real('http-proxy-middleware', 'vitest', 'none'),
  },
  {
    id: 'hpm-leakgate',
    label: 'http-proxy-middleware (Vitest) + leakgate',
    tests: 295,
    baseline: 'hpm-none',
    ...real('http-proxy-middleware', 'vitest', 'leakgate'),
  },
  { id: 'koa-none', label: 'koa (Jest), no guard', tests: 376, ...real('koa', 'jest', 'none') },
  {
    id: 'koa-leakgate',
    label: 'koa (Jest) + leakgate',
    tests: 376,
    baseline: 'koa-none',
    ...real('koa', 'jest', 'leakgate'),
  },
  // nock's run leaves one test out (see bench/real/koa/nock.config.cjs).
  { id: 'koa-nock', label: 'koa (Jest) + nock', tests: 375, baseline: 'koa-none', ...real('koa', 'jest', 'nock') },
]

/** The command line a reader can type to run one configuration. */
export function commandOf(suite) {
  const run =
    suite.framework === 'vitest' ? `npx vitest run --config ${suite.config}` : `npx jest --config ${suite.config}`
  return suite.cwd ? `(cd ${suite.cwd} && ${run})` : run
}

/**
 * Installs the real suites' dependencies (`npm ci` from their package-lock.json), once: a
 * directory whose lock file has not changed since its last install is left as it is.
 */
export function installReal(root, log) {
  for (const name of new Set(REAL_SUITES.map((s) => s.real))) {
    const dir = path.join(root, 'bench/real', name)
    const lock = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')
    const stamp = path.join(dir, 'node_modules/.leakgate-bench-lock')
    if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lock) continue
    log(`  npm ci in bench/real/${name}`)
    const result = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: 'inherit',
    })
    if (result.status !== 0) throw new Error(`npm ci failed in bench/real/${name}`)
    fs.writeFileSync(stamp, lock)
  }
}

/**
 * Runs one configuration with the real CLI; returns its wall time in ms. A run that fails is
 * tried again twice, 20 s apart (the packages may be rebuilt under a run in a shared working
 * tree), and only a passing run is timed. `env` is added to the environment.
 */
export function runSuite(suite, options) {
  for (let attempt = 1; ; attempt++) {
    try {
      return runOnce(suite, options)
    } catch (error) {
      if (attempt === 3) throw error
      console.warn(`  ${suite.label} failed (attempt ${attempt}); trying again in 20 s`)
      spawnSync('sleep', ['20'])
    }
  }
}

function runOnce(suite, { root, node, env = {} }) {
  const bin = path.join(root, suite.framework === 'vitest' ? VITEST : JEST)
  const args = suite.framework === 'vitest' ? [bin, 'run', '--config', suite.config] : [bin, '--config', suite.config]
  const start = process.hrtime.bigint()
  const result = spawnSync(node, args, {
    cwd: path.join(root, suite.cwd ?? '.'),
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...env },
  })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  const output = `${result.stdout}\n${result.stderr}`
  const passed = /Tests:?\s+(?:\d+ \w+, )*(\d+) passed/.exec(output)
  if (result.status !== 0 || Number(passed?.[1]) !== suite.tests || /\d+ failed/.test(output)) {
    const tail = output.trim().split('\n').slice(-40).join('\n')
    throw new Error(
      `${suite.label} did not pass (exit ${result.status ?? result.signal}, expected ${suite.tests} passed tests):\n${tail}`,
    )
  }
  return ms
}
