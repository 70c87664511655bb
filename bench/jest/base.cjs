// What every Jest configuration of the macro suite shares: the suite under bench/suite, its ESM
// test files transformed by babel-jest for the running Node (as the fixtures do), Jest's
// defaults otherwise (workers, cache).
const path = require('node:path')

const root = path.join(__dirname, '..', 'suite')
const babel = {
  babelrc: false,
  configFile: false,
  presets: [['@babel/preset-env', { targets: { node: 'current' } }]],
}

/** A Jest config for the suite with these overrides (setupFiles are appended to the probe's). */
function suiteConfig(overrides = {}) {
  const { setupFiles = [], ...rest } = overrides
  return {
    rootDir: root,
    roots: ['<rootDir>/tests'],
    testEnvironment: 'node',
    transform: { '\\.[cm]?js$': ['babel-jest', babel] },
    // leakgate's packages are linked from this workspace, so their real paths are not under
    // node_modules: without this, Jest loads the environment through babel-jest (pirates),
    // transforming @leakgate/core/session and its chunks as if they were the project's code.
    // Installed from the registry they are under node_modules, which Jest leaves alone.
    transformIgnorePatterns: ['/node_modules/', '/packages/[^/]+/dist/'],
    setupFiles: [...setupFiles, ...probe()],
    ...rest,
  }
}

// `npm run bench` measures when each worker is ready with a setup file of its own, last.
function probe() {
  return process.env.LEAKGATE_BENCH_PROBE ? [path.join(__dirname, '..', 'probe', 'ready.js')] : []
}

/** The files that open sockets: jest-offline refuses loopback too, so its runs leave them out. */
const NETWORK_TESTS = ['/tests/http\\.test\\.js$', '/tests/fetch\\.test\\.js$']

module.exports = { NETWORK_TESTS, suiteConfig }
