import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, probe } from '../helpers/probe.js'

// Known-benign generators are allowed by default, by the shape of the code they generate (issue
// 10.8), and stay visible as allowed events; `strict: true` refuses them. The real packages run:
// depd 2 (what importing express 4 runs), function-bind's implementation (call-bind, get-intrinsic,
// where the native bind is missing or replaced), the syntax
// probe of async-function, and `Function('return this')`. Near misses built by the test itself
// are still refused.

const modules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../node_modules')

const BENIGN_PROBE = `
  const modules = ${JSON.stringify(modules)}
  const strict = process.env.BENIGN_STRICT === '1'
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return { ok: false, code: e.code } } }
  core.install({ strict })
  core.tameRealm(globalThis)
  process.noDeprecation = true
  const r = {}
  r.depd = t(() => require(modules + '/depd')('some-module').function(function add(a, b) { return a + b }, 'add is old')(1, 2))
  r.functionBind = t(() => require(modules + '/function-bind/implementation').call(function pair(a, b) { return [this.x, a, b].join() }, { x: 1 }, 2)(3))
  r.asyncFunction = t(() => require(modules + '/async-function')().name)
  r.returnThis = t(() => Function('return this')() === globalThis)
  // real-require 1.0.0's trampoline (src/index.js:4), as pino's thread-stream worker runs it.
  r.realImport = t(() => typeof new Function('modulePath', 'return import(modulePath)')('node:os').then)
  // The same shapes with one more thing in them.
  r.nearDepd = t(() => new Function('fn', 'log', 'deprecate', 'message', 'site', '"use strict"\\nreturn function () {log.call(deprecate, message, site)\\nreturn fn.apply(this, arguments)\\n}; globalThis.x = 1'))
  r.nearBind = t(() => Function('binder', 'return function (a){ return binder.apply(this,arguments); }'))
  r.nearThis = t(() => Function('return this.process'))
  r.nearImport = t(() => new Function('modulePath', 'return import(modulePath).then((m) => m.default)'))
  const engine = core.getEngine()
  r.violations = engine.tracker.run.violations.map((v) => v.event + ' ' + v.target)
  r.allowed = [...engine.recorder.pending.values()].map(({ record: v }) => v.event + ': ' + v.decision.rule + ' (' + v.decision.source + ')')
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED' }

describe.each(nodes)('known-benign generators on $label', ({ bin }) => {
  let r: Record<string, unknown>
  let strict: Record<string, unknown>
  beforeAll(async () => {
    const [lax, tight] = await Promise.all(
      ['0', '1'].map(async (value) => (await probe(bin, BENIGN_PROBE, { env: { BENIGN_STRICT: value } })).result),
    )
    r = lax as Record<string, unknown>
    strict = tight as Record<string, unknown>
  })

  test('depd, function-bind, a syntax probe and return this are allowed by default and listed', () => {
    expect(r.depd).toEqual({ ok: true, value: 3 })
    expect(r.functionBind).toEqual({ ok: true, value: '1,2,3' })
    expect(r.asyncFunction).toEqual({ ok: true, value: 'AsyncFunction' })
    expect(r.returnThis).toEqual({ ok: true, value: true })
    expect(r.realImport).toEqual({ ok: true, value: 'function' })
    expect([...(r.allowed as string[])].sort()).toEqual(
      [
        "Function: benign shape: depd's deprecation wrapper (default)",
        "Function: benign shape: function-bind's bound function (default)",
        'Function: benign shape: a syntax probe for a function constructor (default)',
        'Function: benign shape: the global object (return this) (default)',
        'Function: benign shape: a dynamic import() trampoline (default)',
      ].sort(),
    )
  })

  test('near misses are refused', () => {
    expect(r.nearDepd).toMatchObject(refused)
    expect(r.nearBind).toMatchObject(refused)
    expect(r.nearThis).toMatchObject(refused)
    expect(r.nearImport).toMatchObject(refused)
    expect(r.violations).toHaveLength(4)
  })

  test('strict: true refuses every one of them', () => {
    for (const key of [
      'depd',
      'functionBind',
      'returnThis',
      'realImport',
      'nearDepd',
      'nearBind',
      'nearThis',
      'nearImport',
    ]) {
      expect(strict[key], key).toMatchObject(refused)
    }
    // async-function catches the refusal and answers `false` (its fallback for old engines).
    expect(strict.asyncFunction).toEqual({ ok: true })
    expect(strict.violations).toContain('Function return async function () {}')
    expect(strict.violations).toHaveLength(9)
    expect(strict.allowed).toEqual([])
  })
})
