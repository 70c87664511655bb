// What every Jest configuration of koa's suite shares: its own settings (package.json `jest`:
// the node environment; `jest --forceExit`), Jest's defaults otherwise, as the project runs it.
const path = require('node:path')

/** A Jest config for the suite with these overrides. */
function suiteConfig(overrides = {}) {
  return {
    rootDir: __dirname,
    roots: ['<rootDir>/__tests__'],
    testEnvironment: 'node',
    forceExit: true,
    // leakgate's packages are linked from this workspace, so their real paths are not under
    // node_modules: without this, Jest would run them through babel-jest as the project's code
    // (installed from the registry, they are under node_modules, which Jest leaves alone).
    transformIgnorePatterns: ['/node_modules/', '/packages/[^/]+/dist/'],
    ...overrides,
  }
}

module.exports = { suiteConfig, root: path.resolve(__dirname) }
