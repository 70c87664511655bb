import { spawnSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Under Node's permission model process.binding throws: the native prototypes are reached from
// instances, and DNS lookups are guarded at the exported functions. Nothing here listens or
// sends: every target is refused before a packet.

const major = (bin: string) =>
  Number(spawnSync(bin, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout)

const withPermissionModel = nodes.filter(({ bin }) => major(bin) >= 22)

// A run on Node 20 alone (one matrix cell) has no Node for this file: it reports a skip rather
// than an empty file (which Vitest fails).
if (withPermissionModel.length === 0) test.skip('the permission model needs Node 22+ (none among the Nodes under test)')

describe.each(withPermissionModel)('the permission model on $label', ({ bin }) => {
  test('the guard still installs and refuses connects, lookups, c-ares queries and eval', async () => {
    const { result } = await probe<Probed>(
      bin,
      `const net = require('node:net'), dns = require('node:dns')
       let bindingDenied = false
       try { process.binding('fs') } catch (e) { bindingDenied = e.code === 'ERR_ACCESS_DENIED' }
       core.install({ local: ['127.0.0.1', '::1'] })
       core.tameRealm(globalThis)
       const cb = (fn) => new Promise((resolve) => fn((error) => resolve(error ? kit.describeError(error) : { ok: true })))
       return {
         bindingDenied,
         connect: await kit.connect(9, kit.EXTERNAL),
         nameConnect: await kit.connect(443, 'example.com'),
         lookup: await cb((done) => dns.lookup('example.com', done)),
         promisesLookup: await kit.attempt(() => dns.promises.lookup('example.org')),
         resolve4: await cb((done) => dns.resolve4('example.net', done)),
         eval: await kit.attempt(() => new Function('return 1')),
       }`,
      { args: ['--permission', '--allow-fs-read=*'] },
    )
    const refused = { ok: false, code: 'LEAKGATE_NET_BLOCKED', leakgate: true }
    expect(result.bindingDenied).toBe(true)
    expect(result.connect).toMatchObject(refused)
    expect(result.nameConnect).toMatchObject(refused)
    expect(result.lookup).toMatchObject(refused)
    expect(result.promisesLookup).toMatchObject(refused)
    expect(result.resolve4).toMatchObject(refused)
    expect(result.eval).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
  })
})
