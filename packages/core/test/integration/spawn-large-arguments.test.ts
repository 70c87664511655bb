import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// A spawn is described (its command line split, secrets masked) for its record, refused or
// allowed. The masking patterns backtracked over a long word: a 20 KB argument took ~4 s to
// describe and a 100 KB one ~70 s, so a refused `node -e <bundle>` or a large JSON argument hung
// the test in the guard. Each call below must settle in well under a second of guard work.

const PROBE = `
  const cp = require('node:child_process')
  const big = 'x'.repeat(512 * 1024)
  const secretish = 'token'.repeat(100 * 1024)
  const words = Array(50_000).fill('ab')
  const timed = (fn) => { const t = performance.now(); const out = fn(); return { ms: performance.now() - t, out } }
  const refused = (make) => timed(() => { try { const child = make(); child.on('error', () => {}); return 'async' } catch (error) { return error.code } })
  core.install({})
  const r = {}
  r.arg = refused(() => cp.spawn('echo', [big]))
  r.secretish = refused(() => cp.spawn('echo', ['--api-token=' + secretish]))
  r.words = refused(() => cp.spawn('echo', words))
  r.shell = refused(() => cp.spawn('echo ' + secretish + ' | cat', { shell: true }))
  r.sync = timed(() => cp.spawnSync('echo', [big]).error?.code)
  r.events = core.getEngine().tracker.run.violations.length
  // Allowed: described for its record too; the child runs and gets every byte (one argument
  // of Linux's at most 128 KB).
  core.install({ allow: { exec: true } })
  const arg = 'token'.repeat(20 * 1024)
  r.allowed = timed(() => cp.spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.argv[1].length))', arg], { encoding: 'utf8' }).stdout)
  return r
`

describe.each(nodes)('a spawn with long arguments on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { timeout: 120_000 })).result
  }, 180_000)

  test('is refused at once', () => {
    for (const key of ['arg', 'secretish', 'words', 'shell', 'sync']) {
      const outcome = r[key] as { ms: number; out: unknown }
      expect(outcome.out, key).toBe(key === 'sync' ? 'LEAKGATE_EXEC_BLOCKED' : 'async')
      // Linear work takes milliseconds here (the old patterns: minutes); room for a loaded machine.
      expect(outcome.ms, key).toBeLessThan(5000)
    }
    expect(r.events).toBe(5)
  })

  test('is described as fast when allowed, and the child gets every byte', () => {
    const allowed = r.allowed as { ms: number; out: string }
    expect(allowed.out).toBe(String(5 * 20 * 1024))
    expect(allowed.ms).toBeLessThan(10_000)
  })
})
