import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// vm.compileFunction's options (issue 15: Jest compiles every module through it). The guard reads
// them once each, in Node's order, into the object Node is handed: a getter runs as often and in
// the order it would without leakgate, and the context that is tamed is the one that compiles,
// whatever a getter swaps meanwhile. A module loader's compile (a trusted operation, as
// jest-runtime's) records nothing; a compile from the probe's own code is refused, and allowed
// with eval: true.

const OPTIONS_PROBE = `
  const vm = require('node:vm'), fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-compile-options-'))
  fs.mkdirSync(path.join(base, 'node_modules', 'vm-loader'), { recursive: true })
  fs.writeFileSync(path.join(base, 'node_modules', 'vm-loader', 'index.js'),
    'exports.compile = (code, params, options) => require("node:vm").compileFunction(code, params, options)')
  const loader = require(path.join(base, 'node_modules/vm-loader'))
  const file = path.join(base, 'module.js')
  fs.writeFileSync(file, 'module.exports = 1')
  // Contexts made before install: only the compile that uses one can tame it.
  const early = Array.from({ length: 6 }, () => vm.createContext({}))
  const t = (fn) => { try { const value = fn(); return { ok: true, value } } catch (e) { return kit.describeError(e) } }
  // Every read of the options, by whoever makes it (a Proxy sees each [[Get]] and [[Has]]).
  const traced = (target) => {
    const log = []
    const options = new Proxy(target, {
      get: (o, key, receiver) => (log.push(String(key)), Reflect.get(o, key, receiver)),
      has: (o, key) => (log.push('has ' + String(key)), Reflect.has(o, key)),
      getOwnPropertyDescriptor: (o, key) => (log.push('own ' + String(key)), Reflect.getOwnPropertyDescriptor(o, key)),
    })
    return { log, options }
  }
  const reads = (context) => {
    const { log, options } = traced({ filename: file, parsingContext: context, lineOffset: 2, importModuleDynamically: undefined })
    const fn = loader.compile('return [new Error("here").stack.split("\\\\n")[1].trim(), typeof Function]', ['a', 'b'], options)
    return { log, result: fn() }
  }
  const invalid = () => ({
    params: t(() => loader.compile('return 1', [1], { get filename() { throw new Error('read') } })),
    options: t(() => loader.compile('return 1', [], [])),
    code: t(() => loader.compile(1, [], {})),
  })
  const r = {}
  r.unguarded = { plain: reads(early[0]), noContext: reads(undefined), invalid: invalid() }
  core.install({})
  core.getEngine().filter.frameworkPaths.push('/node_modules/vm-loader/')
  core.getEngine().filter.operations.push({ file: '/node_modules/vm-loader/', fn: '*', compiles: 'module' })
  r.guarded = { plain: reads(early[1]), noContext: reads(undefined), invalid: invalid() }
  r.loaderEvents = core.getEngine().tracker.run.violations.length
  // A getter Node runs before it reads parsingContext swaps in a context nobody tamed.
  const swapped = { filename: file, parsingContext: early[2] }
  Object.defineProperty(swapped, 'lineOffset', { enumerable: true, get() { swapped.parsingContext = early[3]; return 0 } })
  r.swap = t(() => loader.compile('return Function', [], swapped)()('return 1')())
  // A parsingContext getter that answers differently each time it is read.
  let calls = 0
  const fickle = { filename: file, get parsingContext() { calls++; return calls === 1 ? early[4] : early[5] } }
  r.fickle = { run: t(() => loader.compile('return Function', [], fickle)()('return 2')()) }
  r.fickle.calls = calls
  // Not a loader: the probe's own compile is code from a string.
  r.refused = t(() => vm.compileFunction('return 3', [], { filename: file })())
  core.allowAudit({ eval: true })
  r.allowed = t(() => vm.compileFunction('return 4', [], { filename: file, parsingContext: vm.createContext({}) })())
  core.uninstall()
  fs.rmSync(base, { recursive: true, force: true })
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EVAL_BLOCKED', leakgate: true }

describe.each(nodes)('vm.compileFunction options, on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, OPTIONS_PROBE)).result
  }, 60_000)

  test("each option is read once, in Node's order, as without leakgate", () => {
    type Reads = { log: string[]; result: unknown }
    const unguarded = r.unguarded as { plain: Reads; noContext: Reads }
    const guarded = r.guarded as { plain: Reads; noContext: Reads }
    expect(unguarded.plain.log).toEqual([
      'filename',
      'columnOffset',
      'lineOffset',
      'cachedData',
      'produceCachedData',
      'parsingContext',
      'contextExtensions',
      'importModuleDynamically',
    ])
    expect(guarded.plain.log).toEqual(unguarded.plain.log)
    expect(guarded.noContext.log).toEqual(unguarded.noContext.log)
    // The options still apply: the filename and line offset in the stack, the context's realm.
    expect(guarded.plain.result).toEqual(unguarded.plain.result)
    expect(guarded.noContext.result).toEqual(unguarded.noContext.result)
  })

  test('a call Node refuses fails as without leakgate, before any option is read', () => {
    expect(r.guarded.invalid).toEqual(r.unguarded.invalid)
    expect(r.guarded.invalid.params).toMatchObject({ ok: false, code: 'ERR_INVALID_ARG_TYPE' })
  })

  test('the context that compiles is the one tamed, whatever a getter swaps', () => {
    expect(r.swap).toMatchObject(refused)
    expect(r.fickle.run).toMatchObject(refused)
    expect(r.fickle.calls).toBe(1)
  })

  test("a loader's compile records nothing; the probe's own is refused, and allowed with eval: true", () => {
    expect(r.loaderEvents).toBe(0)
    expect(r.refused).toMatchObject(refused)
    expect(r.allowed).toEqual({ ok: true, value: 4 })
  })
})
