// The macro suite under Jest with leakgate in enforce mode and the rules the suite needs:
// loopback is this machine already; `true` and `echo` may run; Handlebars may compile.
const { suiteConfig } = require('./base.cjs')

module.exports = suiteConfig({
  testEnvironment: '@leakgate/jest-environment',
  testEnvironmentOptions: {
    leakgate: { mode: 'enforce', allow: { exec: ['true', 'echo'], eval: [{ from: 'handlebars' }] } },
  },
  reporters: ['default', ['@leakgate/jest-environment/reporter', { outputFile: process.env.LEAKGATE_BENCH_REPORT }]],
})
