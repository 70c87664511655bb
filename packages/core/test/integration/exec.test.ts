import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Every way to start a program: async and sync, through a shell, captured before install,
// fork, execve and native addons; the allowance, and a child that runs guarded.

const EXEC_PROBE = `
  const cp = require('node:child_process'), util = require('node:util')
  const capturedSpawnSync = cp.spawnSync, capturedExecSync = cp.execSync
  const capturedProtoSpawn = cp.ChildProcess.prototype.spawn
  void process.stdout, void process.stderr // created lazily; not what this measures
  const handlesBefore = process._getActiveHandles().length
  core.install({})
  const r = {}
  const onClose = (child) => new Promise((resolve) => { child.on('error', (e) => resolve(kit.describeError(e))); child.on('close', (code) => resolve({ ok: true, value: code })) })
  r.spawn = await onClose(cp.spawn('echo', ['hi']))
  r.spawnShell = await onClose(cp.spawn('echo hi | cat', { shell: true }))
  r.exec = await new Promise((resolve) => cp.exec('echo hi', (e) => resolve(e ? kit.describeError(e) : { ok: true })))
  r.execPromise = await kit.attempt(() => util.promisify(cp.exec)('echo hi'))
  r.execFile = await new Promise((resolve) => cp.execFile('echo', ['hi'], (e) => resolve(e ? kit.describeError(e) : { ok: true })))
  r.fork = await onClose(cp.fork('-e', [], { execArgv: [] }))
  r.spawnSync = (() => { const x = cp.spawnSync('echo', ['hi']); return x.error ? kit.describeError(x.error) : { ok: true } })()
  r.execSync = await kit.attempt(() => cp.execSync('echo hi'))
  r.execFileSync = await kit.attempt(() => cp.execFileSync('echo', ['hi']))
  r.capturedSpawnSync = (() => { const x = capturedSpawnSync('echo', ['hi']); return x.error ? kit.describeError(x.error) : { ok: true } })()
  r.capturedExecSync = await kit.attempt(() => capturedExecSync('echo hi'))
  r.capturedPrototype = await (async () => { const child = new cp.ChildProcess(); const done = new Promise((resolve) => child.on('error', (e) => resolve(kit.describeError(e)))); try { capturedProtoSpawn.call(child, { file: 'echo', args: ['echo', 'x'], stdio: 'pipe', envPairs: [] }) } catch (e) { return kit.describeError(e) } return done })()
  r.execve = typeof process.execve === 'function' ? await kit.attempt(() => process.execve('/bin/echo', ['echo', 'replaced'])) : 'absent'
  r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  r.first = core.getEngine().errorFor(core.getEngine().tracker.run.violations[0]).message
  await kit.sleep(50)
  r.leakedHandles = process._getActiveHandles().length - handlesBefore
  r.handleNames = process._getActiveHandles().map((h) => h.constructor.name + (h.fd !== undefined ? h.fd : ""))
  core.allowAudit({ exec: ['echo', 'cat'] })
  r.allowedSync = cp.execSync('echo allowed | cat').toString().trim()
  r.allowedAsync = await new Promise((resolve) => cp.execFile('echo', ['async'], (e, out) => resolve(e ? kit.describeError(e) : out.trim())))
  r.stillBlocked = await kit.attempt(() => cp.execSync('echo a | tr a b'))
  core.uninstall()
  r.restored = cp.spawnSync === capturedSpawnSync && cp.execSync === capturedExecSync && cp.ChildProcess.prototype.spawn === capturedProtoSpawn
  r.afterUninstall = cp.execSync('echo free').toString().trim()
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EXEC_BLOCKED', leakgate: true }

describe.each(nodes)('exec on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, EXEC_PROBE)).result
  })

  test('async APIs emit our error through their normal error path', () => {
    expect(r.spawn).toMatchObject(refused)
    expect(r.spawnShell).toMatchObject(refused)
    expect(r.exec).toMatchObject(refused)
    expect(r.execPromise).toMatchObject(refused)
    expect(r.execFile).toMatchObject(refused)
    expect(r.fork).toMatchObject(refused)
  })

  test('sync APIs return or throw our error', () => {
    expect(r.spawnSync).toMatchObject(refused)
    expect(r.execSync).toMatchObject(refused)
    expect(r.execFileSync).toMatchObject(refused)
  })

  test('references captured before install are refused natively', () => {
    expect(r.capturedSpawnSync.ok).toBe(false)
    expect(r.capturedExecSync.ok).toBe(false)
    expect(r.capturedPrototype).toMatchObject({
      ok: false,
      code: expect.stringMatching(/EACCES|LEAKGATE_EXEC_BLOCKED/),
    })
  })

  test('process.execve (Node 22+) is refused', () => {
    if (r.execve === 'absent') return
    expect(r.execve).toMatchObject(refused)
  })

  test('events name the API the user called and show the command line', () => {
    expect(r.events.slice(0, 9)).toEqual([
      'child_process.spawn echo hi',
      'child_process.spawn echo hi | cat',
      'child_process.exec echo hi',
      'child_process.exec echo hi',
      'child_process.execFile echo hi',
      expect.stringMatching(/^child_process\.fork \S*node -e$/),
      'child_process.spawnSync echo hi',
      'child_process.execSync echo hi',
      'child_process.execFileSync echo hi',
    ])
    expect(r.first).toContain("To allow it in the config:  allow: { exec: ['echo'] }")
  })

  test('a refused spawn leaves no pipe handle behind', () => {
    expect(r.leakedHandles, String(r.handleNames)).toBe(0)
  })

  test('allowed commands run, sync and async; every command of a shell line counts', () => {
    expect(r.allowedSync).toBe('allowed')
    expect(r.allowedAsync).toBe('async')
    expect(r.stillBlocked).toMatchObject(refused)
    expect(r.stillBlocked.message).toBe('blocked child_process.execSync of "echo a | tr a b" (LEAKGATE_EXEC_BLOCKED)')
  })

  test('uninstall restores everything', () => {
    expect(r.restored).toBe(true)
    expect(r.afterUninstall).toBe('free')
  })
})
