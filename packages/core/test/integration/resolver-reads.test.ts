import { beforeAll, describe, expect, test } from 'vitest'
import { isolated, nodes, type Probed, probe } from '../helpers/probe.js'

// A name is decided on what the resolver will really look up (issue 12.7). A hostname with a NUL
// is a C string to getaddrinfo and to the native connect: it ends at the NUL (Node 20 passes
// one through; Node 22+ refuses it with an error of its own). Names with whitespace, an escape
// or a percent sign are read otherwise by some resolver, so they match no rule and are never
// local. Each vector names 127.0.0.2 (outside for this probe: only loopback's 127.0.0.1, ::1 and
// the localhost names are local) before the character, and a local-looking name after it; a
// listener on 127.0.0.2 counts what reached it. Unguarded, Node connects there (Node 20, NUL).
// Guarded, nothing may: the call is refused (our error, or EPERM from the native connect), or
// fails with the very error Node gives without the guard. Names here that are not addresses are
// looked up over DNS when the guard lets them through: the namespace only.

const PROBE = `
  const net = require('node:net'), tls = require('node:tls'), http = require('node:http'), https = require('node:https')
  const dns = require('node:dns'), dgram = require('node:dgram')
  const hits = []
  const server = net.createServer((socket) => { hits.push('tcp'); socket.destroy() })
  await new Promise((resolve) => server.listen(0, '127.0.0.2', resolve))
  const port = server.address().port
  const udp = dgram.createSocket('udp4')
  udp.on('message', () => hits.push('udp'))
  await new Promise((resolve) => udp.bind(0, '127.0.0.2', resolve))
  const settle = (fn) => new Promise((resolve) => { try { fn(resolve) } catch (error) { resolve({ threw: error.code }) } })
  const failure = (error) => ({ code: error.code ?? error.cause?.code, leakgate: core.LeakgateError.is(error) || core.LeakgateError.is(error?.cause) })
  const CALLS = {
    'net.connect': (host) => settle((done) => { const s = net.connect({ host, port }); s.on('connect', () => { s.destroy(); done('connected') }); s.on('error', (e) => done(failure(e))) }),
    'tls.connect': (host) => settle((done) => { const s = tls.connect({ host, port, rejectUnauthorized: false }); s.on('secureConnect', () => done('connected')); s.on('error', (e) => done(failure(e))) }),
    'http.request': (host) => settle((done) => { const q = http.request({ host, port }); q.on('response', () => done('response')); q.on('error', (e) => done(failure(e))); q.end() }),
    'http.request setHost false': (host) => settle((done) => { const q = http.request({ host, port, setHost: false }); q.on('response', (r) => { r.resume(); done('response') }); q.on('error', (e) => done(failure(e))); q.end() }),
    'https.request': (host) => settle((done) => { const q = https.request({ host, port, rejectUnauthorized: false }); q.on('error', (e) => done(failure(e))); q.end() }),
    'dns.lookup': (host) => settle((done) => dns.lookup(host, (e, address) => done(e ? failure(e) : address))),
    'dns.promises.lookup': (host) => settle((done) => dns.promises.lookup(host).then((a) => done(a.address), (e) => done(failure(e)))),
    'dgram.send': (host) => settle((done) => { const s = dgram.createSocket('udp4'); s.bind(0, '127.0.0.1', () => { try { s.send('x', udp.address().port, host, (e) => { s.close(); done(e ? failure(e) : 'sent') }) } catch (e) { s.close(); done({ threw: e.code }) } }) }),
    fetch: (host) => settle((done) => fetch('http://' + host + ':' + port + '/').then(() => done('response'), (e) => done(failure(e)))),
  }
  const NAMES = { nul: '127.0.0.2\\u0000.localhost', space: '127.0.0.2 .localhost', tab: '127.0.0.2\\t.localhost', newline: '127.0.0.2\\n.localhost', escape: '127.0.0.2\\\\.localhost', percent: '127.0.0.2%25.localhost', nulName: 'example.invalid\\u0000.localhost' }
  const runAll = async () => {
    const out = {}
    for (const [label, host] of Object.entries(NAMES)) {
      out[label] = {}
      for (const [call, run] of Object.entries(CALLS)) out[label][call] = await run(host)
    }
    await kit.sleep(100)
    return { out, hits: hits.splice(0) }
  }
  const r = { major: Number(process.versions.node.split('.')[0]) }
  // Unguarded first, for the errors Node gives of its own: only the address-shaped NUL names,
  // which Node 20 connects to without any DNS query.
  r.unguardedNul = {}
  for (const [call, run] of Object.entries(CALLS)) r.unguardedNul[call] = await run(NAMES.nul)
  await kit.sleep(100)
  r.unguardedHits = hits.splice(0)
  core.install({ local: ['127.0.0.1', '::1', 'localhost', '*.localhost'] })
  r.guarded = await runAll()
  r.targets = core.getEngine().tracker.run.violations.map((v) => v.target.replace(':' + port, ':PORT').replace(':' + udp.address().port, ':PORT'))
  core.uninstall()
  server.close(); udp.close()
  return r
`

