import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// What consumes a refused child sees what it sees of a program that cannot start (a file
// without the execute bit, unguarded): async iteration, pipes, readline, events.once, stdin
// writes, IPC sends, kill and AbortSignal at once or later, timeouts, the sync APIs' options
// (helpers/spawn-consumers.cjs). Allowed and report mode: Node's own failure, untouched.
//
// One exception, by design: a child killed in the tick it failed to start. Node (libuv) then
// signals a pid it never set: 0 on Node 20 (the caller's whole process group: the test runner),
// an arbitrary number on Node 22+ (ESRCH, or whichever process has it). A refused child answers
// ESRCH, as Node 22+ usually does, and signals nothing. The probe is its own process group, so
// Node 20's own failure, run here only on Node 22+, cannot reach the test runner.

const CONSUMERS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/spawn-consumers.cjs')

const PROBE = `
  const fs = require('node:fs'), os = require('node:os'), path = require('node:path')
  const { run, KILLS_AT_ONCE } = require(${JSON.stringify(CONSUMERS)})
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-consumers-'))
  const noexec = path.join(dir, 'not-executable')
  fs.writeFileSync(noexec, '#!/bin/sh\\necho ran\\n', { mode: 0o644 })
  const runnable = path.join(dir, 'runnable')
  fs.writeFileSync(runnable, '#!/bin/sh\\necho ran\\n', { mode: 0o755 })
  void process.stdout, void process.stderr
  const r = {}
  // Never Node's own failure killed at once: it signals a pid Node never set (see above).
  r.node = await run(noexec, KILLS_AT_ONCE)
  core.install({})
  r.refused = await run(noexec)
  r.violations = core.getEngine().tracker.run.violations.length
  core.install({ allow: { exec: true } })
  r.allowed = await run(noexec, KILLS_AT_ONCE)
  core.install({ mode: 'report' })
  r.report = await run(noexec, KILLS_AT_ONCE)
  r.reportRecorded = core.getEngine().tracker.run.violations.filter((v) => !v.blocked).length
  const cp = require('node:child_process')
  r.reportRuns = await new Promise((resolve) => cp.execFile(runnable, (e, out) => resolve(e ? e.code : out)))
  core.uninstall()
  fs.rmSync(dir, { recursive: true, force: true })
  return JSON.parse(JSON.stringify(r).split(dir).join('<dir>'))
`

describe.each(nodes)('what consumes a refused child sees Node’s own failure, on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { timeout: 120_000 })).result
  }, 150_000)

  test('every consumer, event by event and tick by tick, as for a program that cannot start', () => {
    const names = Object.keys(r.node)
    expect(names.length).toBeGreaterThan(40)
    for (const name of names) {
      if (r.node[name] === 'skipped') continue
      expect(r.refused[name], name).toEqual(r.node[name])
    }
    // Nothing waits for an event Node would have emitted. (A fork disconnected at once never
    // emits 'close', in Node's own failure too.)
    for (const [name, log] of Object.entries(r.refused)) {
      if (name !== 'fork disconnect at once') expect(JSON.stringify(log), name).not.toContain('WAITED')
    }
  })

  test('killed at once, a refused child signals nothing: kill() is false, then error and close', () => {
    expect(r.refused['kill at once']).toEqual([
      ['sync', 'kill', false, false, null],
      ['tick', 'error', 'FAIL'],
      ['later', 'close', -13, null],
    ])
    expect(r.refused['signal aborted at once']).toEqual([
      ['tick', 'error', 'FAIL'],
      ['later', 'close', -13, null],
    ])
    // Node 22+: the same as its own failure (compared above), when the stray pid is not there.
  })

  test('allowed (exec: true) and report mode: Node’s own failure, untouched', () => {
    for (const name of Object.keys(r.allowed)) {
      if (r.allowed[name] === 'skipped' || r.node[name] === 'skipped') continue
      expect(r.allowed[name], name).toEqual(r.node[name])
      expect(r.report[name], name).toEqual(r.node[name])
    }
    expect(r.violations).toBeGreaterThan(40)
    expect(r.reportRecorded).toBeGreaterThan(40)
    expect(r.reportRuns).toBe('ran\n')
  })
})
