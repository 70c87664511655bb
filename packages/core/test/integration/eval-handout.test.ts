import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// A code generator handed out by a package that is allowed to generate code. `Function` decides
// each call by its caller, whoever got it; the real `eval` an allowed lookup hands out does not
// (a known gap, docs/design.md "What it does not promise": only a direct eval needs the real
// one, and telling it from a reference needs the compiled source). Pinned so that closing the
// gap shows here.

const HANDOUT_PROBE = `
  const fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-handout-'))
  const dir = path.join(base, 'node_modules', 'gen-lib')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'index.js'), [
    'exports.evalRef = () => eval',
    'exports.globalEval = () => globalThis.eval',
    'exports.contextEval = () => require("node:vm").runInNewContext("eval")',
    'exports.functionRef = () => Function',
    'exports.contextFunction = () => require("node:vm").runInNewContext("Function")',
    'exports.own = (code) => eval(code)',
  ].join('\\n'))
  const lib = require(dir)
  core.install({})
  core.tameRealm(globalThis)
  core.allowAudit({ eval: [{ from: 'gen-lib' }] })
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return kit.describeError(e) } }
  const r = {}
  r.own = t(() => lib.own('1 + 1'))
  r.functionRef = t(() => lib.functionRef()('return 2')())
  r.contextFunction = t(() => lib.contextFunction()('return 2')())
  r.evalRef = t(() => lib.evalRef()('2 + 1'))
  r.globalEval = t(() => lib.globalEval()('2 + 1'))
  r.contextEval = t(() => lib.contextEval()('2 + 1'))
  r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  fs.rmSync(base, { recursive: true, force: true })
  return r
`

describe.each(nodes)('code generators handed out by an allowed package on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, HANDOUT_PROBE, { timeout: 60_000 })).result
  }, 90_000)

  test("the package's own eval runs; a Function it hands out decides the caller's call", () => {
    expect(r.own).toEqual({ ok: true, value: 2 })
    expect(r.functionRef).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.contextFunction).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.events).toEqual(['Function return 2', 'Function return 2'])
  })

  test("an eval it hands out runs the caller's code unseen (known gap)", () => {
    for (const key of ['evalRef', 'globalEval', 'contextEval']) expect(r[key], key).toEqual({ ok: true, value: 3 })
  })
})
