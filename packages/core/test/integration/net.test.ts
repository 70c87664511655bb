import { beforeAll, describe, expect, test } from 'vitest'
import { isolated, nodes, type Probed, probe } from '../helpers/probe.js'

// Every TCP path, on every supported Node: caught, allowed by a rule, untouched when local,
// caught through a reference captured before install, and nothing patched after uninstall.

const NET_PROBE = `
  const net = require('node:net'), http = require('node:http'), https = require('node:https'),
    tls = require('node:tls'), http2 = require('node:http2')
  const capturedConnect = net.Socket.prototype.connect
  const capturedNetConnect = net.connect
  const tcpLocal = await kit.startTcp('127.0.0.1')
  const tcpOutside = await kit.startTcp(kit.EXTERNAL)
  const httpOutside = await kit.startHttp(kit.EXTERNAL)
  const unix = await kit.startUnix()
  core.install({ local: ['127.0.0.1', '::1', 'unspecified', 'localhost'] })
  const r = {}
  const P = tcpOutside.port
  const direct = await new Promise((resolve) => net.connect(P, kit.EXTERNAL).on('error', resolve))
  r.loopback = await kit.connect(tcpLocal.port, '127.0.0.1')
  r.unspecified = await kit.connect(tcpLocal.port, '0.0.0.0')
  r.unix = await kit.connect(unix.socketPath)
  r.outside = await kit.connect(P, kit.EXTERNAL)
  r.createConnection = await new Promise((resolve) => net.createConnection({ port: P, host: kit.EXTERNAL }).on('error', (e) => resolve(kit.describeError(e))).on('connect', () => resolve({ ok: true })))
  r.capturedExport = await new Promise((resolve) => capturedNetConnect(P, kit.EXTERNAL).on('error', (e) => resolve(kit.describeError(e))).on('connect', () => resolve({ ok: true })))
  r.capturedPrototype = await new Promise((resolve) => { const s = new net.Socket(); s.on('error', (e) => resolve(kit.describeError(e))); s.on('connect', () => resolve({ ok: true })); capturedConnect.call(s, P, kit.EXTERNAL) })
  r.http = await kit.get(httpOutside.url + '/x')
  r.https = await new Promise((resolve) => https.get('https://' + kit.EXTERNAL + ':' + P + '/').on('error', (e) => resolve(kit.describeError(e))))
  r.tls = await new Promise((resolve) => tls.connect(P, kit.EXTERNAL).on('error', (e) => resolve(kit.describeError(e))))
  r.fetch = await kit.attempt(() => fetch(httpOutside.url + '/f'))
  r.fetchSite = core.getEngine().tracker.run.violations.at(-1).callSite
  r.http2 = await new Promise((resolve) => { const s = http2.connect('http://' + kit.EXTERNAL + ':' + P); s.on('error', (e) => { s.destroy(); resolve(kit.describeError(e)) }); s.on('connect', () => { s.destroy(); resolve({ ok: true }) }) })
  r.websocket = typeof WebSocket === 'function'
    ? await new Promise((resolve) => { const ws = new WebSocket('ws://' + kit.EXTERNAL + ':' + P); ws.onerror = () => resolve({ ok: false, errorEvent: true }); ws.onopen = () => resolve({ ok: true }) })
    : 'absent'
  r.numeric = await kit.connect(P, '2130706434')
  r.numericUrl = await kit.get('http://2130706434:' + httpOutside.port + '/n')
  r.mapped = await kit.connect(P, '::ffff:127.0.0.2')
  // A name is decided before DNS: a custom lookup that would answer is never asked.
  let asked = false
  r.name = await kit.connect({ port: P, host: 'outside.test', lookup: (h, o, cb) => { asked = true; cb(null, kit.EXTERNAL, 4) } })
  r.nameLookupAsked = asked
  // A local name is checked again at each address it resolves to.
  r.localNameResolvingOutside = await kit.connect({ port: P, host: 'localhost', lookup: (h, o, cb) => o && o.all ? cb(null, [{ address: kit.EXTERNAL, family: 4 }]) : cb(null, kit.EXTERNAL, 4) })
  const blockedCount = core.getEngine().tracker.run.violations.length
  const first = core.getEngine().tracker.run.violations[0]
  r.record = { event: first.event, target: first.target, callSite: first.callSite, blocked: first.blocked, code: first.code, mode: first.mode, phase: first.scope.phase }
  r.message = String(core.getEngine().errorFor(first).message)
  // Allowances: by address, by address and port, by name (and then every address of it).
  core.allowAudit({ net: [kit.EXTERNAL + ':' + P, 'allowed.test'] })
  r.allowedAddress = await kit.connect(P, kit.EXTERNAL)
  r.allowedOtherPort = await kit.connect(httpOutside.port, kit.EXTERNAL)
  r.allowedName = await kit.connect({ port: P, host: 'allowed.test', lookup: (h, o, cb) => o && o.all ? cb(null, [{ address: '127.0.0.3', family: 4 }, { address: kit.EXTERNAL, family: 4 }]) : cb(null, kit.EXTERNAL, 4) })
  r.allowedEvents = core.getEngine().recorder.pending.size
  r.violationCount = blockedCount
  core.uninstall()
  r.restored = net.Socket.prototype.connect === capturedConnect && net.connect === capturedNetConnect
  r.afterUninstall = await kit.connect(P, kit.EXTERNAL)
  await Promise.all([tcpLocal.close(), tcpOutside.close(), httpOutside.close(), unix.close()])
  return r
`

