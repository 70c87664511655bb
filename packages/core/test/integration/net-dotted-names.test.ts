import { beforeAll, describe, expect, test } from 'vitest'
import { isolated, nodes, type Probed, probe } from '../helpers/probe.js'

// `127.0.0.1.` reads as the loopback address only once its trailing dot is dropped: the system
// resolver takes it for a name and asks DNS for it (strace: a query to the configured server).
// The guard refused it, rightly, but said "blocked net.connect to 127.0.0.1:80" and offered the
// rule '127.0.0.1:80', which allows the address and not the name: a user following the message
// went round in circles. It now shows the name with its dot, says why it is a name, and offers
// the rule that allows it. Outside targets run inside the test's network namespace only.

const PROBE = `
  const dns = require('node:dns')
  const local = await kit.startTcp('127.0.0.1')
  const full = (error) => String(error && error.message)
  const connectFull = (port, host) => new Promise((resolve) => {
    const socket = require('node:net').connect(port, host)
    socket.on('connect', () => { socket.destroy(); resolve({ ok: true }) })
    socket.on('error', (error) => resolve({ ok: false, code: error.code, message: full(error) }))
  })
  core.install({})
  const events = () => core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  const r = {}
  r.connect = await connectFull(80, '127.0.0.1.')
  r.lookup = await new Promise((resolve) => dns.lookup('10.0.0.1.', (error) => resolve({ code: error && error.code, message: full(error) })))
  r.events = events()
  // Nothing is caught for the address itself.
  r.address = await kit.connect(local.port, '127.0.0.1')
  r.addressEvents = events().length
  // The address rule does not allow the name; the rule the message offers does.
  core.install({ allow: { net: ['127.0.0.1:80'] } })
  r.byAddressRule = await kit.connect(80, '127.0.0.1.')
  core.install({ allow: { net: ['127.0.0.1.:80', '10.0.0.1.'] } })
  r.byNameRule = await kit.connect(80, '127.0.0.1.')
  r.lookupByNameRule = await new Promise((resolve) => dns.lookup('10.0.0.1.', (error) => resolve({ code: error && error.code })))
  core.uninstall()
  r.unguarded = await kit.connect(80, '127.0.0.1.')
  await local.close()
  return r
`

describe.skipIf(!isolated).each(nodes)('a dotted name that looks like an address, on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { timeout: 60_000 })).result
  }, 90_000)

  test('is refused as the name it is, with a message that says so and offers the rule that allows it', () => {
    const connect = r.connect as { ok: boolean; code: string; message: string }
    expect(connect).toMatchObject({ ok: false, code: 'LEAKGATE_NET_BLOCKED' })
    expect(connect.message).toContain('blocked net.connect to "127.0.0.1.:80"')
    expect(connect.message).toContain('"127.0.0.1." ends with a dot, so it is a DNS name, not the address 127.0.0.1')
    expect(connect.message).toContain("allow: { net: ['127.0.0.1.:80'] }")
    const lookup = r.lookup as { code: string; message: string }
    expect(lookup.code).toBe('LEAKGATE_NET_BLOCKED')
    expect(lookup.message).toContain('dns.lookup of "10.0.0.1."')
    expect(r.events).toEqual(['net.connect 127.0.0.1.:80', 'dns.lookup 10.0.0.1.'])
  })

  test('the address itself is this machine: nothing caught', () => {
    expect(r.address).toEqual({ ok: true })
    expect(r.addressEvents).toBe(2)
  })

  test("the address's rule does not allow the name; the offered rule does, and Node then resolves it as without the guard", () => {
    expect(r.byAddressRule).toMatchObject({ ok: false, code: 'LEAKGATE_NET_BLOCKED' })
    const unguarded = r.unguarded as { ok: boolean; code: string }
    expect(unguarded.ok).toBe(false)
    expect(unguarded.code).not.toBe('LEAKGATE_NET_BLOCKED')
    expect(r.byNameRule).toMatchObject({ ok: false, code: unguarded.code })
    expect((r.lookupByNameRule as { code: string }).code).toBe(unguarded.code)
  })
})
