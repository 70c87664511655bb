import { describe, expect, test } from 'vitest'
import { findAddon, nodes, type Probed, probe } from '../helpers/probe.js'

// Ways around every other layer, audited as exec events: native addons (process.dlopen),
// process.binding, and node:ffi on Node 26.

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

  test('node:sqlite loadExtension (Node 22.13+) is refused, then allowed by name, and then loads as without the guard', async () => {
    // libc is a real shared library with no SQLite entry point: SQLite opens it (running any
    // constructor it has), then reports the missing symbol. That message is the proof it loaded.
    const body = (guarded: boolean) =>
      `let sqlite
       try { sqlite = process.getBuiltinModule('node:sqlite') } catch {}
       if (!sqlite?.DatabaseSync?.prototype.loadExtension) return { absent: true, version: process.versions.node }
       ${guarded ? 'core.install({})' : ''}
       const load = () => new sqlite.DatabaseSync(':memory:', { allowExtension: true }).loadExtension('libc.so.6')
       const r = { first: await kit.attempt(load) }
       ${guarded ? "core.allowAudit({ exec: ['libc.so.6'] })" : ''}
       r.second = await kit.attempt(load)
       r.events = core.getEngine()?.tracker.run.violations.map((v) => v.event + ' ' + v.target) ?? []
       return r`
    const [{ result: guarded }, { result: bare }] = await Promise.all([
      probe<Probed>(bin, body(true), { args: ['--no-warnings'] }),
      probe<Probed>(bin, body(false), { args: ['--no-warnings'] }),
    ])
    if (guarded.absent) {
      const [major, minor] = (guarded.version as string).split('.').map(Number) as [number, number]
      expect(major * 100 + minor, 'loadExtension is in node:sqlite from Node 22.13').toBeLessThan(2213)
      return
    }
    expect(bare.first).toMatchObject({ ok: false, code: 'ERR_LOAD_SQLITE_EXTENSION', leakgate: false })
    expect(bare.first.message).toMatch(/libc\.so\.6: undefined symbol: sqlite3_\w+_init/)
    expect(guarded.first).toMatchObject({
      ok: false,
      code: 'LEAKGATE_EXEC_BLOCKED',
      message: 'blocked sqlite.loadExtension of "libc.so.6" (LEAKGATE_EXEC_BLOCKED)',
    })
    expect(guarded.events).toEqual(['sqlite.loadExtension libc.so.6'])
    expect(guarded.second).toEqual(bare.second)
    expect(bare.second).toEqual(bare.first)
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

  test('node:sqlite: what Node refuses before loading is its own error with no event; plain SQLite use is no event', async () => {
    const body = (guarded: boolean) =>
      `let sqlite
       try { sqlite = process.getBuiltinModule('node:sqlite') } catch {}
       if (!sqlite?.DatabaseSync?.prototype.loadExtension) return { absent: true }
       ${guarded ? 'core.install({})' : ''}
       const { DatabaseSync } = sqlite
       const closed = new DatabaseSync(':memory:', { allowExtension: true })
       closed.close()
       const disabled = new DatabaseSync(':memory:', { allowExtension: true })
       disabled.enableLoadExtension(false)
       const open = new DatabaseSync(':memory:', { allowExtension: true })
       const r = {
         closed: await kit.attempt(() => closed.loadExtension('libc.so.6')),
         notAllowed: await kit.attempt(() => new DatabaseSync(':memory:').loadExtension('libc.so.6')),
         disabled: await kit.attempt(() => disabled.loadExtension('libc.so.6')),
         notADatabase: await kit.attempt(() => DatabaseSync.prototype.loadExtension.call({}, 'libc.so.6')),
         number: await kit.attempt(() => open.loadExtension(5)),
         object: await kit.attempt(() => open.loadExtension({ toString: () => 'libc.so.6' })),
         sqlFunction: await kit.attempt(() => open.prepare("select load_extension('libc.so.6') as x").get()),
         plain: await kit.attempt(() => {
           open.exec('create table t (x integer); insert into t values (6), (7)')
           return open.prepare('select x from t order by x').all().map((row) => row.x)
         }),
       }
       r.events = core.getEngine()?.tracker.run.violations.map((v) => v.event + ' ' + v.target) ?? []
       return r`
    const [{ result: guarded }, { result: bare }] = await Promise.all([
      probe<Probed>(bin, body(true), { args: ['--no-warnings'] }),
      probe<Probed>(bin, body(false), { args: ['--no-warnings'] }),
    ])
    if (guarded.absent) return
    // The same outcome as without the guard, call by call, and nothing recorded.
    expect({ ...guarded, events: [] }).toEqual(bare)
    expect(guarded.events).toEqual([])
    expect(guarded.closed).toMatchObject({ ok: false, code: 'ERR_INVALID_STATE', leakgate: false })
    expect(guarded.notAllowed).toMatchObject({ ok: false, code: 'ERR_INVALID_STATE', leakgate: false })
    expect(guarded.disabled).toMatchObject({ ok: false, code: 'ERR_INVALID_STATE', leakgate: false })
    expect(guarded.notADatabase).toMatchObject({ ok: false, leakgate: false, message: 'Illegal invocation' })
    expect(guarded.number).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_TYPE', leakgate: false })
    expect(guarded.object).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_TYPE', leakgate: false })
    expect(guarded.sqlFunction).toMatchObject({ ok: false, code: 'ERR_SQLITE_ERROR', leakgate: false })
    expect(guarded.plain).toEqual({ ok: true, value: [6, 7] })
  })
})
