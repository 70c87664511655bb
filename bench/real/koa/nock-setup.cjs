// nock as a user would set it up to keep this suite offline: real connections refused, except to
// this machine (supertest's servers listen on 127.0.0.1).
const nock = require('nock')

nock.disableNetConnect()
nock.enableNetConnect(/^(?:127\.0\.0\.1|localhost|\[::1\]|::1)(?::\d+)?$/)
