import { beforeAll, describe, expect, test } from 'vitest'
import { findAddon, hasVfs, nodes, type Probed, probe } from '../helpers/probe.js'
import { scopedProbe } from '../helpers/scoped-probe.js'

// Node 26's `node:vfs` (`--experimental-vfs`): the first mount replaces `process.dlopen` with
// Node's own function, which loads an addon under the VFS root from its bytes through an internal
// binding, and the last unmount puts back the one it found. Neither is a test's tampering: the
// guard wraps Node's function, so an addon loaded from a VFS is a `process.dlopen` event (refused,
// allowed by a rule naming it), a real addon is decided once, not twice, and the VFS loads addons
// as it does without the guard. A test's own replacement of `process.dlopen`, before or while a
// VFS is mounted, is still LEAKGATE_TAMPERED, and after the repair the VFS still loads addons.
// Without the flag (and on Node versions with no `node:vfs`) there is nothing to run.

const addon = findAddon()

const probeBody = (allow: string) => `${scopedProbe('leakgate-vfs-native-', allow)}
  const addon = ${JSON.stringify(addon)}
  const vfs = process.getBuiltinModule('node:vfs')
  const layer = vfs.create()
  layer.writeFileSync('/addon.node', fs.readFileSync(addon))
  layer.writeFileSync('/text.node', 'not an addon')
  // Where the layer mounts (the same place each time): mounted and unmounted once, out of any test.
  const root = layer.mount()
  layer.unmount()
  // What a call did: the addon's exports, or the error, as Node's own failure is compared.
  const open = (file) => { const m = { exports: {} }; process.dlopen(m, file); return typeof m.exports.transformSync }
  const failure = (fn) => { try { fn(); return 'loaded' } catch (e) { return { name: e.name, code: e.code, message: e.message.replace(/fd\\/\\d+/, 'fd/N') } } }
  // Before any addon loads: once one has, Node's private image of the next VFS addon can reuse
  // its name (/proc/self/fd/N) and the system loader answers with the one it has (Node 26.10).
  await inTest('mount and open a vfs file that is no addon in one test', () => {
    layer.mount()
    return failure(() => open(root + '/text.node'))
  })
  await inTest('missing vfs file', () => failure(() => open(root + '/missing.node')))
  await inTest('vfs addon', () => typeof require(root + '/addon.node').transformSync)
  await inTest('real addon while mounted', () => open(addon))
  await inTest('a test replacing process.dlopen while mounted', () => {
    const guarded = process.dlopen
    process.dlopen = function dlopen(m, f) { return guarded.call(this, m, f) }
    return 'replaced'
  })
  await inTest('vfs addon after the repair', () => open(root + '/addon.node'))
  await inTest('unmount', () => { layer.unmount(); return layer.mounted })
  await inTest('real addon after unmount', () => open(addon))
  await inTest('mount and unmount again', () => { layer.mount(); layer.unmount(); return layer.mounted })
  await inTest('a test replacing process.dlopen, then mounting', () => {
    const guarded = process.dlopen
    process.dlopen = function dlopen(m, f) { return guarded.call(this, m, f) }
    layer.mount()
    return 'mounted'
  })
  await inTest('vfs addon after that repair', () => open(root + '/addon.node'))
  await inTest('unmount after that', () => { layer.unmount(); return layer.mounted })
  await inTest('real addon at the end', () => open(addon))
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

/** The same calls without the guard: Node's own answers. */
const plainBody = `
  const fs = require('node:fs')
  const addon = ${JSON.stringify(addon)}
  const layer = process.getBuiltinModule('node:vfs').create()
  layer.writeFileSync('/addon.node', fs.readFileSync(addon))
  layer.writeFileSync('/text.node', 'not an addon')
  const root = layer.mount()
  const open = (file) => { const m = { exports: {} }; process.dlopen(m, file); return typeof m.exports.transformSync }
  const failure = (fn) => { try { fn(); return 'loaded' } catch (e) { return { name: e.name, code: e.code, message: e.message.replace(/fd\\/\\d+/, 'fd/N') } } }
  return {
    'mount and open a vfs file that is no addon in one test': failure(() => open(root + '/text.node')),
    'missing vfs file': failure(() => open(root + '/missing.node')),
  }
