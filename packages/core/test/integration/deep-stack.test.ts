import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'
import { PACKAGES_PROBE } from '../helpers/scoped-probe.js'

// The call site is the project's frame, however deep the library between it and the operation
// (issue 10.13: an ajv compile runs some forty frames of its own, past the first capture).
// A real package in a real node_modules beside the probe recurses 60 frames, then connects,
// spawns or compiles; the probe's own line must be the call site, each category.

const DEEP_PROBE = `${PACKAGES_PROBE}
  lib('deep-lib', [
    "const net = require('node:net'), cp = require('node:child_process')",
    down,
    'exports.compile = (depth, source) => down(depth, () => new Function(source))',
    'exports.connect = (depth, port, host) => down(depth, () => net.connect(port, host))',
    "exports.spawn = (depth) => down(depth, () => cp.spawnSync('leakgate-no-such-command'))",
    'exports.later = (depth, source, done) => setTimeout(() => { try { down(depth, () => new Function(source)) } catch (e) { done(e) } })',
  ])
  const deep = require('deep-lib')
  const tcp = await kit.startTcp(kit.EXTERNAL)
  core.install({ local: ['127.0.0.1', '::1'] })
  core.tameRealm(globalThis)
  const engine = core.getEngine()
  const r = {}
  const last = () => { const v = engine.tracker.run.violations.at(-1); return { event: v.event, callSite: v.callSite, package: v.package, stack: engine.errorFor(v).stack } }
  r.lines = { eval: lineOf('/*' + 'eval*/'), net: lineOf('/*' + 'net*/'), exec: lineOf('/*' + 'exec*/') }
  try { deep.compile(60, 'return 1') /*eval*/ } catch {}
  r.eval = last()
  await new Promise((resolve) => deep.connect(60, tcp.port, kit.EXTERNAL) /*net*/.on('error', resolve).on('connect', resolve))
  r.net = last()
  deep.spawn(60) /*exec*/
  r.exec = last()
  // A shallow library: the first capture holds the project's frame.
  try { deep.compile(2, 'return 2') } catch {}
  r.shallow = last()
  // No project frame at all (a timer inside the library): no call site, and no failure.
  r.noProject = await new Promise((resolve) => deep.later(60, 'return 3', (e) => resolve({ code: e.code, callSite: engine.tracker.run.violations.at(-1).callSite ?? null })))
  // The rule for the package sees it through the deep stack.
  core.allowAudit({ eval: [{ from: 'deep-lib' }] })
  r.allowedFrom = typeof deep.compile(60, 'return 4') === 'function'
  await tcp.close()
  return r
`

describe.each(nodes)('the call site through a deep library ($label)', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe<Probed>(bin, DEEP_PROBE, { timeout: 60_000 })).result
  }, 90_000)

  test.each(['eval', 'net', 'exec'])('%s: the project line is the call site, the package is named', (category) => {
    const got = r[category]
    expect(got.callSite?.file).toMatch(/probe\.cjs$/)
    expect(got.callSite?.line).toBe(r.lines[category])
    expect(got.package).toBe('deep-lib')
  })

  test("the error's stack: the library's nearest frame, then the project's line; not sixty frames", () => {
    const frames = String(r.eval.stack)
      .split('\n')
      .filter((line) => line.startsWith('    at '))
    expect(frames[0]).toMatch(/node_modules\/deep-lib\/index\.js:/)
    expect(frames[1]).toMatch(new RegExp(`probe\\.cjs:${r.lines.eval}:`))
    expect(frames.length).toBeLessThanOrEqual(20)
  })

  test('a shallow library and a stack without any project frame are attributed as before', () => {
    expect(r.shallow.callSite?.file).toMatch(/probe\.cjs$/)
    expect(r.noProject).toEqual({ code: 'LEAKGATE_EVAL_BLOCKED', callSite: null })
    expect(r.allowedFrom).toBe(true)
  })
})
