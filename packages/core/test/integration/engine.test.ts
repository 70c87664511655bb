import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// The engine itself: scopes follow async context (concurrent work keeps its allowances and
// blame, late work is marked late), audit hooks see everything, one engine per process even
// with two copies of the package, ESM named imports, the preload, and native-access events.

const SCOPES = `
  const net = require('node:net'), path = require('node:path')
  const outside = await kit.startTcp(kit.EXTERNAL)
  const engine = core.install({ local: ['127.0.0.1', '::1'] })
  const file = engine.enterFile(path.join(process.cwd(), 'a.test.js'))
  const seen = []
  const unhook = core.addAuditHook((event, args, info) => seen.push([event, info.category ?? null, info.scope.test ?? null]))
  const test = (name, fn) => { const scope = engine.createTestScope(name, file); return { scope, run: engine.runInScope(scope, fn) } }
  const a = test('A', async () => { core.allowAudit({ net: [kit.EXTERNAL] }); await kit.sleep(20); return kit.connect(outside.port, kit.EXTERNAL) })
  const b = test('B', async () => { await kit.sleep(10); return kit.connect(outside.port, kit.EXTERNAL) })
  const c = test('C', async () => { await kit.sleep(5); core.allowAudit({ net: [kit.EXTERNAL] }); await kit.sleep(20); return kit.connect(outside.port, kit.EXTERNAL) })
  const results = await Promise.all([a.run, b.run, c.run])
  const late = test('starts a timer', () => { setTimeout(() => kit.connect(outside.port, kit.EXTERNAL), 30) })
  await late.run
  engine.endScope(late.scope)
  await kit.sleep(80)
  core.audit('myapp.upload', 'file.txt', 3)
  unhook()
  core.audit('myapp.after', 1)
  const blameOf = (scope) => scope.violations.map((v) => [v.scope.test, v.scope.phase])
  const blame = { A: blameOf(a.scope), B: blameOf(b.scope), C: blameOf(c.scope), late: blameOf(late.scope), file: blameOf(file) }
  // A hook that throws refuses the operation with its own error.
  const unrefuse = core.addAuditHook((event) => { if (event === 'net.connect') throw new Error('refused by my hook') })
  const hooked = await kit.connect(outside.port, kit.EXTERNAL)
  unrefuse()
  await outside.close()
  return {
    results: results.map((x) => x.ok ? 'connected' : x.code),
    blame,
    seen,
    hooked,
  }
`

describe.each(nodes)('scopes and hooks on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, SCOPES)).result
  })

  test('concurrent tests keep their own allowances and blame', () => {
    expect(r.results).toEqual(['connected', 'LEAKGATE_NET_BLOCKED', 'connected'])
    expect(r.blame.A).toEqual([])
    expect(r.blame.B).toEqual([['B', 'test']])
    expect(r.blame.C).toEqual([])
  })

  test('work that outlives its test is blamed on it, marked late, and reaches the file', () => {
    expect(r.blame.late).toEqual([['starts a timer', 'late']])
    expect(r.blame.file).toEqual([['starts a timer', 'late']])
  })

  test('audit hooks see built-in and user events, with their scope; removing a hook works', () => {
    expect(r.seen).toEqual(
      expect.arrayContaining([
        ['net.connect', 'net', 'A'],
        ['net.connect', 'net', 'B'],
        ['myapp.upload', null, null],
      ]),
    )
    expect(r.seen.some(([event]: string[]) => event === 'myapp.after')).toBe(false)
  })

  test('a hook that throws refuses the operation with its error', () => {
    expect(r.hooked).toMatchObject({ ok: false, message: 'refused by my hook' })
  })
})

describe.each(nodes)('one engine, ESM named imports and the preload on $label', ({ bin }) => {
  test('an ESM named import of a builtin sees the patch, whether imported before or after install', async () => {
    const { result } = await probe<Probed>(
      bin,
      `const fs = require('node:fs'), path = require('node:path'), os = require('node:os')
       const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-esm-'))
       fs.writeFileSync(path.join(dir, 'named.mjs'), "import { execSync } from 'node:child_process'; import { createConnection } from 'node:net'; export const run = () => { try { execSync('echo hi'); return 'ran' } catch (e) { return e.code } }; export { createConnection }")
       const early = await import(path.join(dir, 'named.mjs'))
       const esmCore = await import(kit.coreEsm)
       esmCore.install({})
       const late = await import(path.join(dir, 'named.mjs') + '?late')
       return { early: early.run(), late: late.run(), same: esmCore.getEngine() === core.getEngine() }`,
    )
    expect(result).toEqual({ early: 'LEAKGATE_EXEC_BLOCKED', late: 'LEAKGATE_EXEC_BLOCKED', same: true })
  })

  test('the preload (NODE_OPTIONS) installs early and stays passive until configured', async () => {
    const { result } = await probe<Probed>(
      bin,
      `const dns = require('node:dns')
       const passive = await kit.attempt(() => require('node:child_process').execSync('echo passive').toString().trim())
       const promisesLookup = dns.promises.lookup
       core.install({ local: ['127.0.0.1'] })
       return { passive, installedEarly: core.getEngine().installed, lookup: await kit.attempt(() => promisesLookup('localhost')) }`,
      { env: { NODE_OPTIONS: `--require ${kitPreload()}` } },
    )
    expect(result.passive).toEqual({ ok: true, value: 'passive' })
    expect(result.installedEarly).toBe(true)
    expect(result.lookup).toMatchObject({ ok: false, code: 'LEAKGATE_NET_BLOCKED' })
  })

  test('invalid options throw at install naming the key', async () => {
    const { result } = await probe<Probed>(
      bin,
      `try { core.install({ allow: { net: ['10.0.0.0/99'] } }); return { threw: false } } catch (e) { return { code: e.code, message: e.message } }`,
    )
    expect(result).toEqual({
      code: 'LEAKGATE_INVALID_OPTION',
      message: expect.stringContaining(
        'invalid leakgate option allow.net[0]: "10.0.0.0/99" is not a valid CIDR range. Valid forms:',
      ),
    })
  })
})

function kitPreload(): string {
  return new URL('../../dist/preload.cjs', import.meta.url).pathname
}
