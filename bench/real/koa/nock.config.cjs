// koa's suite with the peer for the network: nock's disableNetConnect(), with loopback allowed
// again (it guards neither exec nor eval). One test is left out of this configuration only: nock
// builds a URL from `host` + an absolute-form `path` ('http://example.com/foo', sent to the
// suite's own loopback server) and throws `Invalid URL`, so that test cannot pass under nock.
const path = require('node:path')
const { suiteConfig } = require('./base.cjs')

module.exports = suiteConfig({
  setupFiles: [path.join(__dirname, 'nock-setup.cjs')],
  testNamePattern: '^(?!ctx\\.href should work with `GET http://example\\.com/foo`$)',
})
