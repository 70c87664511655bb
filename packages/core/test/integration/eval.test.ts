import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Code from strings: the Function family reached by name and by syntax, direct and indirect
// eval (a direct eval keeps its scope when allowed), every vm entry point, Module#_compile,
// data: imports, Worker eval, the inspector; trust by operation and `{ from }` rules.

const EVAL_PROBE = `
  const vm = require('node:vm'), Module = require('node:module'), fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const { Worker } = require('node:worker_threads')
  // A fake npm package that generates code, and a fake "framework" that does too.
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-eval-'))
  fs.mkdirSync(path.join(base, 'node_modules', 'runner-like'), { recursive: true })
  fs.writeFileSync(path.join(base, 'node_modules', 'runner-like', 'index.js'), 'exports.call = (fn) => fn()')
  const runnerLike = require(path.join(base, 'node_modules/runner-like'))
  for (const name of ['codegen-lib', 'my-framework']) {
    fs.mkdirSync(path.join(base, 'node_modules', name), { recursive: true })
    fs.writeFileSync(path.join(base, 'node_modules', name, 'index.js'), 'exports.make = (src) => new Function(src); exports.run = (src) => require("vm").runInThisContext(src)')
  }
  const lib = require(path.join(base, 'node_modules/codegen-lib'))
  const framework = require(path.join(base, 'node_modules/my-framework'))
  const capturedVmRun = vm.runInThisContext
  core.install({})
  core.tameRealm(globalThis)
  core.getEngine().filter.frameworkPaths.push('/node_modules/my-framework/')
  core.getEngine().filter.operations.push({ file: '/node_modules/my-framework/', fn: ['exports.make', 'exports.run'], compiles: 'own' })
  const r = {}
  const t = (fn) => { try { const value = fn(); return { ok: true, value } } catch (e) { return kit.describeError(e) } }
  r.newFunction = t(() => new Function('a', 'b', 'return a + b'))
  r.callFunction = t(() => Function('return 1'))
  r.viaConstructor = t(() => (function () {}).constructor('return 1'))
  r.asyncFunction = t(() => (async () => {}).constructor('return 1'))
  r.generatorFunction = t(() => (function* () {}).constructor('yield 1'))
  r.asyncGeneratorFunction = t(() => (async function* () {}).constructor('yield 1'))
  r.reflectConstruct = t(() => Reflect.construct(Function, ['return 1']))
  r.instanceofStillWorks = (() => {}) instanceof Function && Function.prototype.constructor === Function
  r.subclass = t(() => { class Callable extends Function {} return typeof new Callable('return 1') })
  r.returnThis = t(() => typeof Function('return this')())
  r.directEval = t(() => { const secret = 1; return eval('secret + 1') })
  r.indirectEval = t(() => (0, eval)('1 + 1'))
  r.globalEval = t(() => globalThis.eval('1 + 1'))
  r.typeofEval = typeof eval
  r.vmRunInThisContext = t(() => vm.runInThisContext('1 + 1'))
  r.vmRunInNewContext = t(() => vm.runInNewContext('1 + 1'))
  r.vmRunInContext = t(() => vm.runInContext('1 + 1', vm.createContext({})))
  r.vmScript = t(() => new vm.Script('1 + 1').runInThisContext())
  r.capturedVm = t(() => capturedVmRun('1 + 1'))
  r.compileFunction = t(() => vm.compileFunction('return 1'))
  r.moduleCompile = t(() => { const m = new Module('/virtual/x.js'); m._compile('module.exports = 1', '/virtual/x.js'); return m.exports })
  r.requireStillWorks = t(() => require(path.join(base, 'node_modules/codegen-lib')).make !== undefined)
  r.workerEval = t(() => new Worker('1 + 1', { eval: true }))
  r.inspector = t(() => { const { Session } = require('node:inspector'); const s = new Session(); s.connect(); try { s.post('Runtime.evaluate', { expression: '1 + 1' }) } finally { s.disconnect() } })
  r.dataImport = Module.registerHooks ? await kit.attempt(() => import('data:text/javascript,export default 1')) : 'unsupported'
  r.fromPackage = t(() => lib.make('return 1'))
  r.calledByRunner = t(() => runnerLike.call(() => new Function('return 9')))
  const byRunner = core.getEngine().tracker.run.violations.at(-1)
  r.calledByRunnerRecord = { package: byRunner.package ?? null, suggestion: byRunner.suggestion }
  r.trustedFramework = t(() => framework.make('return 1')())
  r.trustedFrameworkVm = t(() => framework.run('2 + 2'))
  r.events = core.getEngine().tracker.run.violations.map((v) => v.event + ' ' + v.target + (v.package ? ' via ' + v.package : ''))
  r.fromMessage = core.getEngine().errorFor(core.getEngine().tracker.run.violations.find((v) => v.package === 'codegen-lib')).message
  core.allowAudit({ eval: [{ from: 'codegen-lib' }] })
  r.allowedFrom = t(() => lib.make('return 7')())
  r.stillBlocked = t(() => new Function('return 8'))
  core.allowAudit({ eval: true })
  r.allowedDirectEval = t(() => { const local = 41; return eval('local + 1') })
  r.allowedRequireInEval = t(() => typeof eval('require'))
  r.allowedVm = t(() => vm.runInNewContext('x * 2', { x: 21 }))
  core.uninstall()
  r.restored = Function.prototype.constructor === Function && typeof Object.getOwnPropertyDescriptor(globalThis, 'eval').value === 'function' && vm.runInThisContext === capturedVmRun
  fs.rmSync(base, { recursive: true, force: true })
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED', leakgate: true }

describe.each(nodes)('eval on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, EVAL_PROBE, { args: ['--experimental-vm-modules', '--no-warnings'] })).result
  })

  test('the Function family, by name, by syntax, by Reflect; instanceof and subclassing still work', () => {
    for (const key of [
      'newFunction',
      'callFunction',
      'viaConstructor',
      'asyncFunction',
      'generatorFunction',
      'asyncGeneratorFunction',
      'reflectConstruct',
      'subclass',
    ]) {
      expect(r[key], key).toMatchObject(refused)
    }
    expect(r.instanceofStillWorks).toBe(true)
  })

  test("Function('return this') is allowed by default", () => {
    expect(r.returnThis).toEqual({ ok: true, value: 'object' })
  })

  test('eval: direct, indirect and through globalThis are refused; typeof is not an event', () => {
    expect(r.directEval).toMatchObject(refused)
    expect(r.indirectEval).toMatchObject(refused)
    expect(r.globalEval).toMatchObject(refused)
    expect(r.typeofEval).toBe('function')
  })

  test('every vm entry point, a captured one too', () => {
    for (const key of [
      'vmRunInThisContext',
      'vmRunInNewContext',
      'vmRunInContext',
      'vmScript',
      'capturedVm',
      'compileFunction',
    ]) {
      expect(r[key], key).toMatchObject(refused)
    }
  })

  test('Module#_compile by hand is refused; ordinary require is not', () => {
    expect(r.moduleCompile).toMatchObject(refused)
    expect(r.requireStillWorks).toEqual({ ok: true, value: true })
  })

  test('Worker eval, the inspector, and data: imports (Node 22+)', () => {
    expect(r.workerEval).toMatchObject(refused)
    expect(r.inspector).toMatchObject(refused)
    if (r.dataImport !== 'unsupported') expect(r.dataImport).toMatchObject(refused)
  })

  test('events are named as users know them, with a code preview and the package', () => {
    expect(r.events).toEqual(
      expect.arrayContaining([
        'Function (a, b) => { return a + b }',
        'AsyncFunction return 1',
        'GeneratorFunction yield 1',
        'AsyncGeneratorFunction yield 1',
        'eval secret + 1',
        'vm.runInThisContext 1 + 1',
        'vm.runInNewContext 1 + 1',
        'vm.runInContext 1 + 1',
        'vm.Script 1 + 1',
        'vm.compileFunction return 1',
        'Module._compile module.exports = 1',
        'new Worker(eval) 1 + 1',
        'inspector.Runtime.evaluate 1 + 1',
        'Function return 1 via codegen-lib',
      ]),
    )
    expect(r.fromMessage).toContain("To allow it in the config:  allow: { eval: [{ from: 'codegen-lib' }] }")
    expect(r.fromMessage).toMatch(/via {8}codegen-lib \(.*node_modules\/codegen-lib\/index\.js:1:\d+\)/)
  })

  test('packages that called the project code (a runner) are not blamed and cannot allow it', () => {
    expect(r.calledByRunner).toMatchObject(refused)
    expect(r.calledByRunnerRecord).toEqual({ package: null, suggestion: 'true' })
  })

  test("the framework's own code generation is trusted by operation", () => {
    expect(r.trustedFramework).toEqual({ ok: true, value: 1 })
    expect(r.trustedFrameworkVm).toEqual({ ok: true, value: 4 })
    expect(r.events.some((event: string) => event.includes('my-framework'))).toBe(false)
  })

  test('{ from } allows that package only; eval: true keeps direct-eval semantics', () => {
    expect(r.allowedFrom).toEqual({ ok: true, value: 7 })
    expect(r.stillBlocked).toMatchObject(refused)
    expect(r.allowedDirectEval).toEqual({ ok: true, value: 42 })
    expect(r.allowedRequireInEval).toEqual({ ok: true, value: 'function' })
    expect(r.allowedVm).toEqual({ ok: true, value: 42 })
  })

  test('uninstall restores everything', () => {
    expect(r.restored).toBe(true)
  })
})

describe.each(nodes)('strict mode and report mode on $label', ({ bin }) => {
  test("strict audits Function('return this'); report mode records and lets everything run", async () => {
    const { result } = await probe<Probed>(
      bin,
      `core.install({ strict: true }); core.tameRealm(globalThis)
       const strict = (() => { try { Function('return this'); return 'ran' } catch (e) { return e.code } })()
       core.install({ mode: 'report' })
       const reported = [new Function('return 5')(), (() => { const s = 2; return eval('s * 3') })(), require('node:vm').runInNewContext('7')]
       const records = core.getEngine().tracker.run.violations.map((v) => [v.event, v.blocked, v.mode])
       return { strict, reported, records }`,
    )
    expect(result.strict).toBe('LEAKGATE_EVAL_BLOCKED')
    expect(result.reported).toEqual([5, 6, 7])
    expect(result.records).toEqual([
      ['Function', true, 'enforce'],
      ['Function', false, 'report'],
      ['eval', false, 'report'],
      ['vm.runInNewContext', false, 'report'],
    ])
  })
})
