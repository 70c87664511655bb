import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Ways around every other layer, audited as exec events: native addons (process.dlopen),
// process.binding, and node:ffi on Node 26.

/** A real native addon from the dev dependencies (@swc/core ships one per platform). */
function findAddon(): string | undefined {
  const scope = path.resolve(import.meta.dirname, '../../../../node_modules/@swc')
  for (const entry of fs.existsSync(scope) ? fs.readdirSync(scope) : []) {
    if (!entry.startsWith('core-')) continue
    const file = fs.readdirSync(path.join(scope, entry)).find((name) => name.endsWith('.node'))
    if (file) return path.join(scope, entry, file)
  }
  return undefined
}

const addon = findAddon()

describe.each(nodes)('native access on $label', ({ bin }) => {
  test('a native addon load is refused, then allowed by its package', async () => {
    expect(addon, 'no native addon found under node_modules/@swc: run npm install').toBeDefined()
    const { result } = await probe<Probed>(
      bin,
      `core.install({})
       const refused = await kit.attempt(() => require(${JSON.stringify(addon)}))
       const record = core.getEngine().tracker.run.violations[0]
       core.allowAudit({ exec: [{ from: record.package }] })
       const allowed = await kit.attempt(() => typeof require(${JSON.stringify(addon)}))
       return { refused, event: record.event, package: record.package, suggestion: core.getEngine().errorFor(record).message.split('\\n').pop(), allowed }`,
    )
    expect(result.refused).toMatchObject({ ok: false, code: 'LEAKGATE_EXEC_BLOCKED' })
    expect(result.event).toBe('process.dlopen')
    expect(result.package).toMatch(/^@swc\/core-/)
    expect(result.suggestion).toContain(`allow: { exec: [{ from: '${result.package}' }] }`)
    expect(result.allowed).toEqual({ ok: true, value: 'object' })
  })

  test('process.binding is refused, then allowed by name', async () => {
    const { result } = await probe<Probed>(
      bin,
      `core.install({})
       const refused = await kit.attempt(() => process.binding('fs'))
       core.allowAudit({ exec: ['process.binding'] })
       const allowed = await kit.attempt(() => typeof process.binding('fs'))
       return { refused, allowed }`,
      { args: ['--no-deprecation'] },
    )
    expect(result.refused).toMatchObject({
      ok: false,
      code: 'LEAKGATE_EXEC_BLOCKED',
      message: 'blocked process.binding of "process.binding fs" (LEAKGATE_EXEC_BLOCKED)',
    })
    expect(result.allowed).toEqual({ ok: true, value: 'object' })
  })

  test('node:ffi (Node 26) dlopen and DynamicLibrary are refused', async () => {
    const { result } = await probe<Probed>(
      bin,
      `let ffi
       try { ffi = process.getBuiltinModule('node:ffi') } catch {}
       if (!ffi) return { absent: true, major: Number(process.versions.node.split('.')[0]) }
       core.install({})
       return {
         dlopen: await kit.attempt(() => ffi.dlopen('libc.so.6')),
         library: await kit.attempt(() => new ffi.DynamicLibrary('libc.so.6')),
       }`,
      { args: ['--no-warnings'] },
    )
    if (result.absent) {
      expect(result.major, 'node:ffi is on by default from Node 26').toBeLessThan(26)
      return
    }
    expect(result.dlopen).toMatchObject({ ok: false, code: 'LEAKGATE_EXEC_BLOCKED' })
    expect(result.library).toMatchObject({ ok: false, code: 'LEAKGATE_EXEC_BLOCKED' })
  })
})

