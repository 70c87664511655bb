// The baseline for jest-offline (and leakgate-nonet): the macro suite without a guard and without its network files.
const { NETWORK_TESTS, suiteConfig } = require('./base.cjs')

module.exports = suiteConfig({ testPathIgnorePatterns: NETWORK_TESTS })
