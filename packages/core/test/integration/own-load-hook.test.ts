import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'
import { workerEngine, workerFiles } from '../helpers/worker-probe.js'

// A project's own `module.registerHooks({ load })` transform (issue 12.5's false positive): what
// a hook makes is decided as code generated where the hook was registered. A transform hook the
// project's setup file registers is trusted by a rule naming that file
// (`{ project: 'test/setup.js' }`), and without one the message offers that rule; a hook a test
// registers that makes up source stays that test's code, refused under the same rule. Needs
// `module.registerHooks` (Node 22.15+, 23.5+).

const probeBody = (rules: string) => `${workerFiles('leakgate-own-hook-')}
  if (typeof Module.registerHooks !== 'function') return { hooks: false }
  const root = dir
  // A type-stripping transform, the shape of a TS/transform hook: the file's code, edited.
  const setup = write('test/setup.js', \`
    const Module = require('node:module')
    exports.hooks = Module.registerHooks({
      load(url, context, next) {
        const result = next(url, context)
        if (!url.endsWith('.typed.js')) return result
        return { ...result, source: String(result.source).replace(/: number/g, '') }
      },
    })\`)
  const testFile = write('test/made-up.test.js', \`
    const Module = require('node:module')
    exports.run = (file) => {
      const hooks = Module.registerHooks({ load: (url, context, next) => (url.endsWith('made-up.js') ? { format: 'commonjs', source: 'globalThis.madeUp = true; module.exports = 2', shortCircuit: true } : next(url, context)) })
      try { return require(file) } finally { hooks.deregister() }
    }\`)
${workerEngine({
  install: `{ root, local: ['127.0.0.1', '::1'], sinkDir: path.join(root, 'sink'), allow: { eval: ${rules} } }`,
  testFile: 'testFile',
  settle: 0,
  violation: 'v.event',
  caught: "kit.describeError(e).code + ' ' + (e.event && e.event.suggestion)",
})}
  const r = { hooks: true }
  const record = async (name, fn) => { const { value, violations } = await inTest(name, fn); r[name] = { value, events: violations } }
  await record('plain require', () => require(write('src/plain.js', 'module.exports = 0')))
  const { hooks } = require(setup)
  await record('setup transform', () => require(write('src/answer.typed.js', 'const answer: number = 1; module.exports = answer')))
  await record('test hook making up source', () => require(testFile).run(write('src/made-up.js', 'module.exports = 3')))
  await record('plain require beside the transform', () => require(write('src/other.js', 'module.exports = 4')))
  hooks.deregister()
  r.madeUp = globalThis.madeUp === true
  r.allowed = [...engine.recorder.pending.values()].map(({ record: v }) => v.event + ' ' + v.decision.rule + ' at ' + (v.callSite && v.callSite.file))
  fs.rmSync(root, { recursive: true, force: true })
  return r
`

describe.each(nodes)("a project's own load hook on $label", ({ bin }) => {
  let ruled: Probed
  let bare: Probed
  beforeAll(async () => {
    const [a, b] = await Promise.all([
      probe(bin, probeBody("[{ project: 'test/setup.js' }]"), { timeout: 90_000 }),
      probe(bin, probeBody('[]'), { timeout: 90_000 }),
    ])
    ruled = a.result
    bare = b.result
  }, 120_000)

  test('the setup file named by a rule: its transform runs, allowed by that rule', () => {
    if (!ruled.hooks) return // Node 20: no module.registerHooks
    expect(ruled['setup transform']).toEqual({ value: 1, events: [] })
    expect(ruled.allowed).toContain("module.registerHooks(load) { project: 'test/setup.js' } at test/setup.js")
  })

  test('without a rule: refused, and the message offers the rule for the file that registered the hook', () => {
    if (!bare.hooks) return
    expect(bare['setup transform']).toEqual({
      value: "LEAKGATE_EVAL_BLOCKED { project: 'test/setup.js' }",
      events: ['module.registerHooks(load)'],
    })
  })

  test("a test's hook making up source is the test's code: refused under the setup file's rule", () => {
    if (!ruled.hooks) return
    expect(ruled['test hook making up source']).toEqual({
      value: 'LEAKGATE_EVAL_BLOCKED true',
      events: ['module.registerHooks(load)'],
    })
    expect(ruled.madeUp).toBe(false)
  })

  test('plain requires record nothing, with or without the transform registered', () => {
    if (!bare.hooks) return
    for (const r of [ruled, bare]) {
      expect(r['plain require']).toEqual({ value: 0, events: [] })
      expect(r['plain require beside the transform']).toEqual({ value: 4, events: [] })
    }
  })
})
