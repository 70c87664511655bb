import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { nodes } from '../helpers/probe.js'

// What a worker pays to start the guard (issue 15): loading core, installing it and taming a
// realm load no builtin module the guard has no use for. Recognising a patched object among
// Node's modules (for messages, and to leave mockable surfaces to the tests' spies) used to load
// every module it compared with (http2, inspector, tls, https: ~20 ms per worker), and record
// ids used node:crypto (~4 ms). A builtin loaded before install is still recognised: a spy on
// its export is the test's, not tampering.

const CORE = fileURLToPath(new URL('../../dist/index.cjs', import.meta.url))

/** Modules nothing at start-up needs; a worker that loads them pays for it. */
// node:dns too: the system's DNS servers are read from a channel the binding makes (dns.ts).
const NOT_AT_STARTUP = ['http', 'https', 'http2', 'tls', 'inspector', 'crypto', 'dns', 'dns/promises']

function run(bin: string, body: string): Record<string, unknown> {
  const script = `const loadedNow = () => new Set(process.moduleLoadList.filter((e) => e.startsWith('NativeModule ')).map((e) => e.slice(13)))
const before = loadedNow()
${body}`
  const result = spawnSync(bin, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 60_000,
  })
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(result.stdout) as Record<string, unknown>
}

describe.each(nodes)('start-up on $label', ({ bin }) => {
  test('load, install and tame load no builtin the guard does not use', () => {
    const result = run(
      bin,
      `const core = require(${JSON.stringify(CORE)})
core.install({ mode: 'enforce', allow: { exec: ['true'], eval: [{ from: 'handlebars' }] } })
core.tameRealm(globalThis)
const after = loadedNow()
console.log(JSON.stringify({ added: [...after].filter((id) => !before.has(id)) }))`,
    )
    const added = result.added as string[]
    // It did load what it patches (the test would pass on a process that loaded nothing).
    expect(added).toEqual(expect.arrayContaining(['net', 'child_process']))
    for (const id of NOT_AT_STARTUP) expect(added, id).not.toContain(id)
  })

  test('a spy on a builtin’s export is the test’s, loaded before install or not; a replaced guard is not', () => {
    const result = run(
      bin,
      `const http = require('node:http')
const core = require(${JSON.stringify(CORE)})
core.install({ mode: 'enforce' })
const cp = require('node:child_process')
const restores = core.getEngine().restores
const mockable = (label) => restores.filter((r) => r.label?.() === label).map((r) => r.intact === undefined)
// What vi.spyOn / jest.spyOn do: replace the export, or a method of an exported class.
const realExecSync = cp.execSync
const realReuse = http.Agent.prototype.reuseSocket
cp.execSync = () => 'spied'
http.Agent.prototype.reuseSocket = () => {}
// Replacing the native layer below them is tampering.
const Process = Object.getPrototypeOf(new cp.ChildProcess()._handle)
const realSpawn = Process.spawn
Process.spawn = function spawn() { return -1 }
const disturbed = restores.filter((r) => r.intact && !r.intact()).map((r) => r.label())
Process.spawn = realSpawn
cp.execSync = realExecSync
http.Agent.prototype.reuseSocket = realReuse
console.log(JSON.stringify({
  disturbed,
  execSync: mockable('child_process.execSync'),
  reuseSocket: mockable('Agent.prototype.reuseSocket'),
  spawn: mockable('Process.prototype.spawn'),
}))`,
    )
    expect(result).toEqual({
      disturbed: ['Process.prototype.spawn'],
      execSync: [true],
      reuseSocket: [true],
      spawn: [false],
    })
  })

  test('a class of a builtin loaded after install, patched then, is the test’s to spy on', () => {
    // http's Agent is patched at the first connect after http loaded (a refused one to
    // loopback port 9 here): it is named and told mockable from the modules loaded by then.
    const result = run(
      bin,
      `const core = require(${JSON.stringify(CORE)})
core.install({ mode: 'enforce' })
const restores = core.getEngine().restores
const labels = (label) => restores.filter((r) => r.label?.() === label).map((r) => r.intact === undefined)
const atInstall = labels('Agent.prototype.reuseSocket')
const http = require('node:http')
const socket = require('node:net').connect({ host: '127.0.0.1', port: 9 })
socket.on('error', () => {})
socket.destroy()
console.log(JSON.stringify({ atInstall, after: labels('Agent.prototype.reuseSocket'), http: typeof http.Agent }))`,
    )
    expect(result).toEqual({ atInstall: [], after: [true], http: 'function' })
  })

  // Jest evaluates the packages a test file imports (`allowAudit` from @leakgate/core or the
  // environment) again in each file's module registry, after install; ESM and CommonJS copies
  // can meet in one process too. A copy's top level generates no code, or the guard refuses it
  // and the test file fails at import (it did when a refusal's thrower was compiled at load).
  test('a copy of leakgate loaded after install loads, and refuses alike', () => {
    const result = run(
      bin,
      `const core = require(${JSON.stringify(CORE)})
core.install({ mode: 'enforce' })
const dist = require('node:path').dirname(${JSON.stringify(CORE)})
for (const file of Object.keys(require.cache)) if (file.startsWith(dist)) delete require.cache[file]
const copy = require(${JSON.stringify(CORE)})
const refused = (fn) => { try { fn(); return 'ran' } catch (error) { return error.code } }
import(require('node:url').pathToFileURL(${JSON.stringify(CORE.replace(/\.cjs$/, '.mjs'))}).href).then((esm) => {
  console.log(JSON.stringify({
    copy: copy !== core && typeof copy.allowAudit,
    esm: typeof esm.allowAudit,
    exec: refused(() => require('node:child_process').execSync('true')),
    dlopen: refused(() => process.dlopen({ exports: {} }, '/nonexistent.node')),
  }))
})`,
    )
    expect(result).toEqual({
      copy: 'function',
      esm: 'function',
      exec: 'LEAKGATE_EXEC_BLOCKED',
      dlopen: 'LEAKGATE_EXEC_BLOCKED',
    })
  })
})

