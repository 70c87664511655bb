import { beforeAll, describe, expect, test } from 'vitest'
import { isolated, nodes, type Probed, probe } from '../helpers/probe.js'

// DNS (getaddrinfo and c-ares, callback and promise APIs, Resolver) and UDP. Public names are
// refused before any query, so these probes send nothing even where a resolver is reachable;
// the allowed lookups resolve `localhost` from /etc/hosts (made non-local by the probe's policy).

const DNS_PROBE = `
  const dns = require('node:dns'), dgram = require('node:dgram')
  const capturedLookup = dns.lookup
  const capturedPromisesLookup = dns.promises.lookup
  core.install({ local: ['127.0.0.1', '::1'] })
  const cb = (fn) => new Promise((resolve) => fn((error, value) => resolve(error ? kit.describeError(error) : { ok: true, value })))
  const r = {}
  r.lookup = await cb((done) => dns.lookup('example.com', done))
  r.capturedLookup = await cb((done) => capturedLookup('example.com', done))
  r.promisesLookup = await kit.attempt(() => dns.promises.lookup('example.com'))
  r.capturedPromisesLookup = await kit.attempt(() => capturedPromisesLookup('example.com'))
  r.lookupService = await cb((done) => dns.lookupService('203.0.113.5', 22, done))
  r.resolve4 = await cb((done) => dns.resolve4('example.org', done))
  r.resolveMx = await kit.attempt(() => dns.promises.resolveMx('example.org'))
  r.resolver = await cb((done) => new dns.Resolver().resolveTxt('example.net', done))
  r.promisesResolver = await kit.attempt(() => new dns.promises.Resolver().resolve6('example.net'))
  r.reverse = await cb((done) => dns.reverse('203.0.113.5', done))
  r.ipLiteral = await kit.attempt(() => dns.promises.lookup('127.0.0.1'))
  r.numericSpelling = await kit.attempt(() => dns.promises.lookup('2130706433'))
  r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  core.allowAudit({ net: ['localhost'] })
  r.allowedLookup = await kit.attempt(() => dns.promises.lookup('localhost', { family: 4 }))
  r.allowedCallback = await cb((done) => dns.lookup('localhost', { family: 4 }, (e, address) => done(e, address)))
  return r
`

const UDP_PROBE = `
  const dgram = require('node:dgram')
  const local = await kit.startUdp('127.0.0.1')
  const outside = await kit.startUdp(kit.EXTERNAL)
  core.install({ local: ['127.0.0.1', '::1'] })
  const send = (host, port) => new Promise((resolve) => { const s = dgram.createSocket('udp4'); s.send('ping', port, host, (error) => { s.close(); resolve(error ? kit.describeError(error) : { ok: true }) }) })
  const r = {}
  r.local = await send('127.0.0.1', local.port)
  r.outside = await send(kit.EXTERNAL, outside.port)
  r.connected = await new Promise((resolve) => { const s = dgram.createSocket('udp4'); s.connect(outside.port, kit.EXTERNAL, (error) => { s.close(); resolve(error ? kit.describeError(error) : { ok: true }) }) })
  r.record = core.getEngine().tracker.run.violations.map((v) => ({ event: v.event, callSite: v.callSite && v.callSite.file }))
  core.allowAudit({ net: [kit.EXTERNAL] })
  r.allowed = await send(kit.EXTERNAL, outside.port)
  await kit.sleep(50)
  r.received = { local: local.received, outside: outside.received }
  local.close(); outside.close()
  return r
`

const refused = { ok: false, code: 'LEAKGATE_NET_BLOCKED', leakgate: true }

describe.runIf(isolated).each(nodes)('dns on $label (network namespace)', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, DNS_PROBE)).result
  })

  test('getaddrinfo paths: callback, promise, captured before install', () => {
    expect(r.lookup).toMatchObject(refused)
    expect(r.capturedLookup).toMatchObject(refused)
    expect(r.promisesLookup).toMatchObject(refused)
    expect(r.capturedPromisesLookup).toMatchObject(refused)
    expect(r.lookupService).toMatchObject(refused)
  })

  test('c-ares paths: resolve*, promises, Resolver classes, reverse', () => {
    expect(r.resolve4).toMatchObject(refused)
    expect(r.resolveMx).toMatchObject(refused)
    expect(r.resolver).toMatchObject(refused)
    expect(r.promisesResolver).toMatchObject(refused)
    expect(r.reverse).toMatchObject(refused)
  })

  test('IP spellings are not DNS queries', () => {
    expect(r.ipLiteral).toMatchObject({ ok: true, value: { address: '127.0.0.1' } })
    expect(r.numericSpelling).toMatchObject({ ok: true, value: { address: '127.0.0.1' } })
  })

  test('events are named as users know them', () => {
    expect(r.events).toEqual([
      'dns.lookup example.com',
      'dns.lookup example.com',
      'dns.promises.lookup example.com',
      'dns.promises.lookup example.com',
      'dns.lookupService 203.0.113.5:22',
      'dns.resolve4 example.org',
      'dns.resolveMx example.org',
      'dns.resolveTxt example.net',
      'dns.resolve6 example.net',
      'dns.reverse 203.0.113.5',
    ])
  })

  test('an allowed name resolves', () => {
    expect(r.allowedLookup).toMatchObject({ ok: true, value: { address: '127.0.0.1' } })
    expect(r.allowedCallback).toEqual({ ok: true, value: '127.0.0.1' })
  })
})

describe.each(nodes)('udp on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, UDP_PROBE)).result
  })

  test('a datagram to loopback goes out; to an outside host it is refused with our error', () => {
    expect(r.local).toEqual({ ok: true })
    expect(r.outside).toMatchObject(refused)
    expect(r.received.local).toEqual(['ping'])
  })

  test('a connect to an outside host is refused (EPERM) and recorded with the call site', () => {
    expect(r.connected).toMatchObject({ ok: false, code: 'EPERM' })
    expect(r.record).toEqual([
      { event: 'dgram.send', callSite: expect.stringMatching(/probe\.cjs$/) },
      { event: 'dgram.connect', callSite: expect.stringMatching(/probe\.cjs$/) },
    ])
  })

  test('an allowed datagram arrives', () => {
    expect(r.allowed).toEqual({ ok: true })
    expect(r.received.outside).toEqual(['ping'])
  })
})
