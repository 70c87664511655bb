import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, probe } from '../helpers/probe.js'

// What the guard lets through behaves as if it were not there: the patched functions themselves
// too. The same probe runs unguarded, guarded in enforce mode with everything allowed, and in
// report mode, on every Node, and observes each patched export and intrinsic the way a program
// can: `Function.prototype.toString` (core-js's and lodash's native checks, a test printing a
// function), own properties and their attributes (a sloppy-mode wrapper has own `arguments` and
// `caller` on Node 20 and 22), the promisify hook, and the Worker class (its prototype's
// `constructor`, its statics' parent, a call without `new`, subclassing). Every observation must
// be the same in all three runs. Known differences that are inherent are in docs/design.md
// ("What it does not promise"): `eval` is an accessor, stack frames of a module being loaded.

const TRANSPARENCY_PROBE = `
  const net = require('node:net'), dgram = require('node:dgram'), cp = require('node:child_process')
  const vm = require('node:vm'), fs = require('node:fs'), util = require('node:util')
  const Module = require('node:module'), EventEmitter = require('node:events')
  const mode = process.env.TRANSPARENCY_MODE
  if (mode !== 'none') {
    core.install(mode === 'report' ? { mode } : { allow: { net: true, exec: true, eval: true } })
    core.tameRealm(globalThis)
  }
  // Read after install, as a test reads them (the class captured before is Node's, below the guard).
  const { Worker, MessagePort } = require('node:worker_threads')
  const source = (fn) => { try { return Function.prototype.toString.call(fn) } catch (e) { return 'throws ' + e.constructor.name } }
  const attributes = (object) => Object.fromEntries(Reflect.ownKeys(object)
    // A wrapper of a function that has no prototype (a native method) has one: a known gap.
    .filter((key) => key !== 'prototype')
    .map((key) => { const d = Object.getOwnPropertyDescriptor(object, key); return [String(key), 'value' in d ? [typeof d.value, d.writable, d.enumerable, d.configurable] : ['accessor', d.enumerable, d.configurable]] }))
  const promisifyCustom = Symbol.for('nodejs.util.promisify.custom')
  const functions = {
    'net.connect': net.connect,
    'net.Socket.prototype.connect': net.Socket.prototype.connect,
    'dgram.Socket.prototype.send': dgram.Socket.prototype.send,
    'child_process.spawn': cp.spawn,
    'child_process.execFileSync': cp.execFileSync,
    'child_process.exec': cp.exec,
    'child_process.exec[promisify.custom]': cp.exec[promisifyCustom],
    'vm.compileFunction': vm.compileFunction,
    'vm.createContext': vm.createContext,
    'vm.Script': vm.Script,
    'Module.prototype._compile': Module.prototype._compile,
    'Module.prototype.load': Module.prototype.load,
    'fs.readFileSync': fs.readFileSync,
    'process.dlopen': process.dlopen,
    'process.binding': process.binding,
    'Worker': Worker,
    'MessagePort.prototype.postMessage': MessagePort.prototype.postMessage,
    'Function': Function,
    'AsyncFunction': (async () => {}).constructor,
    'GeneratorFunction': function* () {}.constructor,
    'eval': globalThis.eval,
    'Function.prototype.toString': Function.prototype.toString,
  }
  const r = { source: {}, attributes: {}, names: {} }
  for (const [name, fn] of Object.entries(functions)) {
    r.source[name] = source(fn)
    r.attributes[name] = attributes(fn)
    r.names[name] = [typeof fn, fn.name, fn.length, Object.getPrototypeOf(fn) === Function.prototype]
  }
  r.toStringOfNonFunction = (() => { try { Function.prototype.toString.call({}); return 'ran' } catch (e) { return e.constructor.name + ': ' + e.message } })()
  r.promisifyCustom = attributes(cp.exec)[String(promisifyCustom)]
  // Another realm's toString, and that realm's own constructors.
  const context = vm.createContext({ connect: net.connect, spawn: cp.spawn })
  r.otherRealm = vm.runInContext('[Function.prototype.toString.call(connect), Function.prototype.toString.call(spawn), Function.prototype.toString.call(Function), String(Function), Function.prototype.toString.call(Function.prototype.toString), Object.getPrototypeOf(Function.prototype.toString) === Function.prototype]', context)
  // The Worker class, as Node defines it.
  const worker = new Worker('0', { eval: true })
  class Subclass extends Worker {}
  const sub = new Subclass('0', { eval: true })
  r.worker = {
    prototypeConstructor: Worker.prototype.constructor === Worker,
    instanceConstructor: worker.constructor === Worker,
    instanceOf: worker instanceof Worker && worker instanceof EventEmitter,
    prototype: Object.getPrototypeOf(worker) === Worker.prototype,
    statics: Object.getPrototypeOf(Worker) === EventEmitter,
    prototypeDescriptor: Object.getOwnPropertyDescriptor(Worker, 'prototype').writable,
    ownKeys: Reflect.ownKeys(Worker).map(String),
    withoutNew: (() => { try { Worker('0', { eval: true }); return 'ran' } catch (e) { return e.constructor.name + ': ' + e.message } })(),
    subclass: [sub instanceof Subclass, sub instanceof Worker, sub.constructor === Subclass],
  }
  await Promise.all([worker.terminate(), sub.terminate()])
  r.inspect = [util.inspect(cp.spawn), util.inspect(net.Socket.prototype.connect), util.inspect(Function)]
  return r
`

describe.each(nodes)('patched functions look as without the guard, on $label', ({ bin }) => {
  const runs: Record<string, Record<string, unknown>> = {}
  beforeAll(async () => {
    await Promise.all(
      ['none', 'enforce', 'report'].map(async (mode) => {
        runs[mode] = (
          await probe(bin, TRANSPARENCY_PROBE, { env: { TRANSPARENCY_MODE: mode }, timeout: 90_000 })
        ).result
      }),
    )
  }, 120_000)

  test.each(['enforce', 'report'])('%s: the same observations as unguarded', (mode) => {
    const plain = runs.none as Record<string, unknown>
    const guarded = runs[mode] as Record<string, unknown>
    for (const key of Object.keys(plain)) expect(guarded[key], key).toEqual(plain[key])
  })

  test('unguarded, the observations are what Node says (the probe reads what it means to)', () => {
    const plain = runs.none as { source: Record<string, string>; worker: Record<string, unknown> }
    expect(plain.source.Function).toBe('function Function() { [native code] }')
    expect(plain.source['child_process.spawn']).toMatch(/^function spawn\(/)
    expect(plain.source.Worker).toMatch(/^class Worker extends EventEmitter/)
    expect(plain.worker.prototypeConstructor).toBe(true)
    expect(plain.worker.withoutNew).toMatch(/^TypeError: Class constructor Worker cannot be invoked without 'new'/)
  })
})
