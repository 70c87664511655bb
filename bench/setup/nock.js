// nock as a user would set it up to keep tests offline: real connections refused, except to
// this machine's loopback server.
import nock from 'nock'

nock.disableNetConnect()
nock.enableNetConnect('127.0.0.1')
