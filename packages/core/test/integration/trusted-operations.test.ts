import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Trust by operation, not by frame (issue 12.4). A fake framework in node_modules with the shapes
// of a real one: a module loader (vm.Script / vm.compileFunction / Module#_compile named after a
// file), a function that compiles code of its own, and the wrappers every framework has (a mock
// calling what it wraps, a spy looking `eval` up, a runner calling a callback with its
// arguments, a bound constructor). Only the operations are trusted; what a wrapper forwards is
// the test's, blamed on the test's line. Without the fix every call below ran, trusted as the
// framework's code generation.

const OPERATIONS_PROBE = `
  const vm = require('node:vm'), Module = require('node:module'), fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-trust-'))
  const dir = path.join(base, 'node_modules', 'fake-framework')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'index.js'), [
    'const vm = require("node:vm"), Module = require("node:module")',
    'exports.loadScript = function loadScript(code, filename) { return new vm.Script(code, { filename }).runInThisContext() }',
    'exports.loadFunction = function loadFunction(code, filename) { return vm.compileFunction(code, [], { filename })() }',
    'exports.loadModule = function loadModule(code, filename) { const m = new Module(filename); m.filename = filename; m._compile(code, filename); return m.exports }',
    'exports.setUp = function setUp(code = "this") { return vm.runInThisContext(code) }',
    'exports.ownCode = function writeOwn(name) { return new Function("return function " + name.replace(/\\\\W/g, "$") + "() {}")() }',
    // The wrappers: they run what the test hands them, with the test's arguments.
    'exports.fn = function fn(impl) { return function mock(...args) { return impl.apply(this, args) } }',
    'exports.spyOn = function spyOn(object, key) { const original = object[key]; object[key] = function spy(...args) { return original.apply(this, args) }; return () => { object[key] = original } }',
    'exports.each = function each(rows, test) { for (const row of rows) test(...row) }',
    'exports.construct = function construct(C, args) { return Reflect.construct(C, args) }',
    'exports.forwardLoad = function forward(load, ...args) { return load(...args) }',
  ].join(String.fromCharCode(10)))
  const framework = require(dir)
  const realFile = path.join(base, 'module.js')
  fs.writeFileSync(realFile, 'module.exports = 40 + 2')
  core.install({})
  core.tameRealm(globalThis)
  const filter = core.getEngine().filter
  filter.frameworkPaths.push('/node_modules/fake-framework/')
  filter.operations.push(
    { file: '/node_modules/fake-framework/', fn: ['loadScript', 'loadFunction', 'loadModule'], compiles: 'module' },
    { file: '/node_modules/fake-framework/', fn: ['setUp'], compiles: 'own', code: /^this$/ },
    { file: '/node_modules/fake-framework/', fn: ['writeOwn'], compiles: 'own' },
  )
  const r = {}
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return kit.describeError(e) } }
  const violations = () => core.getEngine().tracker.run.violations
  // Operations: a module from a real file, by path and by file: URL; code of its own.
  r.scriptOfFile = t(() => framework.loadScript('40 + 2', realFile))
  r.scriptOfFileUrl = t(() => framework.loadScript('40 + 2', 'file://' + realFile))
  r.functionOfFile = t(() => framework.loadFunction('return 42', realFile))
  r.moduleOfFile = t(() => framework.loadModule('module.exports = 42', realFile))
  r.ownFixed = t(() => typeof framework.setUp())
  r.ownCode = t(() => typeof framework.ownCode('mock name'))
  r.trustedEvents = violations().length
  // The same loader, named after no real file: code from a string.
  r.scriptOfNoFile = t(() => framework.loadScript('1 + 1', path.join(base, 'missing.js')))
  r.scriptOfData = t(() => framework.loadScript('1 + 1', 'data:text/javascript,1'))
  r.scriptOfDirectory = t(() => framework.loadScript('1 + 1', base))
  r.functionOfNothing = t(() => framework.loadFunction('return 1', undefined))
  r.moduleOfMadeUpId = t(() => framework.loadModule('module.exports = 1', 'virtual:made-up'))
  // The fixed-code operation with other code.
  r.ownFixedOtherCode = t(() => framework.setUp('1 + 1'))
  // Wrappers forwarding the test's code.
  r.mockOfFunction = t(() => framework.fn(Function)('return 1'))
  r.mockOfFunctionRecord = { line: violations().at(-1)?.callSite?.line, file: violations().at(-1)?.callSite?.file, package: violations().at(-1)?.package, via: violations().at(-1)?.via?.file }
  r.mockOfFunctionMessage = core.getEngine().errorFor(violations().at(-1)).message
  r.mockOfEval = t(() => framework.fn(eval)('1 + 1'))
  const restore = framework.spyOn(globalThis, 'eval')
  r.spyOnEval = t(() => eval('2 + 2'))
  restore()
  r.eachToFunction = t(() => framework.each([['return 3']], Function))
  r.constructFunction = t(() => framework.construct(Function, ['return 4']))
  r.boundFunction = t(() => framework.fn(Function.bind(null, 'a'))('return a'))
  r.mockOfVm = t(() => framework.fn(vm.runInThisContext)('5 + 5', { filename: realFile }))
  r.mockOfCompileFunction = t(() => framework.fn(vm.compileFunction)('return 6', [], { filename: realFile }))
  // The loader handed to another wrapper is still the loader: the operation's own frame decides.
  r.forwardedLoader = t(() => framework.forwardLoad(framework.loadScript, '7 * 6', realFile))
  r.events = violations().map((v) => v.event + ' ' + v.target)
  // allowAudit allows a wrapper's forward like any eval of the test.
  core.allowAudit({ eval: true })
  r.allowedMock = t(() => framework.fn(Function)('return 42')())
  core.uninstall()
  fs.rmSync(base, { recursive: true, force: true })
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED', leakgate: true }

describe.each(nodes)('trusted operations on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, OPERATIONS_PROBE)).result
  })

  test('a module loaded from a real file and code the framework writes itself are trusted, and not events', () => {
    expect(r.scriptOfFile).toEqual({ ok: true, value: 42 })
    expect(r.scriptOfFileUrl).toEqual({ ok: true, value: 42 })
    expect(r.functionOfFile).toEqual({ ok: true, value: 42 })
    expect(r.moduleOfFile).toEqual({ ok: true, value: 42 })
    expect(r.ownFixed).toEqual({ ok: true, value: 'object' })
    expect(r.ownCode).toEqual({ ok: true, value: 'function' })
    expect(r.forwardedLoader).toEqual({ ok: true, value: 42 })
    expect(r.trustedEvents).toBe(0)
  })

  test('the loader compiling code named after no real file is code from a string', () => {
    for (const key of [
      'scriptOfNoFile',
      'scriptOfData',
      'scriptOfDirectory',
      'functionOfNothing',
      'moduleOfMadeUpId',
    ]) {
      expect(r[key], key).toMatchObject(refused)
    }
  })

  test('a fixed-code operation trusts that code only', () => {
    expect(r.ownFixedOtherCode).toMatchObject(refused)
  })

  test("a framework wrapper forwarding the test's code is the test's eval, blamed on the test's line", () => {
    for (const key of [
      'mockOfFunction',
      'mockOfEval',
      'spyOnEval',
      'eachToFunction',
      'constructFunction',
      'boundFunction',
      'mockOfVm',
      'mockOfCompileFunction',
    ]) {
      expect(r[key], key).toMatchObject(refused)
    }
    // The wrapper that carried the code is named in `via`; the suggestion stays the test's own.
    expect(r.mockOfFunctionRecord).toEqual({
      line: expect.any(Number),
      file: expect.stringMatching(/probe\.cjs$/),
      package: 'fake-framework',
      via: expect.stringMatching(/node_modules\/fake-framework\/index\.js$/),
    })
    expect(r.mockOfFunctionMessage).toMatch(/via {8}fake-framework \(/)
    expect(r.mockOfFunctionMessage).toContain('eval: true')
    expect(r.mockOfFunctionMessage).not.toContain("from: 'fake-framework'")
    expect(r.events).toEqual(
      expect.arrayContaining([
        'Function return 1',
        'eval 1 + 1',
        'eval 2 + 2',
        'Function return 3',
        'Function return 4',
        'Function (a) => { return a }',
        'vm.runInThisContext 5 + 5',
        'vm.compileFunction return 6',
      ]),
    )
  })

  test('allowAudit({ eval: true }) allows what a wrapper forwards', () => {
    expect(r.allowedMock).toEqual({ ok: true, value: 42 })
  })
})
