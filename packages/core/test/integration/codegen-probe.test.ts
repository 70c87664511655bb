import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'
import { PACKAGES_PROBE } from '../helpers/scoped-probe.js'

// Code generation is decided on a short capture first (StackCapture.probe, issue 15): the
// first few frames (one for vm.compileFunction, four for vm.Script), and the full capture only
// when a question reads past them. Each decision
// must be the one the full capture gives: a `{ from }` package past the first frames still
// allows; a package seen in the first frames allows only when no project frame is nearer (the
// test's own callback, called by the package, compiles as the test); the first rule the full
// stack meets is the one recorded, not the first the short capture could see; the allowed
// event's record names the project's call site however deep the stack.

const PROBE_BODY = `${PACKAGES_PROBE}
  const vm = require('node:vm')
  lib('inner-lib', [
    "const vm = require('node:vm')",
    down,
    'exports.compile = (depth, source) => down(depth, () => new Function(source))',
    'exports.script = (depth, source) => down(depth, () => new vm.Script(source))',
    'exports.evaluate = (depth, source) => down(depth, () => eval(source))',
    'exports.compileFunction = (depth, source) => down(depth, () => vm.compileFunction(source))',
    'exports.inNewContext = (depth, source) => down(depth, () => vm.runInNewContext(source))',
    'exports.each = (fn) => [1].map(() => fn())[0]',
  ])
  lib('outer-lib', [
    "const inner = require('inner-lib')",
    'exports.compile = (depth, source) => { const out = inner.compile(depth, source); return out }',
    'exports.script = (depth, source) => { const out = inner.script(depth, source); return out }',
    'exports.evaluate = (depth, source) => { const out = inner.evaluate(depth, source); return out }',
    'exports.compileFunction = (depth, source) => { const out = inner.compileFunction(depth, source); return out }',
    'exports.inNewContext = (depth, source) => { const out = inner.inNewContext(depth, source); return out }',
    'exports.run = (fn) => { const out = fn(); return out }',
  ])
  const engine = core.install({ local: ['127.0.0.1', '::1'] })
  core.tameRealm(globalThis)
  const file = engine.enterFile(path.join(__dirname, 'suite.test.js'))
  const inner = require('inner-lib'), outer = require('outer-lib')
  const r = {}
  const fromInner0 = () => ({ eval: [{ from: 'inner-lib' }] })
  // Each case in a test of its own, with its own allowance.
  const inTest = (allow, fn) => {
    const scope = engine.createTestScope('case', file)
    let value
    try { value = engine.runInScope(scope, () => { core.allowAudit(allow); return { ok: true, value: typeof fn() } }) } catch (e) { value = { ok: false, code: e.code } }
    engine.endScope(scope)
    return value
  }
  // The allowed events held since the last call.
  const allowed = () => {
    const out = [...engine.recorder.pending.values()].map(({ record: v }) => ({
      event: v.event, rule: v.decision.rule, package: v.package, callSite: v.callSite && path.basename(v.callSite.file) + ':' + v.callSite.line,
    }))
    engine.recorder.pending.clear()
    return out
  }
  r.line = lineOf('/*' + 'deep call*/')
  r.allLine = lineOf('/*' + 'all call*/')

  // outer-lib past the first eight frames (inner-lib recurses twenty): allowed, as by the full stack.
  const fromOuter = { eval: [{ from: 'outer-lib' }] }
  r.deepFrom = inTest(fromOuter, () => outer.compile(20, 'return 1') /*deep call*/)
  r.recordsFrom = allowed()
  r.deepScript = inTest(fromOuter, () => outer.script(20, '1'))
  r.deepEval = inTest(fromOuter, () => outer.evaluate(20, '1'))
  allowed()
  r.deepCompileFunction = inTest(fromOuter, () => outer.compileFunction(20, 'return 1') /*deep compileFunction*/)
  r.recordsCompileFunction = allowed()
  r.compileFunctionLine = lineOf('/*' + 'deep compileFunction*/')
  r.deepNewContext = inTest(fromOuter, () => outer.inNewContext(20, '1'))
  r.recordsNewContext = allowed()
  // The vm API's own frames (three of them) ahead of a shallow caller.
  r.shallowNewContext = inTest(fromInner0(), () => inner.inNewContext(0, '1'))
  // The test's own callback between inner-lib and outer-lib: the test compiles, outer-lib only called it.
  r.callbackBetween = inTest(fromOuter, () => outer.run(function testCallback() { const out = inner.compile(20, 'return 2'); return out }))

  // The package's frame first, the test's callback nearest the compile: the test's eval.
  const fromInner = { eval: [{ from: 'inner-lib' }] }
  r.calledBack = inTest(fromInner, () => inner.each(() => new Function('return 3')))
  r.calledBackScript = inTest(fromInner, () => inner.each(() => new vm.Script('3')))
  r.calledBackEval = inTest(fromInner, () => inner.each(() => eval('3')))
  r.calledBackCompileFunction = inTest(fromInner, () => inner.each(() => vm.compileFunction('return 3')))
  r.calledBackNewContext = inTest(fromInner, () => inner.each(() => vm.runInNewContext('3')))
  r.outsideCompileFunction = inTest(fromInner, () => vm.compileFunction('return 3'))
  r.direct = inTest(fromInner, () => inner.compile(0, 'return 4'))

  // Two rules: the first that the full stack meets decides, though the second's package is nearer.
  allowed()
  r.order = inTest({ eval: [{ from: 'outer-lib' }, { from: 'inner-lib' }] }, () => outer.compile(20, 'return 5'))
  r.recordsOrder = allowed()
  r.orderCompileFunction = inTest({ eval: [{ from: 'outer-lib' }, { from: 'inner-lib' }] }, () => outer.compileFunction(20, 'return 5'))
  r.recordsOrderCompileFunction = allowed()

  // Allow-all: allowed without the full capture, and the record still names the project's line.
  r.all = inTest({ eval: true }, () => outer.compile(20, 'return 6') /*all call*/)
  r.recordsAll = allowed()
  return r
`