describe.runIf(isolated).each(nodes)(
  'names decided as the resolver reads them, on $label (network namespace)',
  ({ bin }) => {
    let r: Probed
    beforeAll(async () => {
      r = (await probe(bin, PROBE, { timeout: 60_000 })).result
    })

    test('unguarded, a NUL name reaches the address before it on Node 20 (the hole this closes)', () => {
      if (r.major === 20) {
        expect(r.unguardedNul['net.connect']).toBe('connected')
        expect(r.unguardedHits).toEqual(expect.arrayContaining(['tcp', 'udp']))
      } else {
        expect(r.unguardedNul['net.connect']).toEqual({ threw: 'ERR_INVALID_ARG_VALUE' })
        expect(r.unguardedHits).toEqual([])
      }
    })

    test('guarded, nothing reaches the outside listener, by any API, with any of the characters', () => {
      expect(r.guarded.hits).toEqual([])
      for (const [label, calls] of Object.entries(r.guarded.out as Record<string, Record<string, unknown>>)) {
        for (const [call, outcome] of Object.entries(calls)) {
          expect(['connected', 'response', 'sent'], `${label} ${call}`).not.toContain(outcome)
        }
      }
    })

    test('a refusal is ours, or EPERM from the native connect, or Node’s own error for the call', () => {
      const own = ['ERR_INVALID_ARG_VALUE', 'ERR_INVALID_CHAR', 'ERR_INVALID_URL']
      for (const [label, calls] of Object.entries(r.guarded.out as Record<string, Record<string, Probed>>)) {
        for (const [call, outcome] of Object.entries(calls)) {
          const where = `${label} ${call}`
          // A NUL before an address: the resolver reads the address, no DNS query; returned as is.
          if (label === 'nul' && call.startsWith('dns.') && r.major === 20) {
            expect(outcome, where).toBe('127.0.0.2')
            continue
          }
          // Percent signs: not a name any resolver reads as 127.0.0.2; Node's lookup fails.
          if (label === 'percent' && (call.startsWith('dns.') || call === 'dgram.send')) {
            expect(outcome, where).toMatchObject({ code: 'ENOTFOUND' })
            continue
          }
          if (outcome.threw !== undefined) expect(own, where).toContain(outcome.threw)
          else if (own.includes(outcome.code)) expect(outcome.leakgate, where).toBe(false)
          else if (outcome.code === 'EPERM') expect(r.major, where).toBe(20)
          else if (call === 'fetch' && outcome.code === 'EAI_AGAIN') {
            // WHATWG URL drops tabs and newlines: `127.0.0.2.localhost`, a local name, looked up.
            expect(['tab', 'newline'], where).toContain(label)
          } else expect(outcome, where).toMatchObject({ code: 'LEAKGATE_NET_BLOCKED', leakgate: true })
        }
      }
    })

    test('what is recorded is what the resolver reads', () => {
      if (r.major === 20) {
        expect(r.targets).toEqual(expect.arrayContaining(['127.0.0.2:PORT', 'example.invalid']))
      }
      expect(r.targets.some((target: string) => target.includes('\u0000'))).toBe(false)
    })
  },
)
