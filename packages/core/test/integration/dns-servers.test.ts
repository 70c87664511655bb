import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { isolated, nodes, type Probed, probe } from '../helpers/probe.js'

// DNS servers are network targets: a c-ares channel (a Resolver, or the default one after
// dns.setServers) pointed at other servers sends them a datagram whatever name it asks. Each
// query is decided on the channel's servers before it leaves. A DNS responder on 127.0.0.2
// stands for an outside server (the probe makes only 127.0.0.1, ::1 and localhost local); it counts what
// reached it. A responder on 127.0.0.1 is a loopback stub, which keeps working.

const RESPONDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/dns-responder.cjs')

const PROBE = `
  const dns = require('node:dns')
  const { startDnsResponder } = require(${JSON.stringify(RESPONDER)})
  const stub = await startDnsResponder('127.0.0.1')
  const outside = await startDnsResponder('127.0.0.2')
  const systemServers = dns.getServers()
  const capturedResolve4 = dns.Resolver.prototype.resolve4
  // Loopback and the localhost names are local; 127.0.0.2 is not.
  const LOCAL = ['127.0.0.1', '::1', 'localhost', '*.localhost']
  core.install({ local: LOCAL })
  const cb = (fn) => new Promise((resolve) => { try { fn((error, value) => resolve(error ? kit.describeError(error) : { ok: true, value })) } catch (error) { resolve({ threw: error.code }) } })
  const resolver = (...servers) => { const r = new dns.Resolver({ timeout: 15_000, tries: 1 }); r.setServers(servers); return r }
  const violations = () => core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  const r = {}

  // Whatever the name: public, local-looking, IP-shaped, a reverse lookup; callback and promise.
  const out = resolver(outside.server)
  r.publicName = await cb((done) => out.resolve4('example.com', done))
  r.localName = await cb((done) => out.resolve4('localhost', done))
  r.ipShaped = await cb((done) => out.resolve4('127.0.0.1', done))
  r.reverse = await cb((done) => out.reverse('127.0.0.1', done))
  r.txt = await cb((done) => out.resolveTxt('api.localhost', done))
  r.any = await cb((done) => out.resolveAny('localhost', done))
  const promised = new dns.promises.Resolver({ timeout: 15_000, tries: 1 })
  promised.setServers([outside.server])
  r.promises = await kit.attempt(() => promised.resolve6('localhost'))
  r.captured = await cb((done) => capturedResolve4.call(out, 'localhost', done))
  // One outside server among local ones is enough to be refused.
  r.mixed = await cb((done) => resolver(stub.server, outside.server).resolve4('localhost', done))
  // The module-level servers: dns.resolve* and dns.promises.resolve* use the default channel.
  dns.setServers([outside.server])
  r.moduleLevel = await cb((done) => dns.resolve4('localhost', done))
  r.modulePromises = await kit.attempt(() => dns.promises.resolve4('localhost'))
  dns.setServers(systemServers)
  r.reachedOutside = outside.queries.length
  r.events = violations()

  // A loopback stub keeps working, for any name: the name only reaches this machine.
  const local = resolver(stub.server)
  r.stubPublic = await cb((done) => local.resolve4('api.example.com', done))
  r.stubReverse = await cb((done) => local.reverse('203.0.113.5', done))
  r.stubPromises = await kit.attempt(() => { const p = new dns.promises.Resolver({ timeout: 15_000, tries: 1 }); p.setServers([stub.server]); return p.resolve4('example.org') })
  r.stubQueries = stub.queries.map((q) => q.name)
  r.eventsAfterStub = violations().length

  // Allowed like a connect to the server: by address, with or without its port.
  core.allowAudit({ net: ['127.0.0.2'] })
  r.allowedByAddress = await cb((done) => out.resolve4('example.com', done))
  core.install({ local: LOCAL, allow: { net: [outside.server] } })
  r.allowedByServer = await cb((done) => out.resolve4('localhost', done))
  core.install({ local: LOCAL, allow: { net: ['127.0.0.2:53'] } })
  r.otherPort = await cb((done) => out.resolve4('localhost', done))
  // Report mode: recorded, not refused.
  core.install({ local: LOCAL, mode: 'report' })
  const before = core.getEngine().tracker.run.violations.length
  r.reported = await cb((done) => out.resolve4('localhost', done))
  r.reportedEvents = violations().slice(before)
  r.reachedOutsideAtEnd = outside.queries.map((q) => q.name)
  core.uninstall()
  await stub.close(); await outside.close()
  return r
`

