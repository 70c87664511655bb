import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, probe } from '../helpers/probe.js'

// A known-benign DIRECT eval is allowed at its lookup, by its call site (rules/benign-sites.ts):
// depd 1.x's `wrapfunction` (express <= 4.17, body-parser 1.19, http-errors 1.x under koa 2)
// runs `eval('(function (' + args + ') {…})')` at import, and needs the real eval there (its
// text names depd's locals). The fixture is depd 1.1.2 as published, byte for byte. Look-alikes
// (the same file with one comment more, the same line elsewhere, a replaced
// `String.prototype.substr` feeding the parameter list) are refused as before.

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/depd-1.1.2')

const SITE_PROBE = `
  const fs = require('node:fs')
  const os = require('node:os')
  const path = require('node:path')
  const fixture = ${JSON.stringify(fixture)}
  const mode = process.env.SITE_MODE
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return { ok: false, code: e.code, message: String(e.message).split('\\n')[0] } } }
  const logged = []
  process.on('deprecation', (e) => logged.push(e.namespace + ': ' + e.message))
  core.install({ strict: mode === 'strict', mode: mode === 'report' ? 'report' : 'enforce' })
  core.tameRealm(globalThis)
  const r = {}
  // A copy of the whole package elsewhere, and one whose index.js has one more comment line.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'benign-site-'))
  fs.cpSync(fixture, path.join(dir, 'copy'), { recursive: true })
  fs.cpSync(fixture, path.join(dir, 'edited'), { recursive: true })
  fs.appendFileSync(path.join(dir, 'edited', 'index.js'), '// one more line\\n')
  const add = function add(a, b) { return a + b }
  r.loaded = t(() => typeof require(fixture))
  r.depd = t(() => { const f = require(fixture)('mod').function(add, 'add is old'); return [f(1, 2), f.length, f.name] })
  r.copy = t(() => require(path.join(dir, 'copy'))('mod').function(add, 'copy')(2, 3))
  r.edited = t(() => require(path.join(dir, 'edited'))('mod').function(add, 'edited')(1, 2))
  // A length that is no number reaches createArgumentsString as it is: no parameter names.
  const odd = function () { return 'odd' }
  Object.defineProperty(odd, 'length', { value: ') { globalThis.injected = 1 }; (function (' })
  r.oddLength = t(() => { const f = require(fixture)('mod').function(odd, 'odd'); return [f(), f.length, globalThis.injected] })
  // The one prototype method the text goes through, replaced: its text would be the parameters.
  const substr = String.prototype.substr
  String.prototype.substr = function () { return ') { globalThis.injected = 2 })(), (function (' }
  r.substr = t(() => require(path.join(dir, 'copy'))('mod').function(add, 'substr')(1, 2))
  String.prototype.substr = substr
  r.injected = globalThis.injected ?? null
  // The same line in the test's own code, looked up from another file: refused.
  r.own = t(() => { var fn = add, log = () => {}, deprecate = {}, message = '', site = []; return eval('(function (arg0, arg1) {\\n"use strict"\\nlog.call(deprecate, message, site)\\nreturn fn.apply(this, arguments)\\n})')(1, 2) })
  r.logged = logged
  const engine = core.getEngine()
  r.violations = engine.tracker.run.violations.map((v) => v.event)
  r.allowed = [...new Set([...engine.recorder.pending.values()].map(({ record: v }) => v.event + ': ' + v.decision.rule + ' (' + v.decision.source + ') ' + v.target.slice(0, 19)))]
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED' }
const rule = "eval: benign shape: depd's deprecation wrapper (default) (function (arg0, …)"

describe.each(nodes)("depd 1.x's direct eval on $label", ({ bin }) => {
  const runs: Record<string, Record<string, unknown>> = {}
  beforeAll(async () => {
    await Promise.all(
      ['enforce', 'strict', 'report'].map(async (mode) => {
        runs[mode] = (await probe(bin, SITE_PROBE, { env: { SITE_MODE: mode }, timeout: 90_000 })).result
      }),
    )
  }, 120_000)

  test('depd 1.1.2 and a byte-exact copy are allowed, recorded, and behave as unguarded', () => {
    const r = runs.enforce as Record<string, unknown>
    expect(r.loaded).toEqual({ ok: true, value: 'function' })
    // The deprecated function keeps its arity, still logs (process 'deprecation') and returns;
    // it has no name, as depd 1.x makes it.
    expect(r.depd).toEqual({ ok: true, value: [3, 2, ''] })
    expect(r.copy).toEqual({ ok: true, value: 5 })
    expect(r.logged).toEqual(expect.arrayContaining(['mod: add is old', 'mod: copy']))
    expect(r.oddLength).toEqual({ ok: true, value: ['odd', 0, null] })
    expect(r.allowed).toEqual([rule])
  })

  test('look-alikes are refused: another text, a replaced substr, the same eval in other code', () => {
    const r = runs.enforce as Record<string, unknown>
    expect(r.edited).toMatchObject(refused)
    expect(r.substr).toMatchObject(refused)
    expect(r.own).toMatchObject(refused)
    expect(r.injected).toBe(null)
    expect(r.violations).toHaveLength(3)
  })

  test('strict: true refuses it; report mode records it as allowed', () => {
    const strict = runs.strict as Record<string, unknown>
    expect(strict.depd).toMatchObject(refused)
    expect(strict.allowed).toEqual([])
    expect(strict.violations).toHaveLength(6)
    const report = runs.report as Record<string, unknown>
    expect(report.depd).toEqual({ ok: true, value: [3, 2, ''] })
    // Report mode runs the refused ones and records them: the three look-alikes, nothing else.
    expect(report.violations).toHaveLength(3)
    expect(report.allowed).toEqual([rule])
  })
})
