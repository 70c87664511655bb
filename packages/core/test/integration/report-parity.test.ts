import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, probe } from '../helpers/probe.js'

// Report mode records exactly what enforce mode would fail (issue 10.7). The same program runs
// in both modes: every shape of reading `eval` (a reference never called, as get-intrinsic's
// intrinsics table; `typeof`; a reference called later; a direct call; a member call) written
// in the probe file itself (read from disk), in a module required after install (Node's loader),
// and in a script compiled through vm with a wrapper around it (as Jest and Vitest compile test
// modules). Both modes must record the same violations; report mode must keep a direct eval's
// local scope.

const PARITY_PROBE = `
  const fs = require('node:fs'), os = require('node:os'), path = require('node:path')
  const mode = process.env.PARITY_MODE
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-parity-'))
  const shapes = [
    "exports.table = () => { const table = { '%eval%': eval, '%Function%': Function }; return typeof table['%eval%'] }",
    "exports.typeofEval = () => typeof eval === 'function' && typeof globalThis.eval",
    "exports.keptReference = () => { const e = eval; return () => e('20 + 1') }",
    "exports.direct = () => { const local = 40; return   eval  ( /* (not a call) */ 'local + 2') }",
    "exports.member = () => globalThis.eval('\\"member\\"')",
    "exports.shorthand = () => ({ eval }).eval === eval",
    "exports.optionalCall = () => eval?.('7 * 6')",
  ].join('\\n')
  const file = path.join(base, 'shapes.js')
  fs.writeFileSync(file, shapes)
  // A "framework" that compiles modules through vm, with a wrapper (its loading of a module from
  // a real file is trusted, as Jest's and Vitest's are).
  fs.writeFileSync(path.join(base, 'wrapped.js'), shapes)
  fs.mkdirSync(path.join(base, 'node_modules', 'my-framework'), { recursive: true })
  fs.writeFileSync(path.join(base, 'node_modules', 'my-framework', 'index.js'), "exports.load = (code, filename) => new (require('node:vm').Script)('(function (exports) {' + code + String.fromCharCode(10) + '})', { filename }).runInThisContext()")
  const framework = require(path.join(base, 'node_modules/my-framework'))
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return { ok: false, code: e.code } } }
  core.install({ mode })
  core.tameRealm(globalThis)
  core.getEngine().filter.frameworkPaths.push('/node_modules/my-framework/')
  core.getEngine().filter.operations.push({ file: '/node_modules/my-framework/', fn: '*', compiles: 'module' })
  const required = require(file)
  const wrapped = framework.load(shapes, path.join(base, 'wrapped.js'))
  const viaVm = {}
  wrapped(viaVm)
  // In this file itself (compiled before install: read from disk).
  const own = {
    table: () => { const table = { '%eval%': eval }; return typeof table['%eval%'] },
    direct: () => { const secret = 1; return eval('secret + 1') },
  }
  const r = { results: {}, violations: [] }
  for (const [where, set] of Object.entries({ required, viaVm, own })) {
    for (const [name, fn] of Object.entries(set)) {
      const before = core.getEngine().tracker.run.violations.length
      let result = t(fn)
      if (result.ok && typeof result.value === 'function') result = t(result.value)
      r.results[where + '.' + name] = result
      for (const v of core.getEngine().tracker.run.violations.slice(before)) r.violations.push(where + '.' + name + ': ' + v.event + ' ' + v.target)
    }
  }
  fs.rmSync(base, { recursive: true, force: true })
  return r
`

interface Parity {
  results: Record<string, { ok: boolean; value?: unknown; code?: string }>
  violations: string[]
}

