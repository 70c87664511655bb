import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// node:repl evaluates its input through a ContextifyScript it builds below vm.Script (internal
// makeContextifyScript), run through vm.Script.prototype's methods: decided as it runs (event
// `node:repl`), reported by the REPL as any failure of the input is (`Uncaught …`). Node's own
// fixed compile when the REPL loads or makes its first context is not the test's: requiring
// node:repl and starting a REPL fail nothing, and a REPL with an evaluator of its own that
// compiles nothing records nothing.

const REPL_PROBE = (setup: string, mode = 'enforce') => `
  const early = ${setup.includes('EARLY') ? "require('node:repl')" : 'undefined'}
  core.install({ mode: '${mode}' })
  core.tameRealm(globalThis)
  ${setup.replace('EARLY', '')}
  const { PassThrough } = require('node:stream')
  const r = {}
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return kit.describeError(e) } }
  let repl
  r.load = t(() => { repl = require('node:repl'); return typeof repl.start })
  // One REPL, one line of input; what it printed and what the input did.
  const run = (options, line, key) => new Promise((resolve) => {
    const input = new PassThrough(), output = new PassThrough()
    let out = ''
    output.on('data', (chunk) => { out += chunk })
    delete globalThis[key]
    let server
    const started = t(() => { server = repl.start({ input, output, terminal: false, prompt: '', ...options }); return true })
    if (!started.ok) return resolve({ started })
    input.write(line + '\\n')
    setTimeout(() => { server.close(); resolve({ started, ran: globalThis[key] ?? null, out: out.slice(0, 400) }) }, 200)
  })
  r.global = await run({ useGlobal: true }, 'globalThis.__ran = 40 + 2', '__ran')
  r.context = await run({}, 'globalThis.__ran2 = 42; process.__ranIn = 42', '__ran2')
  r.contextRan = process.__ranIn ?? null
  r.awaited = await run({ useGlobal: true }, 'await Promise.resolve(globalThis.__ran3 = 42)', '__ran3')
  r.custom = await run({ eval: (code, context, file, cb) => cb(null, code.trim().toUpperCase()) }, 'hello', '__none')
  r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target + ' ' + (v.blocked === false ? 'recorded' : 'blocked'))
  return r
`

const REFUSED = 'node:repl (code not visible: the input of a REPL) blocked'

describe.each(nodes)('node:repl on $label', ({ bin }) => {
  let refused: Probed
  let early: Probed
  let allowed: Probed
  let reported: Probed
  beforeAll(async () => {
    ;[refused, early, allowed, reported] = await Promise.all([
      probe(bin, REPL_PROBE(''), { timeout: 90_000 }).then((run) => run.result),
      probe(bin, REPL_PROBE('EARLY'), { timeout: 90_000 }).then((run) => run.result),
      probe(bin, REPL_PROBE('core.allowAudit({ eval: true })'), { timeout: 90_000 }).then((run) => run.result),
      probe(bin, REPL_PROBE('', 'report'), { timeout: 90_000 }).then((run) => run.result),
    ])
  }, 120_000)

  test('requiring node:repl and starting a REPL fail nothing', () => {
    for (const r of [refused, early, allowed, reported]) {
      expect(r.load).toEqual({ ok: true, value: 'function' })
      for (const key of ['global', 'context', 'awaited', 'custom'])
        expect(r[key].started, key).toEqual({ ok: true, value: true })
    }
  })

  test("the REPL's input is refused, as the REPL reports a failing input; loaded before install too", () => {
    for (const r of [refused, early]) {
      for (const key of ['global', 'context', 'awaited']) {
        expect(r[key].ran, key).toBeNull()
        expect(r[key].out, key).toMatch(/Uncaught[\s\S]*LEAKGATE_EVAL_BLOCKED/)
      }
      expect(r.contextRan).toBeNull()
      expect(r.events).toEqual([REFUSED, REFUSED, REFUSED])
    }
  })

  test('allowed, the input runs as without the guard, in its context', () => {
    expect(allowed.global.ran).toBe(42)
    expect(allowed.global.out).toContain('42')
    expect(allowed.context.ran).toBeNull()
    expect(allowed.contextRan).toBe(42)
    expect(allowed.awaited.ran).toBe(42)
    expect(allowed.events.filter((e: string) => e.includes('blocked'))).toEqual([])
  })

  test('report mode runs and records each input', () => {
    expect(reported.global.ran).toBe(42)
    expect(reported.contextRan).toBe(42)
    expect(reported.awaited.ran).toBe(42)
    expect(reported.events).toEqual([0, 1, 2].map(() => REFUSED.replace('blocked', 'recorded')))
  })

  test('an evaluator of its own that compiles nothing records nothing', () => {
    for (const r of [refused, early, allowed, reported]) expect(r.custom.out).toContain('HELLO')
    expect(refused.events.length).toBe(3)
  })
})