describe.each(nodes)('native access arguments on $label: Node refuses first, the guard reads once', ({ bin }) => {
  test('process.execve: what Node refuses it refuses in its own words, with no event; the rest is decided', async () => {
    const { result } = await probe<Probed>(
      bin,
      `if (typeof process.execve !== 'function') return { absent: true }
       const { Worker } = require('node:worker_threads')
       core.install({ allow: { eval: true } }) // the worker below is code from a string
       const engine = core.getEngine()
       const r = {}
       r.numberArg = await kit.attempt(() => process.execve('/bin/echo', ['echo', 1]))
       r.nulArg = await kit.attempt(() => process.execve('/bin/echo', ['echo', 'a\\u0000b']))
       r.objectFile = await kit.attempt(() => process.execve({ toString: () => '/bin/echo' }, ['echo']))
       r.argsNotArray = await kit.attempt(() => process.execve('/bin/echo', 'echo'))
       r.inWorker = await new Promise((resolve) => {
         const w = new Worker("try { process.execve('/bin/echo', ['echo']) } catch (e) { require('node:worker_threads').parentPort.postMessage(e.code) }", { eval: true })
         w.once('message', resolve)
         w.once('error', (e) => resolve('worker error: ' + e.message))
       })
       r.noEventsYet = engine.tracker.run.violations.length
       r.refused = await kit.attempt(() => process.execve('/bin/echo', ['echo', 'replaced']))
       r.events = engine.tracker.run.violations.map((v) => v.event + ' ' + v.target)
       return r`,
      { args: ['--no-warnings'] },
    )
    if (result.absent) return
    expect(result.numberArg).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_VALUE', leakgate: false })
    expect(result.nulArg).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_VALUE', leakgate: false })
    expect(result.objectFile).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_TYPE', leakgate: false })
    expect(result.argsNotArray).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_TYPE', leakgate: false })
    expect(result.inWorker).toBe('ERR_WORKER_UNSUPPORTED_OPERATION')
    expect(result.noEventsYet).toBe(0)
    expect(result.refused).toMatchObject({ ok: false, code: 'LEAKGATE_EXEC_BLOCKED' })
    expect(result.events).toEqual(['process.execve echo replaced'])
  })

  test('process.dlopen and process.binding convert their argument once and use that value', async () => {
    const { result } = await probe<Probed>(
      bin,
      `core.install({ allow: { exec: ['/nonexistent/allowed.node', 'process.binding'] } })
       const flip = (first, then) => { const o = { calls: 0, toString() { o.calls++; return o.calls === 1 ? first : then } }; return o }
       const file = flip('/nonexistent/allowed.node', '/nonexistent/other.node')
       const dlopen = await kit.attempt(() => process.dlopen({ exports: {} }, file))
       const name = flip('fs', 'tcp_wrap')
       const binding = await kit.attempt(() => process.binding(name) === process.binding('fs'))
       return { dlopen, dlopenCalls: file.calls, binding, bindingCalls: name.calls }`,
      { args: ['--no-deprecation'] },
    )
    // The allowed name was decided and opened (and it does not exist): never the other one.
    expect(result.dlopen).toMatchObject({ ok: false, leakgate: false })
    expect(result.dlopen.message).toContain('/nonexistent/allowed.node')
    expect(result.dlopenCalls).toBe(1)
    expect(result.binding).toEqual({ ok: true, value: true })
    expect(result.bindingCalls).toBe(1)
  })

  test('node:ffi (Node 26): a path that is not a string is refused by Node, no event; null is the running binary', async () => {
    const { result } = await probe<Probed>(
      bin,
      `let ffi
       try { ffi = process.getBuiltinModule('node:ffi') } catch {}
       if (!ffi) return { absent: true }
       core.install({})
       const r = {
         number: await kit.attempt(() => ffi.dlopen(5)),
         object: await kit.attempt(() => new ffi.DynamicLibrary({ toString: () => 'libc.so.6' })),
       }
       r.noEvents = core.getEngine().tracker.run.violations.length
       r.nullPath = await kit.attempt(() => ffi.dlopen(null))
       r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
       r.execPath = process.execPath
       return r`,
      { args: ['--no-warnings'] },
    )
    if (result.absent) return
    expect(result.number).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_TYPE', leakgate: false })
    expect(result.object).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_TYPE', leakgate: false })
    expect(result.noEvents).toBe(0)
    expect(result.nullPath).toMatchObject({ ok: false, code: 'LEAKGATE_EXEC_BLOCKED' })
    expect(result.events).toEqual([`ffi.dlopen ${result.execPath}`])
  })
})