describe.each(nodes)('report mode records what enforce mode fails, on $label', ({ bin }) => {
  let enforce: Parity
  let report: Parity
  beforeAll(async () => {
    const runs = await Promise.all(
      ['enforce', 'report'].map(
        async (mode) => (await probe<Parity>(bin, PARITY_PROBE, { env: { PARITY_MODE: mode } })).result,
      ),
    )
    enforce = runs[0] as Parity
    report = runs[1] as Parity
  })

  test('the same violations in both modes (event and code): calls only, never a reference left uncalled', () => {
    const calls = Object.entries({
      keptReference: '20 + 1',
      direct: 'local + 2',
      member: '"member"',
      optionalCall: '7 * 6',
    }).flatMap(([name, code]) => ['required', 'viaVm'].map((where) => `${where}.${name}: eval ${code}`))
    expect([...enforce.violations].sort()).toEqual([...calls, 'own.direct: eval secret + 1'].sort())
    expect([...report.violations].sort()).toEqual([...enforce.violations].sort())
  })

  test('enforce refuses each call; report mode runs each as without the guard', () => {
    for (const where of ['required', 'viaVm']) {
      expect(enforce.results[`${where}.table`]).toEqual({ ok: true, value: 'function' })
      expect(enforce.results[`${where}.direct`]).toEqual({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
      expect(report.results[`${where}.table`]).toEqual({ ok: true, value: 'function' })
      expect(report.results[`${where}.typeofEval`]).toEqual({ ok: true, value: 'function' })
      expect(report.results[`${where}.keptReference`]).toEqual({ ok: true, value: 21 })
      // A direct eval keeps its local scope in report mode.
      expect(report.results[`${where}.direct`]).toEqual({ ok: true, value: 42 })
      expect(report.results[`${where}.member`]).toEqual({ ok: true, value: 'member' })
      expect(report.results[`${where}.shorthand`]).toEqual({ ok: true, value: true })
      expect(report.results[`${where}.optionalCall`]).toEqual({ ok: true, value: 42 })
    }
    expect(report.results['own.direct']).toEqual({ ok: true, value: 2 })
  })
})

// What a refused start would have run: enforce mode refuses the process (or the eval worker), so
// nothing in it can fail; report mode lets it run, unguarded, and records only its start. An
// allowed process is guarded in both modes. 127.0.0.2 is outside for these probes (local is
// 127.0.0.1 only) and nothing listens there: the connect is refused by the loopback interface.
const CHILD_PROBE = `
  const { spawnSync } = require('node:child_process')
  const { Worker } = require('node:worker_threads')
  const mode = process.env.PARITY_MODE
  core.install({ mode, local: ['127.0.0.1'] })
  core.tameRealm(globalThis)
  const leak = "require('node:net').connect(9, '127.0.0.2').on('error', () => {}).on('close', () => {})"
  const t = (fn) => { try { fn(); return 'ok' } catch (e) { return e.code } }
  const engine = core.getEngine()
  const r = {}
  r.refusedChild = t(() => spawnSync(process.execPath, ['-e', leak]))
  r.refusedWorker = t(() => new Worker(leak, { eval: true }))
  await new Promise((resolve) => setTimeout(resolve, 500))
  r.refused = engine.violationsOf(engine.tracker.run).map((v) => v.event + (v.origin ? ' [' + v.origin + ']' : ''))
  core.allowAudit({ exec: ['node'] })
  r.allowedChild = t(() => spawnSync(process.execPath, ['-e', leak]))
  r.all = engine.violationsOf(engine.tracker.run).map((v) => v.event + (v.origin ? ' [' + v.origin + ']' : ''))
  return r
`

describe.each(nodes)('a refused start in report mode runs unguarded, on $label', ({ bin }) => {
  let enforce: Record<string, unknown>
  let report: Record<string, unknown>
  beforeAll(async () => {
    const runs = await Promise.all(
      ['enforce', 'report'].map(async (mode) => (await probe(bin, CHILD_PROBE, { env: { PARITY_MODE: mode } })).result),
    )
    enforce = runs[0] as Record<string, unknown>
    report = runs[1] as Record<string, unknown>
  })

  test('the same violations: the start, never what the started code did', () => {
    expect(enforce.refusedChild).toBe('ok')
    expect(enforce.refusedWorker).toBe('LEAKGATE_EVAL_BLOCKED')
    expect(report.refusedWorker).toBe('ok')
    expect(enforce.refused).toEqual(['child_process.spawnSync', 'new Worker(eval)'])
    expect(report.refused).toEqual(enforce.refused)
  })

  test('an allowed process is guarded in both modes: its own leak is recorded', () => {
    for (const run of [enforce, report]) {
      expect(run.all).toEqual(['child_process.spawnSync', 'new Worker(eval)', 'net.connect [child]'])
    }
  })
})
