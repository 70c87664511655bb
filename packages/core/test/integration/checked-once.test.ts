import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { isolated, nodes, type Probed, probe } from '../helpers/probe.js'

// Check what is used: each argument is read once and the call is decided on that very value,
// the value the platform then uses (an object whose toString, or an options getter, answers
// differently the second time must not pass the check and then do something else). Names are
// decided as the resolver reads them (up to a NUL; no escapes, no whitespace). And when the
// guard's own code fails on a call, the call is still decided: closed in enforce mode.
// Targets: loopback servers; 127.0.0.2 stands for an outside host.

const RESPONDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/dns-responder.cjs')

const PROBE = `
  const cp = require('node:child_process'), net = require('node:net'), dns = require('node:dns')
  const { startDnsResponder } = require(${JSON.stringify(RESPONDER)})
  const r = { major: Number(process.versions.node.split('.')[0]) }
  const dialled = []
  const server = net.createServer((socket) => { dialled.push(socket.localAddress.replace('::ffff:', '')); socket.end() })
  await new Promise((resolve) => server.listen(0, '::', resolve))
  const port = server.address().port
  r.port = port
  const responder = await startDnsResponder('127.0.0.1')
  const resolver = new dns.Resolver({ timeout: 1000, tries: 1 })
  resolver.setServers([responder.server])
  const counter = (first, then) => { const o = { calls: 0, toString() { o.calls++; return o.calls === 1 ? first : then } }; return o }
  const outcome = (child) => new Promise((resolve) => { let out = ''; child.stdout.on('data', (d) => { out += d }); child.on('error', (e) => resolve({ error: e.code })); child.on('close', () => resolve({ stdout: out })) })
  const lookup = (fn) => new Promise((resolve) => { try { fn((e, ...v) => resolve(e ? kit.describeError(e) : { ok: true, value: v })) } catch (e) { resolve({ threw: e.code }) } })
  // Node 22+ refuses a host that is not a string, or holds a NUL, with a throw of its own.
  const connect = async (...args) => { try { return await kit.connect(...args) } catch (error) { return { threw: error.code } } }
  const violations = () => core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)

  core.install({ allow: { exec: ['printf [%s] hi'] } })
  let flip = counter('hi', 'bye')
  const sync = cp.spawnSync('/usr/bin/printf', ['[%s]', flip])
  r.argvSync = { stdout: String(sync.stdout), error: sync.error?.code, calls: flip.calls }
  flip = counter('hi', 'bye')
  r.argvAsync = { ...(await outcome(cp.spawn('/usr/bin/printf', ['[%s]', flip]))), calls: flip.calls }
  flip = counter('bye', 'hi')
  r.argvRefused = { ...(await outcome(cp.spawn('/usr/bin/printf', ['[%s]', flip]))), calls: flip.calls }

  core.install({ local: ['::1'], allow: { net: ['127.0.0.1'] } })
  // A getter that answers the allowed address, then the outside one, in turn (Node itself reads
  // it too: Node 20's Socket constructor copies the options).
  r.getterHost = []
  for (const first of ['127.0.0.1', '127.0.0.2']) {
    let reads = 0
    const options = { port, get host() { return reads++ % 2 === 0 ? first : first === '127.0.0.1' ? '127.0.0.2' : '127.0.0.1' } }
    r.getterHost.push({ ...(await connect(options)), dialled: dialled.splice(0) })
  }
  const hostObject = counter('127.0.0.1', '127.0.0.2')
  r.objectHost = { ...(await connect({ host: hostObject, port })), dialled: dialled.splice(0) }
  core.install({ local: ['::1'], allow: { net: ['*.example.com'] } })
  r.whitespaceName = { ...(await connect({ host: '127.0.0.2 .example.com', port })), dialled: dialled.splice(0) }
  r.escapedName = await connect({ host: 'evil.org\\\\.example.com', port })
  core.install({ allow: { net: [responder.server] } })
  r.lookupNul = await lookup((cb) => dns.lookup('example.invalid\\u0000.localhost', cb))
  r.connectNul = await connect({ host: 'example.invalid\\u0000.localhost', port })
  // c-ares decides names for the system's servers only (a server the test chose is decided
  // itself): this query would go to the system's resolver, so it runs only in the namespace.
  r.resolveNul = process.env.LEAKGATE_NETNS === '1' ? await lookup((cb) => dns.resolve4('example.invalid\\u0000.localhost', cb)) : 'skipped'
  // To a server the test chose, the name the resolver reads is what reaches it.
  r.resolveNulStub = await lookup((cb) => resolver.resolve4('example.invalid\\u0000.localhost', cb))
  r.escapedLocal = await lookup((cb) => dns.lookup('evil\\\\.localhost', cb))
  r.queries = responder.queries.map((q) => q.name)
  r.violations = violations()

  // The guard's own code failing (here a polyfill that broke String.prototype.toLowerCase, which
  // Node's internals never use) still decides the call.
  const realLower = String.prototype.toLowerCase
  const broken = async (fn) => { String.prototype.toLowerCase = () => { throw new TypeError('a polyfill broke toLowerCase') }; try { return await fn() } finally { String.prototype.toLowerCase = realLower } }
  core.install({})
  r.brokenEnforce = await broken(() => kit.connect(port, 'localhost'))
  core.install({ mode: 'report' })
  const before = core.getEngine().tracker.run.violations.length
  r.brokenReport = await broken(() => kit.connect(port, 'localhost'))
  r.brokenReportRecorded = core.getEngine().tracker.run.violations.slice(before).map((v) => v.target)
  core.install({ allow: { net: true } })
  r.brokenAllowed = await broken(() => kit.connect(port, 'localhost'))
  core.uninstall()
  server.close(); await responder.close()
  return r
`