// Inside the network namespace: a documentation address as the server. Refused before the
// query leaves; allowed, the datagram goes out into the namespace, which has no route for it.
const CLEARNET_PROBE = `
  const dns = require('node:dns')
  core.install({})
  const cb = (fn) => new Promise((resolve) => fn((error, value) => resolve(error ? kit.describeError(error) : { ok: true, value })))
  const resolver = new dns.Resolver({ timeout: 500, tries: 1 })
  resolver.setServers(['192.0.2.1', '[2001:db8::53]:5353'])
  const r = {}
  r.refused = await cb((done) => resolver.resolve4('localhost', done))
  r.refusedIp = await cb((done) => resolver.resolve4('192.0.2.10', done))
  r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  core.allowAudit({ net: ['192.0.2.1', '2001:db8::/32'] })
  r.allowed = await cb((done) => resolver.resolve4('localhost', done))
  return r
`

// Installed before anything loads node:dns: the system's servers are read, at the first query,
// from a channel the binding makes (node:dns is not loaded for it). A dns.Resolver a test
// replaces before that query does not make its servers the system's.
const LAZY_PROBE = `
  const { startDnsResponder } = require(${JSON.stringify(RESPONDER)})
  const dnsBefore = process.moduleLoadList.includes('NativeModule dns')
  core.install({ local: ['127.0.0.1', '::1', 'localhost', '*.localhost'] })
  const r = { dnsBefore, dnsAtInstall: process.moduleLoadList.includes('NativeModule dns') }
  const dns = require('node:dns')
  const outside = await startDnsResponder('127.0.0.2')
  const system = dns.getServers()
  const RealResolver = dns.Resolver
  // The replacement hands out resolvers already pointed at the outside server.
  dns.Resolver = class extends RealResolver { constructor(options) { super(options); this.setServers([outside.server]) } }
  const cb = (fn) => new Promise((resolve) => fn((error, value) => resolve(error ? kit.describeError(error) : { ok: true, value })))
  const resolver = (...servers) => { const x = new RealResolver({ timeout: 15_000, tries: 1 }); x.setServers(servers); return x }
  r.outside = await cb((done) => resolver(outside.server).resolve4('localhost', done))
  r.replaced = await cb((done) => new dns.Resolver({ timeout: 15_000, tries: 1 }).resolve4('localhost', done))
  // The system's servers: the name is decided (refused here), not the server; nothing is sent.
  r.system = await cb((done) => resolver(...system).resolve4('example.com', done))
  r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  r.reachedOutside = outside.queries.length
  core.uninstall()
  await outside.close()
  return r
`

const refused = { ok: false, code: 'LEAKGATE_NET_BLOCKED', leakgate: true }

