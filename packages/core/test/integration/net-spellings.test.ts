import { beforeAll, describe, expect, test } from 'vitest'
import { isolated, nodes, type Probed, probe } from '../helpers/probe.js'

// Addresses in every spelling the platform accepts, through each API that takes a host. Only
// 0.0.0.0 (and ::) connects to this machine: Linux routes the rest of 0.0.0.0/8 as unicast, out
// through the default route, and the guard used to take all of 0.0.0.0/8 for "unspecified", so
// `net.connect(port, '0.1.2.3')` went out unseen. Outside targets are documentation addresses and
// 0.0.0.0/8, inside the test's network namespace (no route: nothing leaves even when let through).

const PROBE = `
  const net = require('node:net'), http = require('node:http'), tls = require('node:tls'), http2 = require('node:http2')
  const dgram = require('node:dgram'), dns = require('node:dns')
  const any = await kit.startTcp('0.0.0.0')
  const web = await kit.startHttp('0.0.0.0')
  const unix = await kit.startUnix()
  const abstract = '\\0leakgate-spellings-' + process.pid
  const abstractServer = net.createServer((socket) => socket.end())
  await new Promise((resolve) => abstractServer.listen(abstract, resolve))
  const P = any.port
  const settle = (p) => Promise.race([p, new Promise((resolve) => setTimeout(() => resolve({ timeout: true }), 10_000))])
  const request = (make) => settle(new Promise((resolve) => { const req = make(); req.on('response', (res) => { res.resume(); resolve({ ok: true }) }); req.on('error', (e) => resolve(kit.describeError(e))); req.end() }))
  const h2 = (url) => settle(new Promise((resolve) => { const s = http2.connect(url); s.on('error', (e) => resolve(kit.describeError(e))); s.on('connect', () => { s.close(); resolve({ ok: true }) }) }))
  const send = (type, host, port = 9) => settle(new Promise((resolve) => { const s = dgram.createSocket(type); s.on('error', (e) => { s.close(); resolve(kit.describeError(e)) }); s.send('x', port, host, (e) => { s.close(); resolve(e ? kit.describeError(e) : { ok: true }) }) }))
  const settleTls = (host) => settle(new Promise((resolve) => { const s = tls.connect({ host, port: 443 }); s.on('secureConnect', () => { s.destroy(); resolve({ ok: true }) }); s.on('error', (e) => resolve(kit.describeError(e))) }))
  const later = (address) => (host, options, cb) => setImmediate(() => options && options.all ? cb(null, [{ address, family: 4 }]) : cb(null, address, 4))
  core.install({})
  const events = () => core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  const caught = {}, fp = {}, r = { caught, fp }

  // 0.0.0.0/8 but 0.0.0.0, in each spelling and through each API.
  for (const host of ['0.1.2.3', '0.0.0.1', '66051', '0x10203', '0.66051', '::ffff:0.1.2.3']) caught['net ' + host] = await kit.connect(80, host)
  caught['fetch 0.1.2.3'] = await kit.attempt(() => fetch('http://0.1.2.3/'))
  caught['fetch [::ffff:1:203]'] = await kit.attempt(() => fetch('http://[::ffff:1:203]/'))
  caught['http 0.1.2.3'] = await request(() => http.request('http://0.1.2.3/'))
  caught['tls 0.1.2.3'] = await settleTls('0.1.2.3')
  caught['dgram 0.1.2.3'] = await send('udp4', '0.1.2.3')
  caught['dgram ::ffff:0.1.2.3'] = await send('udp6', '::ffff:0.1.2.3')
  caught['lookupService 0.1.2.3'] = await kit.attempt(() => dns.promises.lookupService('0.1.2.3', 80))
  r.caughtEvents = events()
  // A local name that resolves there: decided on the address, natively (EPERM).
  r.localName = await kit.connect({ host: 'localhost', port: 80, lookup: later('0.1.2.3') })

  // Documentation addresses in other spellings (already caught: kept as a table).
  for (const host of ['::ffff:203.0.113.5', '::ffff:cb00:7105', '64:ff9b::cb00:7105', '2002:cb00:7105::', '0xcb.0.113.5', '3405803781', '203.113.5', '0313.0.0161.5'])
    caught['doc net ' + host] = await kit.connect(80, host)
  for (const url of ['http://[::ffff:cb00:7105]/', 'http://0xcb.0.113.5/', 'http://3405803781/', 'http://203.0.113.5./'])
    caught['doc fetch ' + url] = await kit.attempt(() => fetch(url))
  caught['doc http [::ffff:203.0.113.5]'] = await request(() => http.request('http://[::ffff:203.0.113.5]/'))
  caught['doc http lookup'] = await request(() => http.request({ host: 'api.test', port: 80, lookup: later('203.0.113.5') }))
  caught['doc tls mapped'] = await settleTls('::ffff:203.0.113.5')
  caught['doc http2 mapped'] = await h2('http://[::ffff:203.0.113.5]')
  caught['doc dgram short'] = await send('udp4', '0xcb.0.113.5')
  caught['doc dgram broadcast'] = await send('udp4', '255.255.255.255')
  caught['doc dgram multicast'] = await send('udp4', '224.0.0.251')

  // Nothing is caught where the target is this machine, in every spelling.
  const before = events().length
  for (const host of ['0.0.0.0', '0', '::ffff:0.0.0.0', '127.0.0.2', '127.1', '0x7f000001', '::ffff:127.0.0.1', '::ffff:7f00:1', 'localhost', 'LOCALHOST'])
    fp['net ' + host] = await kit.connect(P, host)
  fp['net no host'] = await kit.connect(P)
  fp['net unix'] = await kit.connect(unix.socketPath)
  fp['net abstract'] = await kit.connect(abstract)
  for (const host of ['0.0.0.0', '127.1', '[::ffff:127.0.0.1]', 'localhost']) fp['fetch ' + host] = await kit.attempt(() => fetch('http://' + host + ':' + web.port + '/').then((res) => res.text()))
  fp['dgram 0.0.0.0'] = await send('udp4', '0.0.0.0')
  // A reverse lookup of this machine's address: Node's own answer (here, no DNS server), not ours.
  fp['lookupService 0.0.0.0'] = await kit.attempt(() => dns.promises.lookupService('0.0.0.0', 22))
  r.fpEvents = events().length - before

  // Allowed by a rule for the range, the address travels as without the guard (no route here).
  core.allowAudit({ net: ['0.0.0.0/8'] })
  r.allowedCidr = await kit.connect(80, '0.1.2.3')
  core.allowAudit({ net: ['reserved'] })
  r.allowedRange = await kit.connect(80, '66051')
  core.allowAudit({})
  // Report mode: Node's own failure, recorded once.
  core.install({ mode: 'report' })
  const beforeReport = events().length
  r.reported = await kit.connect(80, '0.1.2.3')
  r.reportedEvents = events().slice(beforeReport)
  core.uninstall()
  r.unguarded = await kit.connect(80, '0.1.2.3')
  abstractServer.close()
  await Promise.all([any.close(), web.close(), unix.close()])
  return r
`

