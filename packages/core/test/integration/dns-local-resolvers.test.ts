import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { isolated, nodes, type Probed, probe } from '../helpers/probe.js'

// A local DNS server on port 53 is a resolver of this machine (systemd-resolved's 127.0.0.53 and
// 127.0.0.54, dnsmasq, Docker's 127.0.0.11): it forwards a name it cannot answer. A Resolver
// pointed at one, in any spelling, has the name it asks decided as for the system's resolver;
// it used to pass as a loopback server, so `resolver.setServers(['127.0.0.54'])` carried any
// name out. A test's own DNS server on a port of its own still answers any name. The system's
// servers are compared by canonical address: `::ffff:a.b.c.d` is a.b.c.d.
// Port 53 is free inside the test's network namespace (bound there as its root).

const RESPONDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/dns-responder.cjs')

const PROBE = `
  const dns = require('node:dns')
  const { startDnsResponder } = require(${JSON.stringify(RESPONDER)})
  const resolver53 = await startDnsResponder('127.0.0.1', { port: 53 })
  const own = await startDnsResponder('127.0.0.1')
  const system = dns.getServers()
  core.install({})
  const cb = (fn) => new Promise((resolve) => { try { fn((error, value) => resolve(error ? kit.describeError(error) : { ok: true, value })) } catch (error) { resolve({ threw: error.code }) } })
  const resolver = (...servers) => { const r = new dns.Resolver({ timeout: 15_000, tries: 1 }); r.setServers(servers); return r }
  const violations = () => core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  const r = {}
  // Every spelling of a local server on port 53: the public name is refused before it leaves.
  for (const server of ['127.0.0.1', '127.0.0.1:53', '[::ffff:127.0.0.1]:53', '::ffff:7f00:1']) {
    r['public ' + server] = await cb((done) => resolver(server).resolve4('api.example.com', done))
  }
  r.reverse = await cb((done) => resolver('127.0.0.1').reverse('203.0.113.5', done))
  const promised = new dns.promises.Resolver({ timeout: 15_000, tries: 1 })
  promised.setServers(['127.0.0.1'])
  r.promises = await kit.attempt(() => promised.resolveTxt('example.org'))
  dns.setServers(['127.0.0.1'])
  r.moduleLevel = await cb((done) => dns.resolve6('example.net', done))
  dns.setServers(system)
  r.refusedReached = resolver53.queries.map((q) => q.name)
  r.events = violations()
  // Local names and addresses (none in /etc/hosts, which c-ares reads first) still reach it; so
  // does a name a rule allows.
  r.localName = await cb((done) => resolver('127.0.0.1').resolve4('api.localhost', done))
  r.localReverse = await cb((done) => resolver('127.0.0.1').reverse('127.0.0.9', done))
  core.allowAudit({ net: ['*.example.com'] })
  r.allowed = await cb((done) => resolver('[::ffff:127.0.0.1]:53').resolve4('api.example.com', done))
  core.allowAudit({})
  // A test's own server, on its own port, answers any name.
  r.ownServer = await cb((done) => resolver(own.server).resolve4('api.example.com', done))
  r.reached = resolver53.queries.map((q) => q.name)
  r.ownReached = own.queries.map((q) => q.name)
  r.eventsAtEnd = violations().length
  // The system's server written as IPv4-mapped IPv6 is still the system's: the name is decided,
  // not the server (a local name passes; a public one is refused as a lookup).
  const v4 = system.map((s) => s.replace(/:53$/, '')).find((s) => /^\\d+\\.\\d+\\.\\d+\\.\\d+$/.test(s))
  if (v4) {
    const mapped = resolver('::ffff:' + v4)
    const before = violations().length
    r.mappedSystemPublic = await cb((done) => mapped.resolve4('example.com', done))
    r.mappedSystemEvents = violations().slice(before)
  }
  core.uninstall()
  await resolver53.close(); await own.close()
  return r
`

const refused = { ok: false, code: 'LEAKGATE_NET_BLOCKED', leakgate: true }

describe.skipIf(!isolated).each(nodes)('DNS resolvers of this machine on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { timeout: 90_000 })).result
  }, 120_000)

  test('a public name asked of a local server on port 53, in any spelling, is refused before it leaves', () => {
    for (const server of ['127.0.0.1', '127.0.0.1:53', '[::ffff:127.0.0.1]:53', '::ffff:7f00:1']) {
      expect(r[`public ${server}`], server).toMatchObject(refused)
    }
    expect(r.reverse).toMatchObject(refused)
    expect(r.promises).toMatchObject(refused)
    expect(r.moduleLevel).toMatchObject(refused)
    expect(r.refusedReached).toEqual([])
    expect(r.events).toEqual([
      ...Array(4).fill('dns.resolve4 api.example.com'),
      'dns.reverse 203.0.113.5',
      'dns.resolveTxt example.org',
      'dns.resolve6 example.net',
    ])
  })

  test('local names, a name a rule allows and a test’s own server are answered, and nothing is recorded', () => {
    expect(r.localName).toEqual({ ok: true, value: ['127.0.0.1'] })
    expect(r.localReverse).toEqual({ ok: true, value: ['responder.test'] })
    expect(r.allowed).toEqual({ ok: true, value: ['127.0.0.1'] })
    expect(r.ownServer).toEqual({ ok: true, value: ['127.0.0.1'] })
    expect(r.reached).toEqual(['api.localhost', '9.0.0.127.in-addr.arpa', 'api.example.com'])
    expect(r.ownReached).toEqual(['api.example.com'])
    expect(r.eventsAtEnd).toBe(7)
  })

  test('the system’s server written as IPv4-mapped IPv6 has the name decided, as the system’s', () => {
    if (r.mappedSystemPublic === undefined) return
    expect(r.mappedSystemPublic).toMatchObject(refused)
    expect(r.mappedSystemEvents).toEqual(['dns.resolve4 example.com'])
  })
})