`

const CAUGHT = ['vfs addon', 'real addon while mounted']
const FAILING = ['mount and open a vfs file that is no addon in one test', 'missing vfs file']
const TAMPERED = ['a test replacing process.dlopen while mounted', 'a test replacing process.dlopen, then mounting']
const AFTER_REPAIR = ['vfs addon after the repair', 'vfs addon after that repair']

describe.each(nodes)('native addons and node:vfs on $label', ({ bin }) => {
  const vfs = hasVfs(bin)
  let refused: Probed
  let allowed: Probed
  let plain: Probed
  beforeAll(async () => {
    if (!vfs) return
    const args = ['--experimental-vfs', '--no-warnings']
    const [a, b, c] = await Promise.all([
      probe(bin, probeBody(''), { args, timeout: 90_000 }),
      // A rule naming the addon and the files in the VFS.
      probe(
        bin,
        probeBody(
          `core.allowAudit({ exec: [addon, ...['addon', 'text', 'missing'].map((n) => root + '/' + n + '.node')] })`,
        ),
        {
          args,
          timeout: 90_000,
        },
      ),
      probe(bin, plainBody, { args, timeout: 90_000 }),
    ])
    refused = a.result
    allowed = b.result
    plain = c.result
  }, 120_000)

  test('a native addon is there to load', () => {
    expect(addon, 'no native addon found under node_modules/@swc: run npm install').toBeDefined()
  })

  test.each(CAUGHT)('%s: refused as process.dlopen, decided once', (name) => {
    if (!vfs) return
    expect(refused[name]).toEqual({ value: 'LEAKGATE_EXEC_BLOCKED', events: ['process.dlopen'] })
  })

  test.each(CAUGHT)('%s: allowed by a rule naming the file, it loads', (name) => {
    if (!vfs) return
    expect(allowed[name]).toEqual({ value: 'function', events: [] })
  })

  test('mounting and unmounting are not tampering', () => {
    if (!vfs) return
    for (const result of [refused, allowed]) {
      expect(result.unmount).toEqual({ value: false, events: [] })
      expect(result['mount and unmount again']).toEqual({ value: false, events: [] })
      expect(result['unmount after that']).toEqual({ value: false, events: [] })
    }
  })

  test.each(FAILING)('%s: refused first; allowed, Node fails it in its own words', (name) => {
    if (!vfs) return
    expect(refused[name]).toEqual({
      value: expect.objectContaining({ code: 'LEAKGATE_EXEC_BLOCKED' }),
      events: ['process.dlopen'],
    })
    expect(plain[name]).not.toBe('loaded')
    expect(allowed[name]).toEqual({ value: plain[name], events: [] })
  })

  test.each(TAMPERED)('%s: LEAKGATE_TAMPERED', (name) => {
    if (!vfs) return
    expect(refused[name]?.events).toEqual(['leakgate.integrity'])
    expect(allowed[name]?.events).toEqual(['leakgate.integrity'])
  })

  test.each(AFTER_REPAIR)('%s: the VFS still loads an allowed addon, and refuses it otherwise', (name) => {
    if (!vfs) return
    expect(allowed[name]).toEqual({ value: 'function', events: [] })
    expect(refused[name]).toEqual({ value: 'LEAKGATE_EXEC_BLOCKED', events: ['process.dlopen'] })
  })

  test.each(['real addon after unmount', 'real addon at the end'])('%s: still guarded', (name) => {
    if (!vfs) return
    expect(refused[name]).toEqual({ value: 'LEAKGATE_EXEC_BLOCKED', events: ['process.dlopen'] })
    expect(allowed[name]).toEqual({ value: 'function', events: [] })
  })
})
