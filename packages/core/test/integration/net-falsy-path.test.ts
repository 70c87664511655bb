import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Node takes the pipe path of net.connect only for a truthy `path`: `{ path: '' }`, `false` or
// `0` beside a host connects over TCP to the host. The guard used to let any `path` through its
// JS layer, so such a connect was caught only natively: EPERM instead of the guard's error, no
// call site, and a name decided on its address (a rule allowing the name did not apply).

const FALSY_PATH_PROBE = `
  const tcpLocal = await kit.startTcp('127.0.0.1')
  const tcpOutside = await kit.startTcp(kit.EXTERNAL)
  const unix = await kit.startUnix()
  const P = tcpOutside.port
  const lookup = (h, o, cb) => o && o.all ? cb(null, [{ address: kit.EXTERNAL, family: 4 }]) : cb(null, kit.EXTERNAL, 4)
  core.install({ local: ['127.0.0.1', '::1'] })
  const r = {}
  r.emptyPath = await kit.connect({ port: P, host: kit.EXTERNAL, path: '' })
  r.falsePath = await kit.connect({ port: P, host: kit.EXTERNAL, path: false })
  r.zeroPath = await kit.connect({ port: P, host: kit.EXTERNAL, path: 0 })
  let asked = false
  r.emptyPathName = await kit.connect({ port: P, host: 'outside.test', path: '', lookup: (...a) => { asked = true; lookup(...a) } })
  r.nameLookupAsked = asked
  r.sites = core.getEngine().tracker.run.violations.map((v) => v.callSite && v.callSite.file)
  r.local = await kit.connect({ port: tcpLocal.port, host: '127.0.0.1', path: '' })
  r.unix = await kit.connect({ path: unix.socketPath, host: kit.EXTERNAL, port: P })
  core.allowAudit({ net: ['allowed.test'] })
  r.allowedName = await kit.connect({ port: P, host: 'allowed.test', path: '', lookup })
  r.violationCount = core.getEngine().tracker.run.violations.length
  core.uninstall()
  r.unguarded = await kit.connect({ port: P, host: kit.EXTERNAL, path: '' })
  await Promise.all([tcpLocal.close(), tcpOutside.close(), unix.close()])
  return r
`

const blocked = { ok: false, code: 'LEAKGATE_NET_BLOCKED', leakgate: true }

describe.each(nodes)('net.connect with a falsy path, on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, FALSY_PATH_PROBE)).result
  })

  test('an empty, false or zero path beside an outside host is refused with our error, at its call site', () => {
    expect(r.emptyPath).toMatchObject(blocked)
    expect(r.falsePath).toMatchObject(blocked)
    expect(r.zeroPath).toMatchObject(blocked)
    expect(r.emptyPathName).toMatchObject(blocked)
    expect(r.nameLookupAsked).toBe(false)
    // The call site is kit.connect's net.connect (natively, there was none).
    expect(r.sites).toEqual(Array(4).fill(expect.stringMatching(/kit\.cjs$/)))
  })

  test('a rule for the name allows it; loopback and a real unix path are untouched', () => {
    expect(r.allowedName).toEqual({ ok: true })
    expect(r.local).toEqual({ ok: true })
    expect(r.unix).toEqual({ ok: true })
    expect(r.violationCount).toBe(4)
  })

  test('Node connects over TCP without the guard (what the guard decides is what happens)', () => {
    expect(r.unguarded).toEqual({ ok: true })
  })
})
