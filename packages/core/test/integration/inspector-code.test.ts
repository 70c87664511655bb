import { beforeAll, describe, expect, test } from 'vitest'
import { inspectorCode } from '../../src/interceptors/code.js'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// The inspector compiles code in more places than Runtime.evaluate (issue 12.6): a breakpoint's
// condition (a logpoint is a condition that prints), Runtime.compileScript, callFunctionOn,
// Debugger.evaluateOnCallFrame. All are decided as eval, at the native dispatch of the session's
// connection, on the message the inspector receives: a `post` captured before install
// (node:inspector/promises captures it as it loads), a message written by hand, a params getter
// that answers differently the second time change nothing. Each payload pushes onto
// globalThis.ran, so a refusal shows that it did not run.

const PROBE = `
  const inspector = require('node:inspector')
  const capturedPost = inspector.Session.prototype.post
  const promises = require('node:inspector/promises')
  const { Connection } = process.binding('inspector')
  globalThis.ran = []
  const here = () => Number(new Error().stack.split('\\n')[2].match(/:(\\d+):\\d+\\)?$/)[1])
  function target(x) { return x + 1 }; const targetLine = here() - 1
  globalThis.target = target
  const session = new inspector.Session()
  session.connect()
  const post = (method, params) => { let out; session.post(method, params, (error, result) => { out = error ? { error: error.message } : { ok: true, result } }); return out }
  const attempt = (fn) => { try { return fn() ?? { ok: true } } catch (error) { return kit.describeError(error) } }
  const scripts = []
  session.on('Debugger.scriptParsed', (m) => scripts.push(m.params))
  post('Debugger.enable'); post('Runtime.enable')
  const me = scripts.find((s) => s.url.endsWith('probe.cjs'))
  const objectId = post('Runtime.evaluate', { expression: 'globalThis.target' }).result.result.objectId
  const push = (label) => 'globalThis.ran.push(' + JSON.stringify(label) + '), false'
  const violations = () => core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)

  core.install({})
  const r = {}
  // Breakpoint conditions: by URL, by location, on a function call; the line is then reached.
  r.byUrl = attempt(() => post('Debugger.setBreakpointByUrl', { lineNumber: targetLine, url: me.url, condition: push('byUrl') }))
  r.byLocation = attempt(() => post('Debugger.setBreakpoint', { location: { scriptId: me.scriptId, lineNumber: targetLine }, condition: push('byLocation') }))
  r.onCall = attempt(() => post('Debugger.setBreakpointOnFunctionCall', { objectId, condition: push('onCall') }))
  target(1)
  r.compileScript = attempt(() => post('Runtime.compileScript', { expression: push('compiled'), sourceURL: 'compiled.js', persistScript: true }))
  r.callFunctionOn = attempt(() => post('Runtime.callFunctionOn', { objectId, functionDeclaration: 'function () { globalThis.ran.push("callOn") }' }))
  // Paused at a debugger statement: evaluate on the frame, then resume.
  session.once('Debugger.paused', (m) => {
    r.onFrame = attempt(() => post('Debugger.evaluateOnCallFrame', { callFrameId: m.params.callFrames[0].callFrameId, expression: push('onFrame') }))
    post('Debugger.resume')
  })
  ;(function () { debugger })()
  // Around the JS layer: a post captured before install, the promises API, a hand-written
  // message (a method spelt with an escape, a key given twice) on a connection of its own.
  r.capturedPost = attempt(() => { capturedPost.call(session, 'Runtime.evaluate', { expression: push('captured') }) })
  const promised = new promises.Session(); promised.connect()
  r.promises = await kit.attempt(() => promised.post('Runtime.evaluate', { expression: push('promises') }))
  promised.disconnect()
  const raw = new Connection(() => {})
  r.escaped = attempt(() => { raw.dispatch('{"id":1,"method":"\\\\u0052untime.evaluate","params":{"expression":"globalThis.ran.push(\\'escaped\\')"}}') })
  r.twice = attempt(() => { raw.dispatch('{"id":2,"method":"Profiler.enable","method":"Runtime.evaluate","params":{"expression":"globalThis.ran.push(\\'twice\\')"}}') })
  r.notJson = attempt(() => { raw.dispatch('{"id":3,"method":"Runtime.evaluate",}') })
  raw.disconnect()
  // A worker's session on the main thread (connectToMainThread): its own connection class.
  const fs = require('node:fs'), os = require('node:os'), path = require('node:path')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-inspector-'))
  const workerFile = path.join(dir, 'worker.js')
  fs.writeFileSync(workerFile, "const { parentPort } = require('node:worker_threads'); const { Session } = require('node:inspector'); const s = new Session(); s.connectToMainThread(); try { s.post('Runtime.evaluate', { expression: 'globalThis.ran.push(42)' }, () => parentPort.postMessage('answered')) } catch (e) { parentPort.postMessage(e.code) }")
  const { Worker } = require('node:worker_threads')
  r.worker = await new Promise((resolve) => { const w = new Worker(workerFile); w.once('message', (m) => { resolve(m); w.terminate() }); w.once('error', (e) => resolve('worker error: ' + e.message)) })
  await kit.sleep(50)
  fs.rmSync(dir, { recursive: true, force: true })
  r.events = violations()
  // Nothing that compiles no code is an event: a breakpoint without a condition, enabling domains.
  r.plain = [post('Debugger.setBreakpointByUrl', { lineNumber: targetLine + 1, url: me.url }), post('Profiler.enable'), post('Debugger.setBreakpointByUrl', { lineNumber: targetLine + 2, url: me.url, condition: '' })]
  r.eventsAfterPlain = violations().length
  r.ranRefused = globalThis.ran.splice(0)

  // Report mode: recorded, and what runs is what was recorded (a getter read twice cannot swap).
  core.install({ mode: 'report' })
  const before = violations().length
  let reads = 0
  r.getter = attempt(() => post('Runtime.evaluate', { get expression() { return reads++ === 0 ? push('first') : push('second') } }))
  r.reportedEvents = violations().slice(before)
  r.ranReported = globalThis.ran.splice(0)

  // Allowed: the condition runs.
  core.install({ allow: { eval: true } })
  r.allowed = attempt(() => post('Debugger.setBreakpointByUrl', { lineNumber: targetLine, url: me.url, condition: push('allowed') }))
  target(2)
  r.ranAllowed = globalThis.ran.splice(0)
  core.uninstall()
  session.disconnect()
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED', leakgate: true }

describe.each(nodes)('inspector code on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { args: ['--no-deprecation'], timeout: 60_000 })).result
  })

  test('breakpoint conditions, compileScript, callFunctionOn and evaluateOnCallFrame are refused, and do not run', () => {
    for (const key of ['byUrl', 'byLocation', 'onCall', 'compileScript', 'callFunctionOn', 'onFrame']) {
      expect(r[key], key).toMatchObject(refused)
    }
    expect(r.ranRefused).toEqual([])
  })

  test('a post captured before install, the promises API and hand-written messages are decided too', () => {
    for (const key of ['capturedPost', 'promises', 'escaped', 'twice', 'notJson']) {
      expect(r[key], key).toMatchObject(refused)
    }
    expect(r.worker).toBe('LEAKGATE_EVAL_BLOCKED')
  })

  test('each is recorded as the inspector method with its code', () => {
    expect(r.events).toEqual([
      'inspector.Debugger.setBreakpointByUrl globalThis.ran.push("byUrl"), false',
      'inspector.Debugger.setBreakpoint globalThis.ran.push("byLocation"), false',
      'inspector.Debugger.setBreakpointOnFunctionCall globalThis.ran.push("onCall"), false',
      'inspector.Runtime.compileScript globalThis.ran.push("compiled"), false',
      'inspector.Runtime.callFunctionOn function () { globalThis.ran.push("callOn") }',
      'inspector.Debugger.evaluateOnCallFrame globalThis.ran.push("onFrame"), false',
      'inspector.Runtime.evaluate globalThis.ran.push("captured"), false',
      'inspector.Runtime.evaluate globalThis.ran.push("promises"), false',
      "inspector.Runtime.evaluate globalThis.ran.push('escaped')",
      "inspector.Runtime.evaluate globalThis.ran.push('twice')",
      expect.stringMatching(/^inspector <leakgate could not read this call: the inspector message is not JSON>/),
    ])
  })

  test('what compiles no code is not an event', () => {
    for (const outcome of r.plain) expect(outcome).toMatchObject({ ok: true })
    expect(r.eventsAfterPlain).toBe(r.events.length)
  })

  test('report mode: what runs is what was recorded', () => {
    expect(r.getter).toMatchObject({ ok: true })
    expect(r.reportedEvents).toEqual(['inspector.Runtime.evaluate globalThis.ran.push("first"), false'])
    expect(r.ranReported).toEqual(['first'])
  })

  test('allowed, a condition runs', () => {
    expect(r.allowed).toMatchObject({ ok: true })
    expect(r.ranAllowed).toEqual(['allowed'])
  })
})

describe('messages carried to another session', () => {
  test('a worker’s message is read inside', () => {
    const inner = JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression: 'x()' } })
    expect(inspectorCode('NodeWorker.sendMessageToWorker', { sessionId: '1', message: inner })).toEqual([
      ['Runtime.evaluate', 'x()'],
    ])
    expect(inspectorCode('Target.sendMessageToTarget', { message: '{not json' })).toEqual([
      ['Target.sendMessageToTarget', '{not json'],
    ])
    expect(inspectorCode('NodeWorker.enable', { waitForDebuggerOnStart: false })).toEqual([])
  })
})
