// The macro suite under Jest with jest-offline (a setupFiles entry built on mitm). It intercepts
// every socket, loopback included, and cannot be told to let one through (a request to the
// suite's own server throws inside mitm and the test hangs until its timeout), so the files
// that talk to that server are left out: compare with none-nonet and leakgate-nonet.
const { NETWORK_TESTS, suiteConfig } = require('./base.cjs')

module.exports = suiteConfig({ setupFiles: ['jest-offline'], testPathIgnorePatterns: NETWORK_TESTS })