const blocked = { ok: false, code: 'LEAKGATE_NET_BLOCKED', leakgate: true }

describe.each(nodes)('net on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, NET_PROBE)).result
  })

  test('loopback, the unspecified address and unix sockets are untouched', () => {
    expect(r.loopback).toEqual({ ok: true })
    expect(r.unspecified).toEqual({ ok: true })
    expect(r.unix).toEqual({ ok: true })
  })

  test('net.connect, createConnection and a captured export fail through the error event with our error', () => {
    expect(r.outside).toMatchObject(blocked)
    expect(r.outside.message).toMatch(/^blocked net.connect to "127.0.0.2:\d+" \(LEAKGATE_NET_BLOCKED\)$/)
    expect(r.createConnection).toMatchObject(blocked)
    expect(r.capturedExport).toMatchObject(blocked)
  })

  test('a prototype method captured before install is refused natively (EPERM)', () => {
    expect(r.capturedPrototype).toMatchObject({ ok: false, code: 'EPERM' })
  })

  test('http, https, tls, http2 and fetch are caught; fetch rejects with our error as its cause', () => {
    expect(r.http).toMatchObject(blocked)
    expect(r.https).toMatchObject(blocked)
    expect(r.tls).toMatchObject(blocked)
    expect(r.http2).toMatchObject(blocked)
    expect(r.fetch).toMatchObject({ ok: false, causeCode: 'LEAKGATE_NET_BLOCKED', leakgate: true })
    // fetch connects later, from undici's frames: the caller's stack is carried to the connect.
    expect(r.fetchSite.file).toMatch(/probe\.cjs$/)
  })

  test('WebSocket (where Node has it) fails with an error event', () => {
    if (r.websocket === 'absent') return
    expect(r.websocket).toEqual({ ok: false, errorEvent: true })
  })

  test('numeric and IPv4-mapped spellings of an outside address are outside', () => {
    expect(r.numeric).toMatchObject(blocked)
    expect(r.numericUrl).toMatchObject(blocked)
    expect(r.mapped).toMatchObject(blocked)
  })

  test('a name is refused before DNS; a local name is checked at every resolved address', () => {
    expect(r.name).toMatchObject(blocked)
    expect(r.nameLookupAsked).toBe(false)
    expect(r.localNameResolvingOutside).toMatchObject({ ok: false, code: 'EPERM' })
  })

  test('the record carries the call site in the probe, and the message says how to allow it', () => {
    expect(r.record).toMatchObject({
      event: 'net.connect',
      blocked: true,
      code: 'LEAKGATE_NET_BLOCKED',
      mode: 'enforce',
      phase: 'run',
    })
    expect(r.record.callSite.file).toMatch(/probe\.cjs$/)
    expect(r.message).toContain('policy     no rule matched; allow.net = []')
    expect(r.message).toMatch(/To allow it in the config: {2}allow: \{ net: \['127\.0\.0\.2:\d+'\] \}/)
  })

  test('allowances: address and port, name (with each of its addresses); the port counts', () => {
    expect(r.allowedAddress).toEqual({ ok: true })
    expect(r.allowedOtherPort).toMatchObject(blocked)
    expect(r.allowedName).toEqual({ ok: true })
    expect(r.allowedEvents).toBeGreaterThanOrEqual(2)
  })

  test('uninstall restores everything', () => {
    expect(r.restored).toBe(true)
    expect(r.afterUninstall).toEqual({ ok: true })
  })
})

describe.runIf(isolated).each(nodes)('clearnet on $label (network namespace)', ({ bin }) => {
  test('documentation addresses are refused before any packet', async () => {
    const { result } = await probe<Probed>(
      bin,
      `core.install({})
       return {
         net: await kit.connect(443, kit.CLEARNET),
         fetch: await kit.attempt(() => fetch('https://' + kit.CLEARNET + '/')),
         metadata: await kit.connect(80, '169.254.169.254'),
         privateRange: await kit.connect(5432, '10.0.0.5'),
       }`,
    )
    expect(result.net).toMatchObject(blocked)
    expect(result.fetch).toMatchObject({ causeCode: 'LEAKGATE_NET_BLOCKED' })
    expect(result.metadata).toMatchObject(blocked)
    expect(result.privateRange).toMatchObject(blocked)
  })
})
