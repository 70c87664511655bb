import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// A framework compiles the same module again for every test file (Jest: a registry and a vm
// context per file; Vitest's vm pools: a context per file). The text a trusted operation
// compiled under a name is trusted again under that name without a stack (issue 15), through
// the same API with the same parameter names, whoever compiles it: it is a module the framework
// loads anyway. Anything else under that name (other code, the text with code appended, other
// parameter names, another API, another file's name) is decided on the stack as before: the
// test's eval. Before the change the test's own compile of the loaded text was refused too
// (`testRecompiles*`); every other call below was decided the same way.

const TEXTS_PROBE = `
  const vm = require('node:vm'), fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-texts-'))
  const dir = path.join(base, 'node_modules', 'fake-framework')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'index.js'), [
    'const vm = require("node:vm")',
    'exports.loadScript = function loadScript(code, filename) { return new vm.Script(code, { filename }).runInThisContext() }',
    'exports.loadFunction = function loadFunction(code, filename, params = ["module", "exports"]) { return vm.compileFunction(code, params, { filename }) }',
  ].join(String.fromCharCode(10)))
  const framework = require(dir)
  const realFile = path.join(base, 'module.js')
  const otherFile = path.join(base, 'other.js')
  fs.writeFileSync(realFile, 'module.exports = 42')
  fs.writeFileSync(otherFile, 'module.exports = 7')
  // What a framework compiles is not the file's text (Jest and Vitest transform and wrap it).
  const scriptText = '(function () { return 40 + 2 })()'
  const functionText = 'module.exports = 40 + 2'
  const setUp = () => {
    core.install({})
    core.tameRealm(globalThis)
    const filter = core.getEngine().filter
    filter.frameworkPaths.push('/node_modules/fake-framework/')
    filter.operations.push({ file: '/node_modules/fake-framework/', fn: ['loadScript', 'loadFunction'], compiles: 'module' })
  }
  setUp()
  const r = {}
  const t = (fn) => { try { return { ok: true, value: fn() } } catch (e) { return kit.describeError(e) } }
  const violations = () => core.getEngine().tracker.run.violations
  const run = (fn) => { const m = { exports: {} }; fn(m, m.exports); return m.exports }
  // The loader, twice (the second time from the table of trusted texts), under both APIs.
  r.loaderScript = [t(() => framework.loadScript(scriptText, realFile)), t(() => framework.loadScript(scriptText, realFile))]
  r.loaderFunction = [t(() => run(framework.loadFunction(functionText, realFile))), t(() => run(framework.loadFunction(functionText, realFile)))]
  r.trustedEvents = violations().length
  // The test, under the loaded module's name: other code, the text with code appended, other
  // parameter names, the other API, and the text under another real file's name.
  r.forgedFunction = t(() => vm.compileFunction('globalThis.forged = 1', ['module', 'exports'], { filename: realFile }))
  r.forgedScript = t(() => vm.runInThisContext('globalThis.forged = 2', { filename: realFile }))
  r.forgedNewScript = t(() => new vm.Script('globalThis.forged = 3', { filename: realFile }))
  r.appendedFunction = t(() => vm.compileFunction(functionText + '; globalThis.forged = 4', ['module', 'exports'], { filename: realFile }))
  r.appendedScript = t(() => vm.runInThisContext(scriptText + '; globalThis.forged = 5', { filename: realFile }))
  r.otherParams = t(() => vm.compileFunction(functionText, ['module', 'exports', 'extra'], { filename: realFile }))
  r.noParams = t(() => vm.compileFunction(functionText, undefined, { filename: realFile }))
  r.otherApi = t(() => vm.runInThisContext(functionText, { filename: realFile }))
  r.otherFile = t(() => vm.compileFunction(functionText, ['module', 'exports'], { filename: otherFile }))
  r.unnamed = t(() => vm.compileFunction(functionText, ['module', 'exports']))
  // The loader's own text, under its name, through its API: the module the framework loads.
  r.testRecompilesFunction = t(() => run(vm.compileFunction(functionText, ['module', 'exports'], { filename: realFile })))
  r.testRecompilesScript = t(() => vm.runInThisContext(scriptText, { filename: realFile }))
  r.events = violations().map((v) => v.event + ' ' + v.target)
  r.forged = globalThis.forged
  // allowAudit({ eval: true }) allows a test's compile under a loaded module's name.
  core.allowAudit({ eval: true })
  r.allowed = t(() => vm.runInThisContext('40 + 2', { filename: realFile }))
  // A new install starts with no trusted texts: the test's compile of the text is decided again.
  core.uninstall()
  setUp()
  r.afterReinstall = t(() => vm.compileFunction(functionText, ['module', 'exports'], { filename: realFile }))
  core.uninstall()
  fs.rmSync(base, { recursive: true, force: true })
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED', leakgate: true }

describe.each(nodes)('trusted module texts on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, TEXTS_PROBE)).result
  })

  test('the loader compiling a module again is trusted, and no event', () => {
    expect(r.loaderScript).toEqual([
      { ok: true, value: 42 },
      { ok: true, value: 42 },
    ])
    expect(r.loaderFunction).toEqual([
      { ok: true, value: 42 },
      { ok: true, value: 42 },
    ])
    expect(r.trustedEvents).toBe(0)
  })

  test("anything but the loaded text, under the loaded module's name, is the test's eval", () => {
    for (const key of [
      'forgedFunction',
      'forgedScript',
      'forgedNewScript',
      'appendedFunction',
      'appendedScript',
      'otherParams',
      'noParams',
      'otherApi',
      'otherFile',
      'unnamed',
    ]) {
      expect(r[key], key).toMatchObject(refused)
    }
    expect(r.forged).toBeUndefined()
    expect(r.events).toEqual([
      'vm.compileFunction (module, exports) => { globalThis.forged = 1 }',
      'vm.runInThisContext globalThis.forged = 2',
      'vm.Script globalThis.forged = 3',
      'vm.compileFunction (module, exports) => { module.exports = 40 + 2; globalThis.forged = 4 }',
      'vm.runInThisContext (function () { return 40 + 2 })(); globalThis.forged = 5',
      'vm.compileFunction (module, exports, extra) => { module.exports = 40 + 2 }',
      'vm.compileFunction module.exports = 40 + 2',
      'vm.runInThisContext module.exports = 40 + 2',
      'vm.compileFunction (module, exports) => { module.exports = 40 + 2 }',
      'vm.compileFunction (module, exports) => { module.exports = 40 + 2 }',
    ])
  })

  test("the loader's own text under its name is that module, whoever compiles it", () => {
    expect(r.testRecompilesFunction).toEqual({ ok: true, value: 42 })
    expect(r.testRecompilesScript).toEqual({ ok: true, value: 42 })
  })

  test('allowAudit({ eval: true }) allows a compile under a loaded module name', () => {
    expect(r.allowed).toEqual({ ok: true, value: 42 })
  })

  test('a new install trusts no text it has not seen a trusted operation compile', () => {
    expect(r.afterReinstall).toMatchObject(refused)
  })
})
