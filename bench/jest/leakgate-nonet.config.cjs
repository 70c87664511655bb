// leakgate on the suite without its network files: the run to set beside jest-offline's.
const { NETWORK_TESTS } = require('./base.cjs')
const leakgate = require('./leakgate.config.cjs')

module.exports = { ...leakgate, testPathIgnorePatterns: NETWORK_TESTS }