// What a worker compiles: each entry point an adapter or a preload loads reads its own file and
// the one runtime chunk (and rolldown's helpers), never the CLI's, the reports' or a chunk per
// shared module (every file is a resolve, a read and a compile; 9 files for `@leakgate/core`
// before the runtime was one chunk).
describe('the files an entry point loads', () => {
  const DIST = fileURLToPath(new URL('../../dist/', import.meta.url))
  test.each(['index', 'session', 'register', 'preload'])('%s.cjs loads its file and the runtime chunk', (entry) => {
    const result = spawnSync(
      process.execPath,
      [
        '-e',
        `const dist = ${JSON.stringify(DIST)}
const before = new Set(Object.keys(require.cache))
require(dist + ${JSON.stringify(`${entry}.cjs`)})
console.log(JSON.stringify(Object.keys(require.cache).filter((f) => !before.has(f) && f.startsWith(dist)).map((f) => f.slice(dist.length))))`,
      ],
      { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 },
    )
    expect(result.status, result.stderr).toBe(0)
    const files = JSON.parse(result.stdout) as string[]
    expect(files).toContain(`${entry}.cjs`)
    expect(files.some((f) => /^runtime-[\w-]+\.cjs$/.test(f))).toBe(true)
    // The runtime chunk's loader has the chunk's name; the chunk itself (`.code.cjs`) is in
    // require.cache only when the loader requires it instead of compiling it with its code cache.
    const others = files.filter(
      (f) =>
        !/^(?:index|session|register|preload)\.cjs$/.test(f) &&
        !/^(?:rolldown-)?runtime-[\w-]+(?:\.code)?\.cjs$/.test(f),
    )
    expect(others).toEqual([])
  })
})
