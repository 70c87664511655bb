// The macro suite under Jest with the peer for the network: nock's disableNetConnect(), with
// loopback allowed again (it guards neither exec nor eval).
const path = require('node:path')
const { suiteConfig } = require('./base.cjs')

module.exports = suiteConfig({ setupFiles: [path.join(__dirname, '..', 'setup', 'nock.js')] })
