import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { isolated, nodes, type Probed, probe } from '../helpers/probe.js'

// A rule for a name never lets it reach a link-local or cloud metadata address (issue 12.10):
// 169.254.0.0/16 (169.254.169.254 serves instance credentials on AWS, GCP, Azure, Oracle),
// fe80::/10, AWS's fd00:ec2::254 and Alibaba's 100.100.100.200, unless a rule names it. A DNS
// stub on loopback answers those addresses for allowed names (looked up through a Resolver
// pointed at it, as the connect's `lookup`); the native connect decides the address. The
// namespace has no route to any of them: an attempt the guard lets through fails there.

const RESPONDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/dns-responder.cjs')

const PROBE = `
  const net = require('node:net'), http = require('node:http'), dns = require('node:dns')
  const { startDnsResponder } = require(${JSON.stringify(RESPONDER)})
  const stub = await startDnsResponder('127.0.0.1', { answers: {
    'metadata.example.com': { A: ['169.254.169.254'], AAAA: ['fd00:ec2::254'] },
    'link.example.com': { A: ['169.254.10.1'], AAAA: ['fe80::1'] },
    'mapped.example.com': { AAAA: ['::ffff:169.254.169.254'] },
    'alibaba.example.com': { A: ['100.100.100.200'] },
    'plain.example.com': { A: ['127.0.0.2'] },
  } })
  const resolver = new dns.Resolver({ timeout: 1000, tries: 1 })
  resolver.setServers([stub.server])
  // A lookup through the stub, in the shapes Node asks for (one address, or all of them).
  const lookup = (family) => (hostname, options, callback) => {
    resolver[family === 6 ? 'resolve6' : 'resolve4'](hostname, (error, list) => {
      if (error) return callback(error)
      if (options.all) return callback(null, list.map((address) => ({ address, family })))
      callback(null, list[0], family)
    })
  }
  const listener = net.createServer((socket) => socket.end())
  await new Promise((resolve) => listener.listen(0, '127.0.0.2', resolve))
  const port = listener.address().port
  const failure = (e) => ({ code: e.code, leakgate: core.LeakgateError.is(e) })
  const connect = (host, family = 4, at = 80) => new Promise((resolve) => {
    const socket = net.connect({ host, port: at, family, lookup: lookup(family), autoSelectFamily: false })
    socket.on('connect', () => { socket.destroy(); resolve('connected') })
    socket.on('error', (e) => resolve(failure(e)))
  })
  const get = (host) => new Promise((resolve) => {
    const request = http.get({ host, port: 80, path: '/latest/meta-data/iam/', lookup: lookup(4), family: 4 }, (response) => { response.resume(); resolve('response') })
    request.on('error', (e) => resolve(failure(e)))
  })
  const violations = () => core.getEngine().tracker.run.violations.map((v) => v.target)
  const r = {}
  core.install({ local: ['127.0.0.1', '::1'], allow: { net: ['*.example.com'] } })
  r.metadata = await connect('metadata.example.com')
  r.metadata6 = await connect('metadata.example.com', 6)
  r.linkLocal = await connect('link.example.com')
  r.linkLocal6 = await connect('link.example.com', 6)
  r.mapped = await connect('mapped.example.com', 6)
  r.alibaba = await connect('alibaba.example.com')
  r.http = await get('metadata.example.com')
  r.events = violations()
  // The name's other addresses are still allowed by the name.
  r.plain = await connect('plain.example.com', 4, port)
  r.eventsAfterPlain = violations().length
  // A rule that names the address or the range lets it through (to no route, here).
  core.allowAudit({ net: ['linkLocal', 'fd00:ec2::254'] })
  r.allowedRange = await connect('metadata.example.com')
  r.allowedAddress = await connect('metadata.example.com', 6)
  r.allowedLink6 = await connect('link.example.com', 6)
  r.eventsAfterAllowed = violations().length
  // Report mode: a name no rule allows is recorded once, not again for its address.
  core.install({ local: ['127.0.0.1', '::1'], mode: 'report' })
  const before = violations().length
  r.reported = await connect('metadata.example.com')
  r.reportedEvents = violations().slice(before)
  core.uninstall()
  listener.close(); await stub.close()
  return r
`

const refusedNatively = { code: 'EPERM', leakgate: false }

describe.runIf(isolated).each(nodes)(
  'metadata addresses behind an allowed name, $label (network namespace)',
  ({ bin }) => {
    let r: Probed
    beforeAll(async () => {
      r = (await probe(bin, PROBE, { timeout: 60_000 })).result
    })

    test('a name rule does not reach link-local or metadata addresses, IPv4, IPv6 or mapped', () => {
      for (const key of ['metadata', 'metadata6', 'linkLocal', 'linkLocal6', 'mapped', 'alibaba', 'http']) {
        expect(r[key], key).toEqual(refusedNatively)
      }
    })

    test('the record names the name, the address and why', () => {
      expect(r.events).toEqual([
        'metadata.example.com (169.254.169.254:80, a metadata address a rule for the name does not reach)',
        'metadata.example.com ([fd00:ec2::254]:80, a metadata address a rule for the name does not reach)',
        'link.example.com (169.254.10.1:80, a metadata address a rule for the name does not reach)',
        'link.example.com ([fe80::1]:80, a metadata address a rule for the name does not reach)',
        'mapped.example.com (169.254.169.254:80, a metadata address a rule for the name does not reach)',
        'alibaba.example.com (100.100.100.200:80, a metadata address a rule for the name does not reach)',
        'metadata.example.com (169.254.169.254:80, a metadata address a rule for the name does not reach)',
      ])
    })

    test('the name’s other addresses are allowed by the name, as before', () => {
      expect(r.plain).toBe('connected')
      expect(r.eventsAfterPlain).toBe(r.events.length)
    })

    test('a rule naming the range or the address lets it through', () => {
      for (const key of ['allowedRange', 'allowedAddress', 'allowedLink6']) {
        expect(r[key], key).toMatchObject({ leakgate: false })
        expect(r[key].code, key).not.toBe('EPERM')
      }
      expect(r.eventsAfterAllowed).toBe(r.events.length)
    })

    test('report mode records the name once', () => {
      expect(r.reported).toMatchObject({ leakgate: false })
      expect(r.reportedEvents).toEqual(['metadata.example.com:80'])
    })
  },
)
