import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Node's own internal code generation is never the user's (issue 10.4): releasing a web-stream
// reader (fetch bodies) runs `vm.runInNewContext('this')` inside Node, and so does the Buffer()
// deprecation's stack reader. They are trusted as the internal operations they are, by the
// internal function that asked, on every Node. A Node frame somewhere on the stack is not
// enough: user code run as a timer, an event listener or through util.deprecate reaches vm
// through Node's frames too, and stays decided.

const NODE_OPERATIONS = `
  const vm = require('node:vm'), http = require('node:http'), util = require('node:util'), { EventEmitter } = require('node:events')
  const server = http.createServer((request, response) => { let body = ''; request.on('data', (c) => (body += c)); request.on('end', () => response.end('got ' + body)) })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  core.install({})
  core.tameRealm(globalThis)
  const engine = core.getEngine()
  const r = {}
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return kit.describeError(e) } }
  // Node's own operations.
  r.releaseLock = t(() => { new ReadableStream().getReader().releaseLock(); return 'released' })
  r.byteReader = t(() => { const reader = new ReadableStream({ type: 'bytes' }).getReader({ mode: 'byob' }); reader.releaseLock(); return 'released' })
  r.deprecatedBuffer = t(() => Buffer(4).length)
  r.fetchPost = await kit.attempt(async () => {
    const response = await fetch('http://127.0.0.1:' + server.address().port + '/echo', { method: 'POST', body: 'hello' })
    const reader = response.body.getReader()
    const { value } = await reader.read()
    reader.releaseLock()
    return new TextDecoder().decode(value)
  })
  r.eventsAfterNodeOperations = engine.tracker.run.violations.map((v) => v.event + ' ' + v.target)
  // The user's code reaching vm through Node's frames.
  r.userSameCode = t(() => vm.runInNewContext('this') !== undefined)
  r.listener = t(() => { const emitter = new EventEmitter(); emitter.on('run', vm.runInThisContext); emitter.emit('run', '1 + 1') })
  r.deprecated = t(() => util.deprecate(vm.runInThisContext, 'deprecated', 'LG001')('2 + 2'))
  r.mapped = t(() => ['3 + 3'].map((code) => vm.runInThisContext(code)))
  r.timer = await new Promise((resolve) => {
    process.once('uncaughtException', (error) => resolve(kit.describeError(error)))
    setTimeout(vm.runInThisContext, 0, '4 + 4')
  })
  r.nextTick = await new Promise((resolve) => {
    process.once('uncaughtException', (error) => resolve(kit.describeError(error)))
    process.nextTick(vm.runInThisContext, '5 + 5')
  })
  r.userEvents = engine.tracker.run.violations.map((v) => v.event + ' ' + v.target)
  server.close()
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED', leakgate: true }

describe.each(nodes)("Node's internal operations on $label", ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    // Deprecation warnings on: Buffer() runs its stack reader only to decide whether to warn.
    r = (await probe(bin, NODE_OPERATIONS, { args: ['--no-warnings'] })).result
  })

  test('releasing a web-stream reader, a deprecated Buffer() and a loopback POST with fetch are not code generation', () => {
    expect(r.releaseLock).toEqual({ ok: true, value: 'released' })
    expect(r.byteReader).toEqual({ ok: true, value: 'released' })
    expect(r.deprecatedBuffer).toEqual({ ok: true, value: 4 })
    expect(r.fetchPost).toEqual({ ok: true, value: 'got hello' })
    expect(r.eventsAfterNodeOperations).toEqual([])
  })

  test("the user's code reaching vm through Node's frames is still decided", () => {
    expect(r.userSameCode).toMatchObject(refused)
    expect(r.listener).toMatchObject(refused)
    expect(r.deprecated).toMatchObject(refused)
    expect(r.mapped).toMatchObject(refused)
    expect(r.timer).toMatchObject(refused)
    expect(r.nextTick).toMatchObject(refused)
    expect(r.userEvents).toEqual([
      'vm.runInNewContext this',
      'vm.runInThisContext 1 + 1',
      'vm.runInThisContext 2 + 2',
      'vm.runInThisContext 3 + 3',
      'vm.runInThisContext 4 + 4',
      'vm.runInThisContext 5 + 5',
    ])
  })
})