describe.each(nodes)('DNS servers on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { timeout: 60_000 })).result
  })

  test('a query to an outside server is refused whatever the name, before it leaves', () => {
    for (const key of ['publicName', 'localName', 'ipShaped', 'reverse', 'txt', 'any', 'promises', 'mixed']) {
      expect(r[key], key).toMatchObject(refused)
    }
    expect(r.reachedOutside).toBe(0)
  })

  test('a method captured before install and the module-level servers are caught too', () => {
    expect(r.captured).toMatchObject(refused)
    expect(r.moduleLevel).toMatchObject(refused)
    expect(r.modulePromises).toMatchObject(refused)
  })

  test('the violation names the server, as a rule allows it, and the name asked', () => {
    expect(r.events).toHaveLength(11)
    expect(r.events).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dns\.resolve4 example\.com via DNS server 127\.0\.0\.2:\d+$/),
        expect.stringMatching(/^dns\.resolve4 localhost via DNS server 127\.0\.0\.2:\d+$/),
        expect.stringMatching(/^dns\.reverse 127\.0\.0\.1 via DNS server 127\.0\.0\.2:\d+$/),
        expect.stringMatching(/^dns\.resolve6 localhost via DNS server 127\.0\.0\.2:\d+$/),
        expect.stringMatching(/^dns\.resolveAny localhost via DNS server 127\.0\.0\.2:\d+$/),
      ]),
    )
  })

  test('a loopback stub keeps working, for any name, and nothing is recorded', () => {
    expect(r.stubPublic).toEqual({ ok: true, value: ['127.0.0.1'] })
    expect(r.stubReverse).toEqual({ ok: true, value: ['responder.test'] })
    expect(r.stubPromises).toEqual({ ok: true, value: ['127.0.0.1'] })
    expect(r.stubQueries).toEqual(['api.example.com', '5.113.0.203.in-addr.arpa', 'example.org'])
    expect(r.eventsAfterStub).toBe(r.events.length)
  })

  test('a rule for the server allows the query; a rule for another port does not', () => {
    expect(r.allowedByAddress).toEqual({ ok: true, value: ['127.0.0.1'] })
    expect(r.allowedByServer).toEqual({ ok: true, value: ['127.0.0.1'] })
    expect(r.otherPort).toMatchObject(refused)
  })

  test('report mode records the query and lets it go', () => {
    expect(r.reported).toEqual({ ok: true, value: ['127.0.0.1'] })
    expect(r.reportedEvents).toEqual([
      expect.stringMatching(/^dns\.resolve4 localhost via DNS server 127\.0\.0\.2:\d+$/),
    ])
    expect(r.reachedOutsideAtEnd).toEqual(['example.com', 'localhost', 'localhost'])
  })
})

describe.runIf(isolated).each(nodes)(
  'DNS servers on documentation addresses, $label (network namespace)',
  ({ bin }) => {
    let r: Probed
    beforeAll(async () => {
      r = (await probe(bin, CLEARNET_PROBE)).result
    })

    test('refused before the query leaves, with the server named', () => {
      expect(r.refused).toMatchObject(refused)
      expect(r.refusedIp).toMatchObject(refused)
      expect(r.events).toEqual([
        'dns.resolve4 localhost via DNS server 192.0.2.1:53',
        'dns.resolve4 192.0.2.10 via DNS server 192.0.2.1:53',
      ])
    })

    test('allowed by rules for the servers: the query is sent (and finds no route in the namespace)', () => {
      expect(r.allowed).toMatchObject({ ok: false, leakgate: false })
    })
  },
)

describe.each(nodes)('DNS servers, node:dns first loaded after install, on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, LAZY_PROBE, { timeout: 60_000 })).result
  })

  test('install does not load node:dns', () => {
    expect(r.dnsBefore).toBe(false)
    expect(r.dnsAtInstall).toBe(false)
  })

  test('an outside server is refused, a replaced dns.Resolver included; the system servers are known', () => {
    expect(r.outside).toMatchObject(refused)
    expect(r.replaced).toMatchObject(refused)
    expect(r.system).toMatchObject(refused)
    expect(r.reachedOutside).toBe(0)
    expect(r.events).toEqual([
      expect.stringMatching(/^dns\.resolve4 localhost via DNS server 127\.0\.0\.2:\d+$/),
      expect.stringMatching(/^dns\.resolve4 localhost via DNS server 127\.0\.0\.2:\d+$/),
      'dns.resolve4 example.com',
    ])
  })
})
