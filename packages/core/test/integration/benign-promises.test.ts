import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, probe } from '../helpers/probe.js'

// bluebird 3.5-3.7 compiles its join helpers as it loads where `navigator` is undefined (Node
// 20): for each arity 1 to 8, a holder class, a fulfillment callback and a promise setter. They
// are fixed texts, allowed by default by content (rules/benign.ts). The fixture is bluebird
// 3.7.2's generators, copied exactly; the same texts with another arity, other parameters or
// one more statement are refused.

const promiseFixture = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/promise-7.3.1/denodeify.cjs',
)
const fixture = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/bluebird-3.7.2/join-codegen.cjs',
)

const BLUEBIRD_PROBE = `
  const strict = process.env.BLUEBIRD_STRICT === '1'
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return { ok: false, code: e.code } } }
  core.install({ strict })
  core.tameRealm(globalThis)
  const join = require(${JSON.stringify(fixture)})
  const r = {}
  r.all = t(() => {
    for (let i = 1; i <= 8; i++) { join.generateHolderClass(i); join.thenCallback(i); join.promiseSetter(i) }
    return 24
  })
  // What Promise.join(a, b, fn) runs: both values set through the generated code, then fn.
  r.works = t(() => {
    const Holder = join.generateHolderClass(2)
    const holder = new Holder((a, b) => a + b)
    holder.asyncNeeded = false
    let result
    const promise = { _pushContext() {}, _popContext() {}, _resolveCallback(v) { result = v }, _rejectCallback() {} }
    join.promiseSetter(1)(null, holder)
    join.thenCallback(1).call(promise, 1, holder)
    join.thenCallback(2).call(promise, 2, holder)
    return [result, Holder.name]
  })
  // promise 7.3's denodeify (what pug's jstransformer runs at import): with and without a count.
  const denodeify = require(${JSON.stringify(promiseFixture)})
  r.denodeify = await new Promise((resolve) => resolve(Promise.all([
    denodeify.denodeifyWithoutCount((a, b, cb) => cb(null, a + b))(1, 2),
    denodeify.denodeifyWithCount((a, cb) => cb(null, a * 2), 1)(5),
    denodeify.denodeifyWithoutCount(function (a, b, c, d, e, cb) { cb(null, [...arguments].length) })(1, 2, 3, 4, 5),
  ]))).then((v) => ({ ok: true, value: v }), (e) => ({ ok: false, code: e.code }))
  r.nearDenodeify = t(() => Function(['Promise', 'fn'], 'return function (a0) {var self = this;return fn.call(self, a0, globalThis)};'))
  r.ninth = t(() => join.thenCallback(9))
  r.otherParams = t(() => new Function('value', 'h', "'use strict'; h.p1 = value;"))
  r.oneMore = t(() => new Function('promise', 'holder', "'use strict'; holder.p1 = promise; globalThis.x = 1"))
  const engine = core.getEngine()
  r.violations = engine.tracker.run.violations.length
  r.allowed = [...new Set([...engine.recorder.pending.values()].map(({ record: v }) => v.decision.rule))]
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED' }

describe.each(nodes)("bluebird's join helpers and promise's denodeify on $label", ({ bin }) => {
  let r: Record<string, unknown>
  let strict: Record<string, unknown>
  beforeAll(async () => {
    const [lax, tight] = await Promise.all(
      ['0', '1'].map(
        async (value) =>
          (await probe(bin, BLUEBIRD_PROBE, { env: { BLUEBIRD_STRICT: value }, timeout: 90_000 })).result,
      ),
    )
    r = lax as Record<string, unknown>
    strict = tight as Record<string, unknown>
  }, 120_000)

  test('the 24 texts are allowed by default, recorded, and work as unguarded', () => {
    expect(r.all).toEqual({ ok: true, value: 24 })
    expect(r.works).toEqual({ ok: true, value: [3, 'Holder$2'] })
    expect(r.denodeify).toEqual({ ok: true, value: [3, 10, 6] })
    expect([...(r.allowed as string[])].sort()).toEqual([
      "benign shape: bluebird's join helpers",
      "benign shape: promise's denodeify wrapper",
    ])
  })

  test('another arity, other parameters, one more statement: refused', () => {
    expect(r.ninth).toMatchObject(refused)
    expect(r.otherParams).toMatchObject(refused)
    expect(r.oneMore).toMatchObject(refused)
    expect(r.nearDenodeify).toMatchObject(refused)
    expect(r.violations).toBe(4)
  })

  test('strict: true refuses them', () => {
    expect(strict.all).toMatchObject(refused)
    expect(strict.denodeify).toMatchObject(refused)
    expect(strict.allowed).toEqual([])
  })
})
