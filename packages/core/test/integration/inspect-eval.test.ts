import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// inspectEval: code compiled through an eval or Function that no wrapper saw (captured before
// the realm was tamed, or another realm's) is detected by an in-process inspector session. It
// ran; the violation is recorded (not blocked) so the test fails when it ends. What the
// wrappers decided is not counted twice; nothing is detected with the option off.

const INSPECT_PROBE = `
  const vm = require('node:vm'), fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const capturedEval = eval, CapturedFunction = Function, capturedCompile = vm.compileFunction
  const OtherRealmFunction = vm.runInNewContext('Function')
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-inspect-'))
  fs.mkdirSync(path.join(base, 'node_modules', 'my-framework'), { recursive: true })
  fs.writeFileSync(path.join(base, 'node_modules', 'my-framework', 'index.js'), 'exports.gen = (F, src) => new F(src)')
  fs.writeFileSync(path.join(base, 'plain.js'), 'module.exports = 40 + 2')
  const framework = require(path.join(base, 'node_modules/my-framework'))
  const engine = core.getEngine()
  // The inspector's session is the code generation family's state, which the engine holds.
  const inspecting = () => engine.interceptorState.get('code')?.evalInspector !== undefined
  const seen = () => engine.tracker.run.violations.map((v) => v.event + ' ' + v.target + (v.blocked ? ' (blocked)' : ''))
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return kit.describeError(e) } }
  const r = {}

  core.install({})
  core.tameRealm(globalThis)
  engine.filter.frameworkPaths.push('/node_modules/my-framework/')
  engine.filter.operations.push({ file: '/node_modules/my-framework/', fn: ['exports.gen'], compiles: 'own' })
  r.offValue = capturedEval('1 + 1')
  r.offEvents = seen()
  r.offSession = inspecting()

  core.install({ inspectEval: true })
  r.onSession = inspecting()
  r.capturedEval = capturedEval('2 + 2')
  r.capturedFunction = new CapturedFunction('a', 'return a * 2')(21)
  r.otherRealm = OtherRealmFunction('return 5')()
  r.capturedCompile = capturedCompile('return 6')()
  r.detected = seen()
  const first = engine.tracker.run.violations[0]
  r.record = first && { blocked: first.blocked, mode: first.mode, code: first.code, callSite: first.callSite, message: engine.errorFor(first).message }

  let before = engine.tracker.run.violations.length
  r.wrappedFunction = t(() => new Function('return 1'))
  r.blockedDirectEval = t(() => eval('1'))
  r.required = require(path.join(base, 'plain.js'))
  r.framework = t(() => framework.gen(CapturedFunction, 'return 7')())
  r.wrappedEvents = seen().slice(before)

  before = engine.tracker.run.violations.length
  core.allowAudit({ eval: true })
  r.allowedDirect = (() => { const local = 41; return eval('local + 1') })()
  r.allowedCaptured = capturedEval('3')
  r.allowedEvents = seen().slice(before)

  // A worker started now runs with the same options: its own session, from the preload.
  const { Worker } = require('node:worker_threads')
  r.worker = await new Promise((resolve) => {
    const w = new Worker('const { parentPort } = require("node:worker_threads"); const e = process[Symbol.for("leakgate.engine")] ?? globalThis[Symbol.for("leakgate.engine")]; parentPort.postMessage({ policy: e.policy.inspectEval, session: e.interceptorState.get("code")?.evalInspector !== undefined })', { eval: true })
    w.once('message', (m) => { w.terminate(); resolve(m) })
    w.once('error', (e) => resolve('worker error: ' + e.message))
  })

  core.install({ inspectEval: false })
  r.turnedOff = !inspecting()
  core.install({ inspectEval: true })
  core.uninstall()
  r.stopped = !inspecting()
  fs.rmSync(base, { recursive: true, force: true })
  return r
`

describe.each(nodes)('inspectEval on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, INSPECT_PROBE)).result
  })

  test('off by default: a captured eval runs unseen (the documented limit), no session opened', () => {
    expect(r.offValue).toBe(2)
    expect(r.offEvents).toEqual([])
    expect(r.offSession).toBe(false)
  })

  test('on: a captured eval, a captured Function, another realm and a captured compileFunction are detected after they ran', () => {
    expect(r.onSession).toBe(true)
    expect([r.capturedEval, r.capturedFunction, r.otherRealm, r.capturedCompile]).toEqual([4, 42, 5, 6])
    expect(r.detected).toEqual(['eval 2 + 2', 'Function (a) => { return a * 2 }', 'Function return 5', 'eval return 6'])
  })

  test('a detection is a violation that was not blocked, at the call site, saying the code ran', () => {
    expect(r.record).toMatchObject({ blocked: false, mode: 'enforce', code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.record.callSite.file).toMatch(/probe\.cjs$/)
    expect(r.record.message.split('\n')[0]).toBe('detected eval of "2 + 2" after it ran (LEAKGATE_EVAL_BLOCKED)')
    expect(r.record.message).toContain('note       this code ran: it was compiled through an eval or Function')
    expect(r.record.message).toContain('To allow it in the config:  allow: { eval: true }')
  })

  test('what the wrappers decided is counted once; require and trusted framework code are not detections', () => {
    expect(r.wrappedFunction).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.blockedDirectEval).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.required).toBe(42)
    expect(r.framework).toEqual({ ok: true, value: 7 })
    expect(r.wrappedEvents).toEqual(['Function return 1 (blocked)', 'eval 1 (blocked)'])
  })

  test('allowed: a direct eval keeps its scope and is not detected again; a captured one is allowed by the rule', () => {
    expect(r.allowedDirect).toBe(42)
    expect(r.allowedCaptured).toBe(3)
    expect(r.allowedEvents).toEqual([])
  })

  test('a worker thread inherits it and opens its own session', () => {
    expect(r.worker).toEqual({ policy: true, session: true })
  })

  test('turning it off, and uninstall(), close the session', () => {
    expect(r.turnedOff).toBe(true)
    expect(r.stopped).toBe(true)
  })
})
