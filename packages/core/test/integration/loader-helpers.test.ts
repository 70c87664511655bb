import { beforeAll, describe, expect, test } from 'vitest'
import { evalProbes, nodes, type Probed } from '../helpers/probe.js'
import { scopedProbe } from '../helpers/scoped-probe.js'

// A compile cache a TypeScript loader runs while it loads: ts-node 10.9.2 requires `typescript`
// through v8-compile-cache-lib 3.0.1 (`attemptRequireWithV8CompileCache`). That library asks V8
// whether it makes code caches by compiling `""` (`supportsCachedData`), then replaces
// `Module.prototype._compile` with its own, which compiles each module as
// `new vm.Script(Module.wrap(content), { filename, cachedData, produceCachedData })`, with the
// shebang line cut. Refusing the probe left a violation in a swallowed try (the test failed
// though ts-node then loaded fine); trusting the probe alone made every module compile a
// violation. The fixture below is that code path, minimal, at the path the package has.
//
// What stays code from a string: `""` compiled by anyone else, and any vm compile named after a
// real file that is not that file's own module loading now, with that file's text.

const CACHE = `
const Module = require('module'), vm = require('vm'), path = require('path')
function supportsCachedData() {
  const script = new vm.Script('""', { produceCachedData: true })
  return script.cachedDataProduced === true
}
function _moduleCompile(filename, content) {
  if (content.charCodeAt(0) === 35 && content.charCodeAt(1) === 33) {
    let i = 2
    for (; i < content.length; ++i) { const c = content.charCodeAt(i); if (c === 10 || c === 13) break }
    content = i === content.length ? '' : content.slice(i)
  }
  const script = new vm.Script(Module.wrap(content), {
    filename, lineOffset: 0, displayErrors: true, cachedData: undefined, produceCachedData: true,
  })
  globalThis.cacheCompiled.push(path.basename(filename))
  return script.runInThisContext({ displayErrors: true })
}
exports.install = function install() {
  if (!supportsCachedData()) return undefined
  const previous = Module.prototype._compile
  Module.prototype._compile = function _ownModuleCompile(content, filename) {
    const mod = this
    const require = (id) => mod.require(id)
    const compiledWrapper = _moduleCompile(filename, content)
    return compiledWrapper.apply(mod.exports, [mod.exports, require, mod, filename, path.dirname(filename), process, global, Buffer])
  }
  return { uninstall() { Module.prototype._compile = previous } }
}
`

