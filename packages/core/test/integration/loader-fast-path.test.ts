import { beforeAll, describe, expect, test } from 'vitest'
import { evalProbes, nodes, type Probed } from '../helpers/probe.js'
import { scopedProbe } from '../helpers/scoped-probe.js'

// The require() fast path (issue 12, the cost of a require): `Module.prototype._compile` handed,
// while its module loads, the very text Node's loader read for that file (the real
// `fs.readFileSync(file, 'utf8')`, or on Node 26 the default `load` step) is trusted with no stack
// capture. Test code can run inside a load (a replaced `Module._nodeModulePaths` or `path.dirname`,
// accessors on `Module._extensions` or `fs.readFileSync`, `Object.prototype` accessors the loader
// reads, a replaced or spying `fs.readFileSync`) and call `_compile` there with other code, after
// planting the text the fast path looks for (reading the file itself) or with another real file's
// content. Each such call is code from a string: refused and not run, allowed with
// `allowAudit({ eval: true })`, and the plain requires next to it record nothing.

const probeBody = (allow: string) => `${scopedProbe('leakgate-fast-path-', allow)}
  globalThis.reached = []
  const payload = write('payload.txt', ran('another file'))

  // Runs inside the load of a fresh module: compiles other code as that module, once. A failure
  // of that compile is the vector's result (thrown out of the require).
  const during = (name, install, compile) => inTest(name, () => {
    const target = write(name.replace(/\\W+/g, '-') + '.js', 'module.exports = "own"')
    let done = false
    const evil = () => {
      if (done || !Module._cache[target] || Module._cache[target].loaded) return
      done = true
      globalThis.reached.push(name)
      compile(Module._cache[target], target)
    }
    const undo = install(evil)
    try { require(target) } finally { undo() }
    return globalThis.reached.includes(name) ? 'loaded' : 'not reached'
  })
  const plain = (m, f) => m._compile(ran('plain'), f)
  // Plants what the fast path looks for (Node's read of this very file), then compiles more.
  const planted = (tag) => (m, f) => m._compile(fs.readFileSync(f, 'utf8') + ';' + ran(tag), f)
  // Another real file's content compiled as this module.
  const other = (m, f) => m._compile(fs.readFileSync(payload, 'utf8'), f)

  await during('Module._nodeModulePaths', (evil) => {
    const real = Module._nodeModulePaths
    Module._nodeModulePaths = function (...args) { evil(); return real.apply(this, args) }
    return () => { Module._nodeModulePaths = real }
  }, planted('nodeModulePaths'))
  await during('path.dirname', (evil) => {
    const real = path.dirname
    path.dirname = function (...args) { evil(); return real.apply(this, args) }
    return () => { path.dirname = real }
  }, plain)
  await during('Module._extensions getter', (evil) => {
    const real = Module._extensions
    Object.defineProperty(Module, '_extensions', { get() { evil(); return real }, configurable: true })
    return () => { Object.defineProperty(Module, '_extensions', { value: real, writable: true, configurable: true, enumerable: true }) }
  }, planted('extensions getter'))
  await during('fs.readFileSync getter', (evil) => {
    const real = fs.readFileSync
    Object.defineProperty(fs, 'readFileSync', { get() { evil(); return real }, configurable: true })
    return () => { Object.defineProperty(fs, 'readFileSync', { value: real, writable: true, configurable: true, enumerable: true }) }
  }, other)
  // Node sets the module's \`paths\` in load(): a setter on the prototype gets the module as \`this\`.
  await during('Object.prototype paths setter', (evil) => {
    Object.defineProperty(Object.prototype, 'paths', {
      set(value) { Object.defineProperty(this, 'paths', { value, writable: true, configurable: true, enumerable: true }); evil() },
      configurable: true,
    })
    return () => { delete Object.prototype.paths }
  }, planted('paths setter'))
  // Reached when the loader reads through the public fs.readFileSync (Node 20 to 26 all do).
  const readsThroughFs = (target) => globalThis.reached.includes(target)
  // Whatever the loader does with a spying fs.readFileSync: it reads the real file (so the
  // guard saw the real text) and hands Node that text edited, or another real file's content.
  await inTest('readFileSync reads, then edits', () => {
    const target = write('edited.js', 'module.exports = "own"')
    const real = fs.readFileSync
    fs.readFileSync = function (f, ...rest) { if (f === target) globalThis.reached.push(f); const text = real.call(this, f, ...rest); return f === target ? text + ';' + ran('edited') : text }
    try { require(target) } finally { fs.readFileSync = real }
    return readsThroughFs(target) ? 'loaded' : 'not reached'
  })
  await inTest('readFileSync hands another real file', () => {
    const target = write('swapped-file.js', 'module.exports = "own"')
    const real = fs.readFileSync
    fs.readFileSync = function (f, ...rest) { if (f === target) globalThis.reached.push(f); real.call(this, f, ...rest); return f === target ? real.call(this, payload, ...rest) : real.call(this, f, ...rest) }
    try { require(target) } finally { fs.readFileSync = real }
    return readsThroughFs(target) ? 'loaded' : 'not reached'
  })
  await inTest('handler reads another real file', () => {
    Module._extensions['.lgp'] = (m, f) => m._compile(fs.readFileSync(payload, 'utf8'), f)
    try { require(write('a.lgp', 'module.exports = "own"')) } finally { delete Module._extensions['.lgp'] }
    return 'loaded'
  })

  // Legitimate: plain requires (the fast path), and a spy passing the real read through.
  await inTest('plain requires', () => [1, 2, 3].map((n) => require(write('plain' + n + '.js', 'module.exports = ' + n))))
  await inTest('spy passing the read through', () => {
    const real = fs.readFileSync
    fs.readFileSync = function (...args) { return real.apply(this, args) }
    try { return require(write('spied.js', 'module.exports = 4')) } finally { fs.readFileSync = real }
  })
  r.ran = globalThis.ran
  r.reached = globalThis.reached
  r.major = Number(process.versions.node.split('.')[0])
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

const CAUGHT: Record<string, string> = {
  'Module._nodeModulePaths': 'nodeModulePaths',
  'path.dirname': 'plain',
  'Module._extensions getter': 'extensions getter',
  'fs.readFileSync getter': 'another file',
  'Object.prototype paths setter': 'paths setter',
  'readFileSync reads, then edits': 'edited',
  'readFileSync hands another real file': 'another file',
  'handler reads another real file': 'another file',
}
/** Entry points the loader of every supported Node version runs test code through. */
const EVERYWHERE = [
  'Module._nodeModulePaths',
  'path.dirname',
  'Module._extensions getter',
  'Object.prototype paths setter',
]

describe.each(nodes)('the require() fast path trusts only what Node read, on $label', ({ bin }) => {
  let refused: Probed
  let allowed: Probed
  beforeAll(async () => {
    ;({ refused, allowed } = await evalProbes(bin, probeBody))
  }, 120_000)

  const reached = (name: string) => (refused[name] as { value: unknown }).value !== 'not reached'

  test('the loader runs test code through these entry points on this Node', () => {
    for (const name of EVERYWHERE) expect(reached(name), name).toBe(true)
  })

  test.each(Object.keys(CAUGHT))('%s: refused, and it did not run', (name) => {
    if (!reached(name)) return // this Node's loader does not go through it
    expect(refused[name]).toEqual({ value: 'LEAKGATE_EVAL_BLOCKED', events: ['Module._compile'] })
    expect(refused.ran).not.toContain(CAUGHT[name])
  })

  test.each(Object.keys(CAUGHT))('%s: allowed with allowAudit({ eval: true }), it runs', (name) => {
    if (!reached(name)) return
    expect(allowed[name]).toEqual({ value: 'loaded', events: [] })
    expect(allowed.ran).toContain(CAUGHT[name])
  })

  test('plain requires and a spy passing the read through record nothing', () => {
    expect(refused['plain requires']).toEqual({ value: [1, 2, 3], events: [] })
    expect(refused['spy passing the read through']).toEqual({ value: 4, events: [] })
  })
})
