import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Every realm is tamed, by default (issue 12, class 3): a vm context, however it is made
// (vm.createContext, vm.runInNewContext, vm.runInContext, Script#runInNewContext,
// compileFunction's parsingContext, vm.constants.DONT_CONTEXTIFY on Node 22.8+), hands out its
// own Function family and eval; they are decided as the main realm's are (same events, same
// attribution), and a context that runs ordinary code records nothing. ShadowRealm's evaluate
// and data: importValue are code from strings.
//
// The vm runs themselves are a framework's here (every compile of the package is a trusted
// operation, as jest-runtime's module loading is): what is decided is the code generation inside
// the context, reached from the code the framework runs or handed back to the test.

const REALMS_PROBE = `
  const vm = require('node:vm'), fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-realms-'))
  fs.mkdirSync(path.join(base, 'node_modules', 'vm-runner'), { recursive: true })
  fs.writeFileSync(path.join(base, 'node_modules', 'vm-runner', 'index.js'), [
    'const vm = require("node:vm")',
    'exports.inNew = (code, sandbox, options) => vm.runInNewContext(code, sandbox, options)',
    'exports.inContext = (code, context) => vm.runInContext(code, context)',
    'exports.script = (code, context) => new vm.Script(code).runInContext(context)',
    'exports.scriptNew = (code, sandbox, options) => new vm.Script(code).runInNewContext(sandbox, options)',
    'exports.create = (sandbox, options) => vm.createContext(sandbox, options)',
    'exports.compile = (code, context) => vm.compileFunction(code, [], { parsingContext: context })',
    'exports.module = async (code, context) => { const m = new vm.SourceTextModule(code, { context }); await m.link(() => {}); await m.evaluate(); return m.namespace }',
  ].join('\\n'))
  const runner = require(path.join(base, 'node_modules/vm-runner'))
  const DONT = vm.constants && vm.constants.DONT_CONTEXTIFY
  // Contexts made before install: tamed when a script, compileFunction or a module is compiled for them.
  const made = () => vm.createContext({})
  const early = { run: [made(), made()], compile: [made(), made()], module: [made(), made()] }
  core.install({})
  core.tameRealm(globalThis)
  core.getEngine().filter.frameworkPaths.push('/node_modules/vm-runner/')
  core.getEngine().filter.operations.push({ file: '/node_modules/vm-runner/', fn: '*', compiles: 'own' })
  const t = (fn) => { try { const value = fn(); return { ok: true, value: typeof value === 'function' ? 'function' : value } } catch (e) { return kit.describeError(e) } }
  const late = async (index) => ({
    runInContext: t(() => runner.inContext('Function', early.run[index])('return 20')()),
    compileFunction: t(() => runner.compile('return Function', early.compile[index])()('return 21')()),
    sourceTextModule: vm.SourceTextModule
      ? await runner.module('export default () => Function("return 22")()', early.module[index]).then(
          (namespace) => t(() => namespace.default()),
          (error) => kit.describeError(error),
        )
      : 'unsupported',
  })
  const vectors = () => ({
    functionHandedOut: t(() => runner.inNew('Function')('return 1')()),
    functionInside: t(() => runner.inNew('() => Function("return 2")()')()),
    evalHandedOut: t(() => runner.inNew('() => eval')()('3')),
    evalDirectInside: t(() => runner.inNew('var a = 4; (function () { var a = 40; return () => eval("a") })()')()),
    evalIndirectInside: t(() => runner.inNew('() => (0, eval)("5")')()),
    globalConstructor: t(() => runner.inNew('this.constructor.constructor')('return 6')()),
    scriptInCreated: t(() => runner.script('this', runner.create({})).constructor.constructor('return 7')()),
    runInContext: t(() => runner.inContext('Function', runner.create({ x: 1 }))('return 8')()),
    scriptNewAsync: t(() => typeof runner.scriptNew('() => (async () => {}).constructor("return 9")')()),
    scriptNewSandbox: t(() => runner.scriptNew('() => (function* () {}).constructor("yield 10")().next().value', { y: 1 })()),
    asyncGenerator: t(() => typeof runner.inNew('() => (async function* () {}).constructor("yield 11")')()),
    compileFunction: t(() => runner.compile('return Function', runner.create({}))()('return 12')()),
    afterEvaluate: t(() => runner.inNew('() => Function("return 13")()', {}, { microtaskMode: 'afterEvaluate' })()),
    namedContext: t(() => runner.inNew('() => Function("return 14")()', {}, { contextName: 'named', contextCodeGeneration: { strings: true } })()),
    dontContextify: DONT ? t(() => runner.create(DONT).Function('return 15')()) : 'unsupported',
    dontContextifyEval: DONT ? t(() => runner.create(DONT).eval('16')) : 'unsupported',
    dontContextifyRun: DONT ? t(() => runner.inNew('() => Function("return 17")()', DONT)()) : 'unsupported',
    dontContextifyScriptNew: DONT ? t(() => runner.scriptNew('() => eval("18")', DONT)()) : 'unsupported',
  })
  const r = {}
  r.refused = vectors()
  r.refusedEarly = await late(0)
  r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  r.message = core.getEngine().errorFor(core.getEngine().tracker.run.violations[0]).message.split('\\n')
  const before = core.getEngine().tracker.run.violations.length
  // Clean use: contexts that run ordinary code, sandboxes as they were, semantics unchanged.
  const sandbox = { x: 20 }
  r.clean = {
    value: t(() => runner.inNew('x * 2 + [1, 2].map((n) => n).length', sandbox)),
    sandboxKeys: Object.keys(sandbox),
    sandboxJson: JSON.stringify(sandbox),
    created: t(() => { const c = runner.create({ a: 1 }); runner.inContext('b = a + 1', c); return Object.keys(c) }),
    thisIsGlobal: t(() => runner.inNew('this === globalThis && typeof this.Array')),
    strictThis: t(() => runner.inNew('"use strict"; (function () { return this })() === undefined')),
    sloppyThis: t(() => runner.inNew('(function () { return this })() === globalThis')),
    instanceOf: t(() => runner.inNew('(() => {}) instanceof Function && Function.prototype.constructor === Function && (async () => {}) instanceof Function')),
    functionName: t(() => runner.inNew('[Function.name, Function.length, String(Function)].join("|")')),
    ownSandbox: t(() => runner.inNew('Function', { Function: 'mine' })),
    reused: t(() => { const c = runner.create({}); return [runner.inContext('1', c), runner.inContext('2', c), runner.script('3', c)] }),
    typeofEval: t(() => runner.inNew('typeof eval + typeof Function')),
    dont: DONT ? t(() => typeof runner.create(DONT).Function) : 'unsupported',
  }
  r.cleanEvents = core.getEngine().tracker.run.violations.slice(before).map((v) => v.event + ' ' + v.target)
  core.allowAudit({ eval: true })
  r.allowed = vectors()
  r.allowedEarly = await late(1)
  r.allowedEvents = core.getEngine().tracker.run.violations.length - before
  core.uninstall()
  r.untamed = runner.inNew('Function.prototype.constructor === Function && typeof Object.getOwnPropertyDescriptor(globalThis, "eval").value')
  fs.rmSync(base, { recursive: true, force: true })
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED', leakgate: true }

describe.each(nodes)('vm contexts are tamed when made, on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, REALMS_PROBE, { args: ['--experimental-vm-modules', '--no-warnings'] })).result
  }, 60_000)

  test("a context's Function family and eval are refused, however the context was made", () => {
    for (const [key, value] of Object.entries(r.refused as Record<string, unknown>)) {
      if (value === 'unsupported') continue
      expect(value, key).toMatchObject(refused)
    }
  })

  test('a context made before install is tamed when a script, compileFunction or a module is compiled for it', () => {
    const early = r.refusedEarly as Record<string, unknown>
    expect(early.runInContext).toMatchObject(refused)
    expect(early.compileFunction).toMatchObject(refused)
    expect(early.sourceTextModule).toMatchObject(refused)
    expect(r.allowedEarly).toEqual({
      runInContext: { ok: true, value: 20 },
      compileFunction: { ok: true, value: 21 },
      sourceTextModule: { ok: true, value: 22 },
    })
  })

  test('decided like the main realm: the same events, attributed to the caller', () => {
    expect(r.events).toEqual(
      expect.arrayContaining([
        'Function return 1',
        'Function return 2',
        'eval 3',
        'eval a',
        'eval 5',
        'Function return 6',
        'Function return 7',
        'Function return 8',
        'AsyncFunction return 9',
        'GeneratorFunction yield 10',
        'AsyncGeneratorFunction yield 11',
        'Function return 12',
        'Function return 13',
        'Function return 14',
      ]),
    )
    // Nothing is blamed on the framework that ran the context.
    expect((r.events as string[]).some((event) => event.startsWith('vm.'))).toBe(false)
    if (r.refused.dontContextify !== 'unsupported') {
      expect(r.events).toEqual(
        expect.arrayContaining(['Function return 15', 'eval 16', 'Function return 17', 'eval 18']),
      )
    }
    const message = r.message as string[]
    expect(message[0]).toBe('blocked Function of "return 1" (LEAKGATE_EVAL_BLOCKED)')
    // Called at the test's own line (the probe), not in the framework or in leakgate.
    expect(message.find((line) => line.trim().startsWith('called at'))).toMatch(/probe\.cjs:\d+:\d+/)
  })

  test('allowAudit({ eval: true }) allows each, with direct eval still direct', () => {
    const allowed = r.allowed as Record<string, { ok: boolean; value?: unknown } | string>
    for (const [key, value] of Object.entries(allowed)) {
      if (value === 'unsupported') continue
      expect(value, key).toMatchObject({ ok: true })
    }
    expect(allowed.functionHandedOut).toEqual({ ok: true, value: 1 })
    expect(allowed.evalDirectInside).toEqual({ ok: true, value: 40 })
    expect(allowed.evalIndirectInside).toEqual({ ok: true, value: 5 })
    expect(allowed.scriptNewSandbox).toEqual({ ok: true, value: 10 })
    expect(allowed.compileFunction).toEqual({ ok: true, value: 12 })
    if (allowed.dontContextify !== 'unsupported') {
      expect(allowed.dontContextify).toEqual({ ok: true, value: 15 })
      expect(allowed.dontContextifyScriptNew).toEqual({ ok: true, value: 18 })
    }
  })

  test('a context that runs ordinary code records nothing, and means what it means without the guard', () => {
    expect(r.cleanEvents).toEqual([])
    const clean = r.clean as Record<string, unknown>
    expect(clean.value).toEqual({ ok: true, value: 42 })
    expect(clean.sandboxKeys).toEqual(['x'])
    expect(clean.sandboxJson).toBe('{"x":20}')
    expect(clean.created).toEqual({ ok: true, value: ['a', 'b'] })
    expect(clean.thisIsGlobal).toEqual({ ok: true, value: 'function' })
    expect(clean.strictThis).toEqual({ ok: true, value: true })
    expect(clean.sloppyThis).toEqual({ ok: true, value: true })
    expect(clean.instanceOf).toEqual({ ok: true, value: true })
    expect(clean.functionName).toEqual({ ok: true, value: 'Function|1|function Function() { [native code] }' })
    expect(clean.ownSandbox).toEqual({ ok: true, value: 'mine' })
    expect(clean.reused).toEqual({ ok: true, value: [1, 2, 3] })
    expect(clean.typeofEval).toEqual({ ok: true, value: 'functionfunction' })
    if (clean.dont !== 'unsupported') expect(clean.dont).toEqual({ ok: true, value: 'function' })
  })

  test('uninstall untames the contexts it tamed', () => {
    expect(r.untamed).toBe('function')
  })
})

const SHADOW_PROBE = `
  const fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-shadow-'))
  const file = path.join(dir, 'value.mjs')
  fs.writeFileSync(file, 'export const answer = 42')
  core.install({})
  core.tameRealm(globalThis)
  const realm = new ShadowRealm()
  const t = async (fn) => { try { return { ok: true, value: await fn() } } catch (e) { return kit.describeError(e) } }
  const r = {}
  r.evaluate = await t(() => realm.evaluate('1 + 1'))
  r.evaluateThrowsSync = (() => { try { realm.evaluate('2'); return 'returned' } catch (e) { return e.code } })()
  r.dataImport = await t(() => realm.importValue('data:text/javascript,export const x = 1', 'x'))
  r.dataImportRejects = await (async () => { let p; try { p = realm.importValue('data:text/javascript,export const x = 1', 'x') } catch { return 'threw' } return p.then(() => 'resolved', (e) => 'rejected ' + e.code) })()
  r.fileImport = await t(() => realm.importValue(require('node:url').pathToFileURL(file).href, 'answer'))
  r.notString = await t(() => realm.evaluate(42))
  r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target)
  core.allowAudit({ eval: true })
  r.allowedEvaluate = await t(() => realm.evaluate('(() => 3)()'))
  r.allowedData = await t(() => realm.importValue('data:text/javascript,export const x = 4', 'x'))
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

describe.each(nodes)('ShadowRealm on $label', ({ bin }) => {
  test('evaluate and a data: importValue are code from strings; a real file is not', async () => {
    const { result: r } = await probe<Probed>(bin, SHADOW_PROBE, {
      args: ['--experimental-shadow-realm', '--no-warnings'],
    })
    expect(r.evaluate).toMatchObject(refused)
    expect(r.evaluateThrowsSync).toBe('LEAKGATE_EVAL_BLOCKED')
    expect(r.dataImport).toMatchObject(refused)
    expect(r.dataImportRejects).toBe('rejected LEAKGATE_EVAL_BLOCKED')
    expect(r.fileImport).toEqual({ ok: true, value: 42 })
    // What ShadowRealm itself refuses, it refuses as without the guard.
    expect(r.notString).toMatchObject({ ok: false, leakgate: false })
    expect(r.events).toEqual([
      'ShadowRealm.evaluate 1 + 1',
      'ShadowRealm.evaluate 2',
      'import(data:) export const x = 1',
      'import(data:) export const x = 1',
    ])
    expect(r.allowedEvaluate).toEqual({ ok: true, value: 3 })
    expect(r.allowedData).toEqual({ ok: true, value: 4 })
  })
})