describe.each(nodes)('each argument read once, on $label', ({ bin }) => {
  let r: Probed
  let major: number
  beforeAll(async () => {
    r = (await probe(bin, `${PROBE}`)).result
    major = r.major
  })

  test('argv: a toString is called once, and the program gets the value that was decided', () => {
    expect(r.argvSync).toEqual({ stdout: '[hi]', calls: 1 })
    expect(r.argvAsync).toEqual({ stdout: '[hi]', calls: 1 })
    expect(r.argvRefused).toEqual({ error: 'LEAKGATE_EXEC_BLOCKED', calls: 1 })
  })

  test('connect: an options getter is read once by the guard, and the address decided is the address dialled', () => {
    for (const attempt of r.getterHost) {
      // Allowed: it went to the allowed address. Refused: it went nowhere.
      if (attempt.ok) expect(attempt.dialled).toEqual(['127.0.0.1'])
      else expect(attempt).toMatchObject({ leakgate: true, dialled: [] })
    }
    expect(r.getterHost.some((attempt: { ok: boolean }) => attempt.ok)).toBe(true)
  })

  test('connect: an object host is decided on what the native call reads, and refused there', () => {
    // Node's isIP() reads "127.0.0.1", the native connect would read "127.0.0.2": decided on that.
    if (major === 20) {
      expect(r.objectHost).toMatchObject({ ok: false, code: 'EPERM', dialled: [] })
      expect(r.violations).toContain(`net.connect 127.0.0.2:${r.port}`)
    } else {
      expect(r.objectHost).toEqual({ threw: 'ERR_INVALID_ARG_TYPE', dialled: [] })
    }
  })

  test('names a resolver reads differently match no host rule: whitespace, escapes', () => {
    expect(r.whitespaceName).toMatchObject({ ok: false, leakgate: true, dialled: [] })
    expect(r.escapedName).toMatchObject({ ok: false, leakgate: true })
  })

  test('a NUL in a name: decided on what the resolver reads, or Node refuses it first', () => {
    if (isolated) expect(r.resolveNul).toMatchObject({ ok: false, leakgate: true })
    expect(r.escapedLocal).toMatchObject({ ok: false, leakgate: true })
    if (major === 20) {
      expect(r.lookupNul).toMatchObject({ ok: false, leakgate: true })
      expect(r.connectNul).toMatchObject({ ok: false, leakgate: true })
    } else {
      expect(r.lookupNul).toEqual({ threw: 'ERR_INVALID_ARG_VALUE' })
      expect(r.connectNul).toEqual({ threw: 'ERR_INVALID_ARG_VALUE' })
    }
    expect(r.resolveNulStub).toEqual({ ok: true, value: [['127.0.0.1']] })
    expect(r.queries).toEqual(['example.invalid'])
    expect(r.violations).toEqual(
      expect.arrayContaining([...(isolated ? ['dns.resolve4 example.invalid'] : []), 'dns.lookup evil\\.localhost']),
    )
  })

  test('the guard’s own code failing still decides the call: refused in enforce, recorded in report', () => {
    expect(r.brokenEnforce).toMatchObject({ ok: false, code: 'LEAKGATE_NET_BLOCKED', leakgate: true })
    expect(r.brokenEnforce.message).toContain('leakgate could not read this call')
    expect(r.brokenReport).toEqual({ ok: true })
    expect(r.brokenReportRecorded).toEqual([expect.stringContaining('leakgate could not read this call')])
    expect(r.brokenAllowed).toEqual({ ok: true })
  })
})
