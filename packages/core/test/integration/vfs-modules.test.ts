import { beforeAll, describe, expect, test } from 'vitest'
import { evalProbes, hasVfs, nodes, type Probed, probe } from '../helpers/probe.js'
import { scopedProbe } from '../helpers/scoped-probe.js'

// Node 26's `node:vfs` (`--experimental-vfs`): a module served by a virtual file system holds what
// the code that mounted it wrote there, not a file of the real disk, and Node's loader reads it
// through the VFS (neither the public `fs.readFileSync` the require() fast path notes, nor the
// disk). Requiring or importing one is code from a string: refused and not run, allowed with
// `allowAudit({ eval: true })`. A test's handler compiling a VFS file's text it read itself,
// inside the load of a real file, is decided too. Writing the same source to a real file and
// requiring it is loading a file (docs/design.md, Trust and cost), and a VFS JSON file is data:
// both record nothing. Without the flag (and on Node versions with no `node:vfs`) the plain
// requires next to them record nothing either.

const probeBody = (allow: string) => `${scopedProbe('leakgate-vfs-', allow)}
  const url = require('node:url')
  const vfs = process.getBuiltinModule('node:vfs')
  r.vfs = vfs !== undefined
  if (vfs) {
    // Node's VFS setup replaces process.dlopen on the first mount (the platform's, not tampering:
    // vfs-native.test.ts): that mount happens in a step of its own, and records nothing.
    await inTest('first mount', () => { vfs.create().mount(); return 'mounted' })
    const mounted = (files) => {
      const layer = vfs.create()
      for (const [name, text] of Object.entries(files)) layer.writeFileSync('/' + name, text)
      return layer.mount()
    }
    await inTest('require', () => {
      const root = mounted({ 'made.js': ran('vfs require') + '; module.exports = "loaded"' })
      return require(root + '/made.js')
    })
    await inTest('import', async () => {
      const root = mounted({ 'made.mjs': ran('vfs import') + '; export default "loaded"' })
      return (await import(url.pathToFileURL(root + '/made.mjs').href)).default
    })
    await inTest('import of commonjs', async () => {
      const root = mounted({ 'made.cjs': ran('vfs import cjs') + '; module.exports = "loaded"' })
      return (await import(url.pathToFileURL(root + '/made.cjs').href)).default
    })
    await inTest('require of esm', () => {
      const root = mounted({ 'made.mjs': ran('vfs require esm') + '; export default "loaded"' })
      return require(root + '/made.mjs').default
    })
    // Inside the load of a real file, a handler reads the VFS file through the public fs (what
    // the fast path notes) and compiles that text under the VFS file's name.
    await inTest('handler compiling a vfs file', () => {
      const root = mounted({ 'read.js': ran('vfs handler') + '; module.exports = "loaded"' })
      Module._extensions['.lgv'] = (m, f) => { const virtual = root + '/read.js'; m._compile(fs.readFileSync(virtual, 'utf8'), virtual) }
      try { return require(write('host.lgv', 'ignored')) } finally { delete Module._extensions['.lgv'] }
    })
    // A VFS module allowed in one test and imported there (Node's ESM loader compiles it): its
    // very source stays code from a string in the next test, compiled by a handler under its name.
    const earlier = mounted({ 'earlier.cjs': 'globalThis.ran.push("vfs " + globalThis.vfsStep); module.exports = "loaded"' })
    await inTest('allowed import', async () => {
      core.allowAudit({ eval: true })
      globalThis.vfsStep = 'earlier'
      return (await import(url.pathToFileURL(earlier + '/earlier.cjs').href)).default
    })
    await inTest('handler compiling a vfs file allowed before', () => {
      globalThis.vfsStep = 'later'
      Module._extensions['.lgw'] = (m, f) => { const virtual = earlier + '/earlier.cjs'; m._compile(fs.readFileSync(virtual, 'utf8'), virtual) }
      try { return require(write('host.lgw', 'ignored')) } finally { delete Module._extensions['.lgw'] }
    })
    await inTest('vfs json', () => require(mounted({ 'data.json': '{"answer": 42}' }) + '/data.json').answer)
  }
  await inTest('temp file require', () => require(write('made.js', 'module.exports = ' + String(43))))
  await inTest('plain require and import', async () => [
    require(write('plain.js', 'module.exports = 44')),
    (await import(url.pathToFileURL(write('plain.mjs', 'export default 45')).href)).default,
  ])
  r.ran = globalThis.ran
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

const CAUGHT: Record<string, { event: string; tag: string }> = {
  require: { event: 'node:vfs', tag: 'vfs require' },
  import: { event: 'node:vfs', tag: 'vfs import' },
  'import of commonjs': { event: 'node:vfs', tag: 'vfs import cjs' },
  'require of esm': { event: 'node:vfs', tag: 'vfs require esm' },
  'handler compiling a vfs file': { event: 'Module._compile', tag: 'vfs handler' },
  'handler compiling a vfs file allowed before': { event: 'Module._compile', tag: 'vfs later' },
}
const LEGIT: Record<string, unknown> = {
  'first mount': 'mounted',
  'allowed import': 'loaded',
  'vfs json': 42,
  'temp file require': 43,
  'plain require and import': [44, 45],
}

describe.each(nodes)('node:vfs modules are code from a string on $label', ({ bin }) => {
  const vfs = hasVfs(bin)
  let refused: Probed
  let allowed: Probed
  let flagless: Probed
  beforeAll(async () => {
    const args = vfs ? ['--experimental-vfs'] : []
    const [pair, c] = await Promise.all([
      evalProbes(bin, probeBody, { args }),
      probe(bin, probeBody(''), { timeout: 90_000 }),
    ])
    ;({ refused, allowed } = pair)
    flagless = c.result
  }, 120_000)

  test('the probe ran with node:vfs exactly where this Node has it', () => {
    expect(refused.vfs).toBe(vfs)
    expect(flagless.vfs).toBe(false)
  })

  test.each(Object.keys(CAUGHT))('%s: refused, and it did not run', (name) => {
    if (!vfs) return
    expect(refused[name]).toEqual({ value: 'LEAKGATE_EVAL_BLOCKED', events: [CAUGHT[name]?.event] })
    expect(refused.ran).not.toContain(CAUGHT[name]?.tag)
  })

  test.each(Object.keys(CAUGHT))('%s: allowed with allowAudit({ eval: true }), it runs', (name) => {
    if (!vfs) return
    expect(allowed[name]).toEqual({ value: 'loaded', events: [] })
    expect(allowed.ran).toContain(CAUGHT[name]?.tag)
  })

  test.each(Object.keys(LEGIT))('%s: nothing recorded', (name) => {
    if (!vfs && (name === 'vfs json' || name === 'allowed import' || name === 'first mount')) return
    expect(refused[name]).toEqual({ value: LEGIT[name], events: [] })
  })

  test('without node:vfs, the real files record nothing', () => {
    expect(flagless['temp file require']).toEqual({ value: 43, events: [] })
    expect(flagless['plain require and import']).toEqual({ value: [44, 45], events: [] })
    expect(flagless.ran).toEqual([])
  })
})
