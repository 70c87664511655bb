import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// A refused spawn must look exactly like Node's own failed spawn, for every child_process API:
// the same calls against a program that cannot start (a file without the execute bit: EACCES;
// a missing file: ENOENT), unguarded, allowed by `exec: true`, and refused, compared event by
// event and field by field (pid, exitCode, streams ending, spawnfile, spawnargs, sync results).
// Only the error's code and message say who refused.

const SHAPES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/spawn-shapes.cjs')

const PROBE = `
  const fs = require('node:fs'), os = require('node:os'), path = require('node:path')
  const { shapes } = require(${JSON.stringify(SHAPES)})
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-parity-'))
  const noexec = path.join(dir, 'not-executable')
  fs.writeFileSync(noexec, '#!/bin/sh\\necho ran\\n', { mode: 0o644 })
  const missing = path.join(dir, 'missing')
  void process.stdout, void process.stderr
  const r = {}
  r.nodeEacces = await shapes(noexec)
  r.nodeEnoent = await shapes(missing)
  const handlesBefore = process._getActiveHandles().length
  core.install({})
  r.refused = await shapes(noexec)
  r.refusedMissing = await shapes(missing)
  r.violations = core.getEngine().tracker.run.violations.length
  // Runners serialize the error a test failed with (Jest's --json): ours must serialize.
  r.serializable = (() => { try { require('node:child_process').execSync('echo hi', { shell: noexec }) } catch (e) { try { JSON.stringify(e); return e.error === e } catch { return false } } })()
  await kit.sleep(50)
  r.leakedHandles = process._getActiveHandles().length - handlesBefore
  core.install({ allow: { exec: true } })
  r.allowed = await shapes(noexec)
  core.uninstall()
  fs.rmSync(dir, { recursive: true, force: true })
  return JSON.parse(JSON.stringify(r).split(dir).join('<dir>'))
`

/** ENOENT's errno (-2) where EACCES (-13) is, so a missing binary compares with a refusal. */
function asEacces(shapes: Probed): Probed {
  return JSON.parse(JSON.stringify(shapes).replace(/([[:,])-2([\],}])/g, '$1-13$2'))
}

describe.each(nodes)('a refused spawn is Node’s own failed spawn, on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { timeout: 90_000 })).result
  })

  test('every API, event by event and field by field, as a program that cannot start', () => {
    const names = Object.keys(r.nodeEacces.calls)
    expect(names.length).toBeGreaterThan(25)
    for (const name of names) expect(r.refused.calls[name], name).toEqual(r.nodeEacces.calls[name])
  })

  test('the same as a missing program, but for the errno', () => {
    for (const name of Object.keys(r.nodeEnoent.calls)) {
      expect(r.refusedMissing.calls[name], name).toEqual(asEacces(r.nodeEnoent.calls)[name])
    }
  })

  test('a failed spawn has no pid (never 0: process.kill(-0) would kill the whole group)', () => {
    const spawned = r.refused.calls.spawn
    expect(spawned[0]).toEqual(['returned', expect.objectContaining({ pid: '(undefined)', pidIsOwn: true })])
    for (const [name, log] of Object.entries(r.refused.calls) as [string, unknown[][]][]) {
      if (!Array.isArray(log)) continue // a sync call: its pid is compared with Node's above (0 there too)
      for (const entry of log) {
        const shape = entry[entry.length - 1] as { pid?: unknown } | undefined
        if (shape && typeof shape === 'object' && 'pid' in shape) expect(shape.pid, name).not.toBe(0)
      }
    }
  })

  test('stdout and stderr end, so a reader waiting for EOF finishes', () => {
    const events = (r.refused.calls.spawn as unknown[][]).map((entry) => entry[0])
    expect(events).toEqual(expect.arrayContaining(['stdio[1] end', 'stdio[2] end', 'error', 'close']))
    for (const log of Object.values(r.refused.calls) as unknown[][][]) {
      if (Array.isArray(log)) expect(log.map((entry) => entry[0])).not.toContain('no close after 1.5 s')
    }
  })

  test('the errors are ours where Node’s were EACCES or ENOENT, and one violation per call', () => {
    expect(r.nodeEacces.codes).toEqual(['EACCES'])
    expect(r.nodeEnoent.codes).toEqual(['ENOENT'])
    expect(r.refused.codes).toEqual(['LEAKGATE_EXEC_BLOCKED'])
    expect(r.refusedMissing.codes).toEqual(['LEAKGATE_EXEC_BLOCKED'])
    expect(r.violations).toBe(2 * Object.keys(r.nodeEacces.calls).length)
    expect(r.serializable, 'JSON.stringify(error) works, and error.error is the error').toBe(true)
    expect(r.leakedHandles).toBe(0)
  })

  test('an allowed call is untouched: Node’s own failure, its own error', () => {
    expect(r.allowed.calls).toEqual(r.nodeEacces.calls)
    expect(r.allowed.codes).toEqual(['EACCES'])
  })
})
