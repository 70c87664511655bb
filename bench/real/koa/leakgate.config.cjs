// koa's suite with leakgate in enforce mode and the rules the suite needs: loopback is this
// machine already (supertest's servers); depd (http-errors' copy) compiles its deprecation wrappers.
const { suiteConfig } = require('./base.cjs')

module.exports = suiteConfig({
  testEnvironment: '@leakgate/jest-environment',
  testEnvironmentOptions: { leakgate: { mode: 'enforce', allow: { eval: [{ from: 'depd' }] } } },
  reporters: ['default', ['@leakgate/jest-environment/reporter', { outputFile: process.env.LEAKGATE_BENCH_REPORT }]],
})