const probeBody = (allow: string) => `${scopedProbe('leakgate-loader-helpers-', allow)}
  const vm = require('node:vm')
  core.tameRealm(globalThis)
  globalThis.cacheCompiled = []
  fs.mkdirSync(path.join(dir, 'node_modules', 'v8-compile-cache-lib'), { recursive: true })
  write('node_modules/v8-compile-cache-lib/package.json', JSON.stringify({ name: 'v8-compile-cache-lib', version: '3.0.1', main: 'v8-compile-cache.js' }))
  const cache = require(write('node_modules/v8-compile-cache-lib/v8-compile-cache.js', ${JSON.stringify(CACHE)}))
  // ts-node 10.9.2's attemptRequireWithV8CompileCache (dist/util.js).
  const attempt = (specifier) => {
    try {
      const v8CC = cache.install()
      try { return require(specifier) } finally { v8CC && v8CC.uninstall() }
    } catch (e) { return require(specifier) }
  }
  const withCache = (fn) => { const v8CC = cache.install(); try { return fn() } finally { v8CC && v8CC.uninstall() } }
  const payload = write('payload.js', ran('another file'))

  // Legitimate: modules loaded through the cache, as ts-node loads typescript.
  await inTest('modules through the cache', () => [
    attempt(write('lib.js', 'module.exports = 42')),
    attempt(write('bin.js', '#!/usr/bin/env node\\nmodule.exports = require("./lib.js") + 1')),
    attempt(write('bom.js', '\\ufeffmodule.exports = 44')),
    globalThis.cacheCompiled.slice(),
  ])
  // A module loaded through the cache that evals as it loads: caught, blamed on its line.
  // The refusal names the call site: the line of the module.
  await inTest('eval in a module loaded through the cache', () => {
    try {
      return withCache(() => require(write('evals.js', 'const x = 1\\nmodule.exports = eval("x + 1")\\n')))
    } catch (e) {
      r.site = (String(e && e.message).match(/evals\\.js:\\d+/) || [])[0]
      throw e
    }
  })

  // Code from strings named after real files.
  await inTest('"" compiled by a test', () => { new vm.Script('""', { produceCachedData: true }); return 'loaded' })
  await inTest('vm.Script named after a real file, no load', () => {
    new vm.Script(ran('no load'), { filename: payload }).runInThisContext()
    return 'loaded'
  })
  await inTest('_compile by hand while the cache is installed', () => withCache(() => {
    const m = new Module(payload)
    m._compile(ran('by hand'), payload)
    return 'loaded'
  }))
  // Inside the load of a real file: compiles of anything but that file's own text, as that file.
  const during = (name, compile) => inTest(name, () => {
    const ext = '.lg' + name.replace(/\\W+/g, '').slice(0, 8).toLowerCase()
    Module._extensions[ext] = (m, f) => compile(m, f)
    try { require(write('target' + ext, 'module.exports = "own"')) } finally { delete Module._extensions[ext] }
    return 'loaded'
  })
  const run = (m, f, script) => script.runInThisContext().call(m.exports, m.exports, require, m, f, dir)
  await during('other code as the loading file', (m, f) => run(m, f, new vm.Script(Module.wrap(ran('other code')), { filename: f })))
  await during('another file as the loading file', (m, f) => run(m, f, new vm.Script(Module.wrap(fs.readFileSync(payload, 'utf8')), { filename: f })))
  await during('own text and more', (m, f) => run(m, f, new vm.Script(Module.wrap(fs.readFileSync(f, 'utf8') + ';' + ran('appended')), { filename: f })))
  await during('a file just written, as the loading file', (m, f) => {
    fs.writeFileSync(payload + '.own', ran('renamed'))
    run(m, f, new vm.Script(Module.wrap(fs.readFileSync(payload + '.own', 'utf8')), { filename: f }))
  })
  await during('compileFunction of other code', (m, f) =>
    vm.compileFunction(ran('compileFunction'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: f })(m.exports, require, m, f, dir))
  // ...while that file's own text, compiled as that file inside its load, is the load.
  await during('compileFunction of its own text', (m, f) =>
    vm.compileFunction(fs.readFileSync(f, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: f })(m.exports, require, m, f, dir))
  await during('vm.Script of its own text', (m, f) => run(m, f, new vm.Script(Module.wrap(fs.readFileSync(f, 'utf8')), { filename: f })))

  // es-module-lexer 1.x's decode (minified in its dist and in tsx's bundle): a specifier's literal.
  fs.mkdirSync(path.join(dir, 'node_modules', 'es-module-lexer', 'dist'), { recursive: true })
  const lexer = require(write('node_modules/es-module-lexer/dist/lexer.cjs', 'exports.decode = function N(C) { try { return (0, eval)(C) } catch {} }'))
  await inTest('a specifier literal through es-module-lexer', () => [lexer.decode("'node:test'"), lexer.decode('"./a\\u0062.ts"')])
  await inTest('other code through es-module-lexer', () => lexer.decode("'x' + (" + ran('lexer') + ", '')"))
  await inTest('a string literal evaluated by a test', () => (0, eval)("'x'"))

  // esbuild-register 3.6.0's jsoncParse (dist/node.js), called by its config loader with a file's text.
  fs.mkdirSync(path.join(dir, 'node_modules', 'esbuild-register', 'dist'), { recursive: true })
  const register = require(write('node_modules/esbuild-register/dist/node.js', [
    'function jsoncParse(data) { try { return new Function("return " + data.trim())() } catch (_) { return {} } }',
    'function other(code) { return new Function(code)() }',
    'module.exports = { jsoncParse, other }',
  ].join('\\n')))
  await inTest("esbuild-register reading a tsconfig", () => register.jsoncParse('{ "compilerOptions": { "jsx": "react" } }\\n'))
  await inTest('esbuild-register compiling other code', () => register.other(ran('register other') + '; return "loaded"'))
  await inTest('a test compiling a config the same way', () => new Function('return { "a": 1 }')())

  r.ran = globalThis.ran
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

/** Vectors of code from a string, with the event each is and the tag its code pushes when it runs. */
const CAUGHT: Record<string, [string, string | undefined]> = {
  '"" compiled by a test': ['vm.Script', undefined],
  'vm.Script named after a real file, no load': ['vm.Script', 'no load'],
  '_compile by hand while the cache is installed': ['vm.Script', 'by hand'],
  'other code as the loading file': ['vm.Script', 'other code'],
  'another file as the loading file': ['vm.Script', 'another file'],
  'own text and more': ['vm.Script', 'appended'],
  'a file just written, as the loading file': ['vm.Script', 'renamed'],
  'compileFunction of other code': ['vm.compileFunction', 'compileFunction'],
}

describe.each(nodes)('loader helpers (v8-compile-cache-lib under ts-node) on $label', ({ bin }) => {
  let refused: Probed
  let allowed: Probed
  beforeAll(async () => {
    ;({ refused, allowed } = await evalProbes(bin, probeBody))
  }, 120_000)

  test('modules load through the cache (its probe and its compiles) and nothing is recorded', () => {
    const expected = { value: [42, 43, 44, ['lib.js', 'bin.js', 'bom.js']], events: [] }
    expect(refused['modules through the cache']).toEqual(expected)
    expect(allowed['modules through the cache']).toEqual(expected)
  })

  test("a module's own text compiled as that module inside its load records nothing", () => {
    expect(refused['compileFunction of its own text']).toEqual({ value: 'loaded', events: [] })
    expect(refused['vm.Script of its own text']).toEqual({ value: 'loaded', events: [] })
  })

  test('an eval in a module loaded through the cache is caught and blamed on its line', () => {
    expect(refused['eval in a module loaded through the cache']).toEqual({
      value: 'LEAKGATE_EVAL_BLOCKED',
      events: ['eval'],
    })
    expect(refused.site).toBe('evals.js:2')
    expect(allowed['eval in a module loaded through the cache']).toEqual({ value: 2, events: [] })
  })

  test("es-module-lexer's string literals record nothing; other code through it, or a test's literal, is caught", () => {
    const literal = { value: ['node:test', './ab.ts'], events: [] }
    expect(refused['a specifier literal through es-module-lexer']).toEqual(literal)
    expect(allowed['a specifier literal through es-module-lexer']).toEqual(literal)
    // decode swallows the refusal (its try), the violation stays.
    expect(refused['other code through es-module-lexer']).toEqual({ events: ['eval'] })
    expect(refused.ran).not.toContain('lexer')
    expect(allowed['other code through es-module-lexer']).toEqual({ value: 'x', events: [] })
    expect(allowed.ran).toContain('lexer')
    expect(refused['a string literal evaluated by a test']).toEqual({
      value: 'LEAKGATE_EVAL_BLOCKED',
      events: ['eval'],
    })
    expect(allowed['a string literal evaluated by a test']).toEqual({ value: 'x', events: [] })
  })

  test("esbuild-register reading a config records nothing; its other compiles and a test's are caught", () => {
    const config = { value: { compilerOptions: { jsx: 'react' } }, events: [] }
    expect(refused['esbuild-register reading a tsconfig']).toEqual(config)
    expect(allowed['esbuild-register reading a tsconfig']).toEqual(config)
    expect(refused['esbuild-register compiling other code']).toEqual({
      value: 'LEAKGATE_EVAL_BLOCKED',
      events: ['Function'],
    })
    expect(refused.ran).not.toContain('register other')
    expect(allowed['esbuild-register compiling other code']).toEqual({ value: 'loaded', events: [] })
    expect(refused['a test compiling a config the same way']).toEqual({
      value: 'LEAKGATE_EVAL_BLOCKED',
      events: ['Function'],
    })
    expect(allowed['a test compiling a config the same way']).toEqual({ value: { a: 1 }, events: [] })
  })

  test.each(Object.keys(CAUGHT))('%s: refused, and it did not run', (name) => {
    const [event, tag] = CAUGHT[name] as [string, string | undefined]
    expect(refused[name]).toEqual({ value: 'LEAKGATE_EVAL_BLOCKED', events: [event] })
    if (tag) expect(refused.ran).not.toContain(tag)
  })

  test.each(Object.keys(CAUGHT))('%s: allowed with allowAudit({ eval: true }), it runs', (name) => {
    const [, tag] = CAUGHT[name] as [string, string | undefined]
    expect(allowed[name]).toEqual({ value: 'loaded', events: [] })
    if (tag) expect(allowed.ran).toContain(tag)
  })
})