describe.each(nodes)('code generation decided on a short capture ($label)', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe<Probed>(bin, PROBE_BODY, { timeout: 60_000 })).result
  }, 90_000)

  test('a { from } package past the first frames allows, as the full stack does', () => {
    expect(r.deepFrom).toEqual({ ok: true, value: 'function' })
    expect(r.deepScript).toEqual({ ok: true, value: 'object' })
    expect(r.deepEval).toEqual({ ok: true, value: 'number' })
    expect(r.deepCompileFunction).toEqual({ ok: true, value: 'function' })
    expect(r.deepNewContext).toEqual({ ok: true, value: 'number' })
    expect(r.shallowNewContext).toEqual({ ok: true, value: 'number' })
  })

  test('a vm compile allowed past the first frames: its event, rule, package and call site', () => {
    expect(r.recordsCompileFunction).toEqual([
      {
        event: 'vm.compileFunction',
        rule: "{ from: 'outer-lib' }",
        package: 'inner-lib',
        callSite: `probe.cjs:${r.compileFunctionLine}`,
      },
    ])
    // Named after the export the test called, read from node:vm's frames past the first.
    expect(r.recordsNewContext).toEqual([
      expect.objectContaining({ event: 'vm.runInNewContext', rule: "{ from: 'outer-lib' }", package: 'inner-lib' }),
    ])
  })

  test("the test's callback called by the package compiles as the test: refused", () => {
    expect(r.callbackBetween).toEqual({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.calledBack).toEqual({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.calledBackScript).toEqual({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.calledBackEval).toEqual({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.calledBackCompileFunction).toEqual({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.calledBackNewContext).toEqual({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.outsideCompileFunction).toEqual({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.direct).toEqual({ ok: true, value: 'function' })
  })

  test("the allowed event's record: the rule, the nearest package, the project's call site", () => {
    expect(r.recordsFrom).toContainEqual({
      event: 'Function',
      rule: "{ from: 'outer-lib' }",
      package: 'inner-lib',
      callSite: `probe.cjs:${r.line}`,
    })
  })

  test('the first rule the full stack meets is the one recorded', () => {
    expect(r.order).toEqual({ ok: true, value: 'function' })
    expect(r.recordsOrder).toEqual([
      expect.objectContaining({ event: 'Function', rule: "{ from: 'outer-lib' }", package: 'inner-lib' }),
    ])
    expect(r.orderCompileFunction).toEqual({ ok: true, value: 'function' })
    expect(r.recordsOrderCompileFunction).toEqual([
      expect.objectContaining({ event: 'vm.compileFunction', rule: "{ from: 'outer-lib' }", package: 'inner-lib' }),
    ])
  })

  test('allow-all: allowed, recorded with the call site', () => {
    expect(r.all).toEqual({ ok: true, value: 'function' })
    expect(r.recordsAll).toEqual([
      { event: 'Function', rule: 'true', package: 'inner-lib', callSite: `probe.cjs:${r.allLine}` },
    ])
  })
})
