import { beforeAll, describe, expect, test } from 'vitest'
import { evalProbes, nodes, type Probed } from '../helpers/probe.js'

// %AsyncFunction%, %GeneratorFunction% and %AsyncGeneratorFunction% inherit from %Function%:
// `Object.getPrototypeOf(AsyncFunction)` is `Function`. Their guarded replacements must inherit
// from the guarded Function, in every realm, or that one step hands out the real constructor.

const BODY = (allow: string) => `
  const fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-hidden-'))
  const dir = path.join(base, 'node_modules', 'context-lib')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'index.js'), 'exports.run = (code) => require("node:vm").runInNewContext(code)')
  const lib = require(dir)
  core.install({})
  core.tameRealm(globalThis)
  // The context's own code is allowed; what the test then does with its constructors is not.
  core.allowAudit({ eval: [{ from: 'context-lib' }] })
  ${allow}
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return kit.describeError(e) } }
  const hidden = { async: async () => {}, generator: function* () {}, asyncGenerator: async function* () {} }
  const r = { events: [] }
  for (const [kind, fn] of Object.entries(hidden)) {
    const Hidden = fn.constructor
    r[kind] = t(() => Object.getPrototypeOf(Hidden)('return 6 * 7')())
    r[kind + 'Proto'] = t(() => Hidden.__proto__('return 6 * 7')())
    r[kind + 'Inherits'] = Object.getPrototypeOf(Hidden) === Function && fn instanceof Function
  }
  const [ContextAsync, ContextFunction] = lib.run('[(async () => {}).constructor, Function]')
  r.context = t(() => Object.getPrototypeOf(ContextAsync)('return 6 * 7')())
  r.contextInherits = Object.getPrototypeOf(ContextAsync) === ContextFunction
  r.subclass = t(() => { const AF = hidden.async.constructor; class Sub extends AF {} return typeof new Sub('return 1') })
  r.events = core.getEngine().tracker.run.violations.filter((v) => v.blocked !== false).map((v) => v.event + ' ' + v.target)
  fs.rmSync(base, { recursive: true, force: true })
  return r
`

describe.each(nodes)("the hidden constructors' Function on $label", ({ bin }) => {
  let refused: Probed
  let allowed: Probed
  beforeAll(async () => {
    ;({ refused, allowed } = await evalProbes(bin, BODY))
  }, 120_000)

  test('Object.getPrototypeOf(AsyncFunction) and its siblings are the guarded Function, in a context too', () => {
    for (const key of ['async', 'asyncProto', 'generator', 'generatorProto', 'asyncGenerator', 'asyncGeneratorProto']) {
      expect(refused[key], key).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED', leakgate: true })
    }
    expect(refused.context).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(refused.subclass).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(refused.events.filter((e: string) => e === 'Function return 6 * 7')).toHaveLength(7)
  })

  test('allowed, each compiles and runs', () => {
    for (const key of [
      'async',
      'asyncProto',
      'generator',
      'generatorProto',
      'asyncGenerator',
      'asyncGeneratorProto',
      'context',
    ]) {
      expect(allowed[key], key).toEqual({ ok: true, value: 42 })
    }
    expect(allowed.subclass).toEqual({ ok: true, value: 'function' })
    expect(allowed.events).toEqual([])
  })

  test('the inheritance the language defines holds', () => {
    for (const r of [refused, allowed]) {
      for (const kind of ['async', 'generator', 'asyncGenerator']) expect(r[`${kind}Inherits`], kind).toBe(true)
      expect(r.contextInherits).toBe(true)
    }
  })
})
