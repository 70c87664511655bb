// Helpers for probe scripts: small Node programs the integration tests run on every supported
// Node version. Targets are loopback servers only; "outside" hosts are 127.0.0.2 (probes set
// `local: ['127.0.0.1', '::1']`) and documentation addresses, used only in a network namespace.
const dgram = require('node:dgram')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const core = require('../../dist/index.cjs')
const coreEsm = require('node:url').pathToFileURL(path.join(__dirname, '../../dist/index.mjs')).href

const EXTERNAL = '127.0.0.2'
const CLEARNET = '203.0.113.5'

function startHttp(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = http.createServer((request, response) => response.end(`ok ${request.url}`))
    server.on('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address()
      resolve({ host, port, url: `http://${host}:${port}`, close: () => new Promise((done) => server.close(done)) })
    })
  })
}

function startTcp(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.end())
    server.on('error', reject)
    server.listen(0, host, () =>
      resolve({ host, port: server.address().port, close: () => new Promise((done) => server.close(done)) }),
    )
  })
}

function startUnix() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-probe-'))
  const socketPath = path.join(dir, 's.sock')
  return new Promise((resolve) => {
    const server = net
      .createServer((socket) => socket.end())
      .listen(socketPath, () =>
        resolve({
          socketPath,
          close: () =>
            new Promise((done) => server.close(() => done(fs.rmSync(dir, { recursive: true, force: true })))),
        }),
      )
  })
}

function startUdp(host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4')
    const received = []
    socket.on('message', (message) => received.push(String(message)))
    socket.bind(0, host, () => resolve({ host, port: socket.address().port, received, close: () => socket.close() }))
  })
}

/** The outcome of an operation: ok, or the error's code (and its cause's, for fetch). */
function describeError(error) {
  return {
    ok: false,
    code: error?.code,
    causeCode: error?.cause?.code,
    leakgate: core.LeakgateError.is(error) || core.LeakgateError.is(error?.cause),
    message: String((core.LeakgateError.is(error?.cause) ? error.cause : error)?.message ?? error).split('\n')[0],
  }
}

async function attempt(fn) {
  try {
    const value = await fn()
    return { ok: true, value }
  } catch (error) {
    return describeError(error)
  }
}

/** Connects with net.connect-style arguments; resolves the outcome, never rejects. */
function connect(...args) {
  return new Promise((resolve) => {
    const socket = net.connect(...args)
    socket.on('connect', () => {
      socket.destroy()
      resolve({ ok: true })
    })
    socket.on('error', (error) => resolve(describeError(error)))
  })
}

function get(url, options = {}) {
  return new Promise((resolve) => {
    const request = http.get(url, options, (response) => {
      let body = ''
      response.on('data', (chunk) => {
        body += chunk
      })
      response.on('end', () => resolve({ ok: true, value: body }))
    })
    request.on('error', (error) => resolve(describeError(error)))
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function violations() {
  return core
    .getEngine()
    .tracker.resolve()
    .violations.map((record) => ({ event: record.event, target: record.target, category: record.category }))
}

function finish(result) {
  process.stdout.write(`\n@@LEAKGATE_PROBE@@${JSON.stringify(result)}\n`)
  process.exit(0)
}

function crash(error) {
  process.stdout.write(`\n@@LEAKGATE_PROBE_CRASH@@${JSON.stringify(String(error?.stack ?? error))}\n`)
  process.exit(1)
}

module.exports = {
  coreEsm,
  core,
  EXTERNAL,
  CLEARNET,
  startHttp,
  startTcp,
  startUnix,
  startUdp,
  attempt,
  connect,
  get,
  sleep,
  violations,
  finish,
  crash,
  describeError,
}
