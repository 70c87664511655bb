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
    ...overrides,
  }
}

module.exports = { suiteConfig, root: path.resolve(__dirname) }