const refused = { ok: false, code: 'LEAKGATE_NET_BLOCKED', leakgate: true }
const unreachable = { ok: false, code: 'ENETUNREACH', leakgate: false }

describe.skipIf(!isolated).each(nodes)('address spellings on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { timeout: 90_000 })).result
  }, 120_000)

  test('0.0.0.0/8 but 0.0.0.0 is outside, in every spelling and through each API', () => {
    const caught = r.caught as Record<string, Record<string, unknown>>
    for (const [vector, outcome] of Object.entries(caught)) {
      const refusal = outcome.causeCode === undefined ? refused : { ok: false, causeCode: 'LEAKGATE_NET_BLOCKED' }
      expect(outcome, vector).toMatchObject(vector.startsWith('fetch') ? { ok: false, leakgate: true } : refusal)
    }
    expect(r.caughtEvents).toEqual([
      ...['0.1.2.3', '0.0.0.1', '0.1.2.3', '0.1.2.3', '0.1.2.3', '0.1.2.3'].map((a) => `net.connect ${a}:80`),
      'net.connect 0.1.2.3:80',
      'net.connect 0.1.2.3:80',
      'net.connect 0.1.2.3:80',
      'tls.connect 0.1.2.3:443',
      'dgram.send 0.1.2.3:9',
      'dgram.send 0.1.2.3:9',
      'dns.lookupService 0.1.2.3:80',
    ])
    expect(r.localName).toMatchObject({ ok: false, code: 'EPERM' })
  })

  test('nothing is caught where the target is this machine', () => {
    for (const [vector, outcome] of Object.entries(r.fp as Record<string, unknown>)) {
      expect(outcome, vector).toMatchObject(vector.startsWith('lookupService') ? { leakgate: false } : { ok: true })
    }
    expect(r.fpEvents).toBe(0)
  })

  test('a rule for the range allows it; report mode records it once and changes nothing', () => {
    expect(r.allowedCidr).toMatchObject(unreachable)
    expect(r.allowedRange).toMatchObject(unreachable)
    expect(r.reported).toMatchObject(unreachable)
    expect(r.reportedEvents).toEqual(['net.connect 0.1.2.3:80'])
    expect(r.unguarded).toMatchObject(unreachable)
  })
})
