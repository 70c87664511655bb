import { beforeAll, describe, expect, test } from 'vitest'
import { evalProbes, nodes, type Probed } from '../helpers/probe.js'
import { scopedProbe } from '../helpers/scoped-probe.js'

// Code from strings through the module system (issue 12.5). Loading a module compiles a real
// file's source: no event. A `Module._extensions` / `require.extensions` handler or a `_compile`
// wrapper of the test's handing over anything else, Node's own handler reading through a replaced
// `fs.readFileSync`, a changed `Module.wrap`, the source a `registerHooks` or `module.register`
// `load` hook makes up, and `import('data:…')` are code from a string. Each vector runs in a test
// of its own: refused, allowed with `allowAudit({ eval: true })`, and the legitimate uses next to
// them (a pass-through hook, a handler compiling the file's content, a TypeScript-loader-style
// transform through pirates, `import.meta.resolve` of a data: URL) record nothing.

const probeBody = (allow: string) => `${scopedProbe('leakgate-modules-', allow)}
  const url = require('node:url')
  const hasHooks = typeof Module.registerHooks === 'function'
  const major = Number(process.versions.node.split('.')[0])

  await inTest('extensions handler', () => { Module._extensions['.lgx'] = (m, f) => m._compile(ran('extensions'), f); require(write('a.lgx', 'ignored')); return 'loaded' })
  await inTest('require.extensions', () => { require.extensions['.lgy'] = (m, f) => m._compile(ran('require.extensions'), f); require(write('a.lgy', '')); return 'loaded' })
  await inTest('_compile wrapper', () => {
    const real = Module.prototype._compile
    Module.prototype._compile = function (content, filename) { return real.call(this, ran('wrapper'), filename) }
    try { require(write('wrapped.js', 'module.exports = 1')) } finally { Module.prototype._compile = real }
    return 'loaded'
  })
  await inTest('js handler replaced', () => {
    const real = Module._extensions['.js']
    Module._extensions['.js'] = (m, f) => (f.endsWith('swapped.js') ? m._compile(ran('js handler'), f) : real(m, f))
    try { require(write('swapped.js', 'module.exports = 1')) } finally { Module._extensions['.js'] = real }
    return 'loaded'
  })
  await inTest('readFileSync replaced', () => {
    const real = fs.readFileSync
    fs.readFileSync = function (f, ...rest) { return String(f).endsWith('read.js') ? ran('readFileSync') : real.call(this, f, ...rest) }
    try { require(write('read.js', 'module.exports = 1')) } finally { fs.readFileSync = real }
    return 'loaded'
  })
  await inTest('Module.wrap', () => {
    const real = Module.wrap
    Module.wrap = (source) => '(function (exports, require, module, __filename, __dirname) { ' + ran('wrap') + '; ' + source + '\\n})'
    try { require(write('wrap.js', 'module.exports = 1')) } finally { Module.wrap = real }
    return 'loaded'
  })
  await inTest('Module.prototype.load', () => { Module._extensions['.lgz'] = (m, f) => m._compile(ran('load'), f); const m = new Module(write('a.lgz', '')); m.load(m.id); return 'loaded' })
  await inTest('new Module()._compile', () => { new module.constructor('x')._compile(ran('new Module'), path.join(dir, 'nowhere.js')); return 'loaded' })
  // Every Node: on Node 20 (no registerHooks) this is a known gap, pinned below.
  await inTest('data: import', async () => { await import('data:text/javascript,' + encodeURIComponent(ran('data'))); return 'loaded' })
  if (hasHooks) {
    await inTest('registerHooks load (esm)', async () => {
      const hooks = Module.registerHooks({ load: (u, c, next) => (u.endsWith('made.mjs') ? { format: 'module', source: ran('hook esm'), shortCircuit: true } : next(u, c)) })
      try { await import(url.pathToFileURL(write('made.mjs', 'export default 1')).href) } finally { hooks.deregister() }
      return 'loaded'
    })
    await inTest('registerHooks load (require)', () => {
      const hooks = Module.registerHooks({ load: (u, c, next) => (u.endsWith('made.cjs') ? { format: 'commonjs', source: Buffer.from(ran('hook cjs')), shortCircuit: true } : next(u, c)) })
      try { require(write('made.cjs', 'module.exports = 1')) } finally { hooks.deregister() }
      return 'loaded'
    })
    await inTest('registerHooks load (virtual url)', async () => {
      const hooks = Module.registerHooks({
        resolve: (s, c, next) => (s === 'lg-virtual:x' ? { url: 'lg-virtual:x', shortCircuit: true } : next(s, c)),
        load: (u, c, next) => (u === 'lg-virtual:x' ? { format: 'module', source: ran('virtual'), shortCircuit: true } : next(u, c)),
      })
      try { await import('lg-virtual:x') } finally { hooks.deregister() }
      return 'loaded'
    })
    await inTest('data: through a resolve hook', async () => {
      const hooks = Module.registerHooks({ resolve: (s, c, next) => (s === 'lg-data' ? { url: 'data:text/javascript,' + encodeURIComponent(ran('resolved data')), shortCircuit: true } : next(s, c)) })
      try { await import('lg-data') } finally { hooks.deregister() }
      return 'loaded'
    })
  }
  if (hasHooks) {
    // An allowed Node child runs with the engine: its --import data: is decided there.
    await inTest('--import data: in a child', async () => {
      core.allowAudit({ exec: [process.execPath] })
      const { execFileSync } = require('node:child_process')
      try {
        return execFileSync(process.execPath, ['--import', 'data:text/javascript,console.log("child data ran")', '-e', 'console.log("child main")'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim()
      } catch (e) {
        return String(e.stderr).includes('LEAKGATE_EVAL_BLOCKED') ? 'LEAKGATE_EVAL_BLOCKED' : String(e.stderr)
      }
    })
  }
  if (major >= 22) {
    await inTest('module.register load', async () => {
      Module.register(url.pathToFileURL(write('async-hooks.mjs', \`
        export async function resolve(s, c, next) { return s === 'lg-async:x' ? { url: 'file:///leakgate-nowhere/x.mjs', shortCircuit: true } : next(s, c) }
        export async function load(u, c, next) { return u === 'file:///leakgate-nowhere/x.mjs' ? { format: 'module', source: \${JSON.stringify(ran('async hook'))}, shortCircuit: true } : next(u, c) }\`)).href)
      await import('lg-async:x')
      return 'loaded'
    })
  }

  // Legitimate uses: nothing recorded.
  await inTest('plain require and import', async () => [require(write('plain.js', 'module.exports = 42')), (await import(url.pathToFileURL(write('plain.mjs', 'export default 43')).href)).default])
  await inTest('handler compiling the file', () => { Module._extensions['.lgo'] = (m, f) => m._compile(fs.readFileSync(f, 'utf8'), f); return require(write('own.lgo', '\\ufeffmodule.exports = 44')) })
  await inTest('pass-through _compile wrapper', () => {
    const real = Module.prototype._compile
    Module.prototype._compile = function (content, filename) { return real.call(this, content, filename) }
    try { return require(write('through.js', 'module.exports = 45')) } finally { Module.prototype._compile = real }
  })
  await inTest('spied readFileSync', () => {
    const real = fs.readFileSync
    fs.readFileSync = function (...args) { return real.apply(this, args) }
    try { return require(write('spied.js', 'module.exports = 46')) } finally { fs.readFileSync = real }
  })
  await inTest('TypeScript-loader transform (pirates)', () => {
    const revert = require(${JSON.stringify(require.resolve('pirates'))}).addHook((code) => code.replace('const answer: number', 'const answer'), { exts: ['.lgts'] })
    try { return require(write('typed.lgts', 'const answer: number = 47; module.exports = answer')) } finally { revert() }
  })
  if (hasHooks) {
    await inTest('pass-through hooks', async () => {
      const hooks = Module.registerHooks({ load: (u, c, next) => next(u, c) })
      const own = Module.registerHooks({ load: (u, c, next) => (u.endsWith('self.mjs') ? { format: 'module', source: fs.readFileSync(url.fileURLToPath(u)), shortCircuit: true } : next(u, c)) })
      try { return [(await import(url.pathToFileURL(write('hooked.mjs', 'export default 48')).href)).default, (await import(url.pathToFileURL(write('self.mjs', 'export default 49')).href)).default, require(write('hooked.cjs', 'module.exports = 50'))] } finally { own.deregister(); hooks.deregister() }
    })
    await inTest('import.meta.resolve of data:', async () => (await import(url.pathToFileURL(write('resolve.mjs', "export default import.meta.resolve('data:text/javascript,globalThis.ran.push(1)')")).href)).default.slice(0, 20))
  }
  if (major >= 22) {
    await inTest('pass-through module.register', async () => {
      Module.register(url.pathToFileURL(write('through-hooks.mjs', 'export async function load(u, c, next) { return next(u, c) }')).href)
      return [(await import(url.pathToFileURL(write('async-through.mjs', 'export default 51')).href)).default, (await import('node:os')).platform === os.platform]
    })
  }
  r.ran = globalThis.ran
  r.major = major
  r.hasHooks = hasHooks
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

const CAUGHT: Record<string, string> = {
  'extensions handler': 'Module._compile',
  'require.extensions': 'Module._compile',
  '_compile wrapper': 'Module._compile',
  'js handler replaced': 'Module._compile',
  'readFileSync replaced': 'Module._compile',
  'Module.wrap': 'Module.wrap',
  'Module.prototype.load': 'Module._compile',
  'new Module()._compile': 'Module._compile',
  'registerHooks load (esm)': 'module.registerHooks(load)',
  'registerHooks load (require)': 'module.registerHooks(load)',
  'registerHooks load (virtual url)': 'module.registerHooks(load)',
  'data: import': 'import(data:)',
  'data: through a resolve hook': 'import(data:)',
  'module.register load': 'module.register(load)',
}
const TAGS: Record<string, string> = {
  'extensions handler': 'extensions',
  'require.extensions': 'require.extensions',
  '_compile wrapper': 'wrapper',
  'js handler replaced': 'js handler',
  'readFileSync replaced': 'readFileSync',
  'Module.wrap': 'wrap',
  'Module.prototype.load': 'load',
  'new Module()._compile': 'new Module',
  'registerHooks load (esm)': 'hook esm',
  'registerHooks load (require)': 'hook cjs',
  'registerHooks load (virtual url)': 'virtual',
  'data: import': 'data',
  'data: through a resolve hook': 'resolved data',
  'module.register load': 'async hook',
}
const LEGIT: Record<string, unknown> = {
  'plain require and import': [42, 43],
  'handler compiling the file': 44,
  'pass-through _compile wrapper': 45,
  'spied readFileSync': 46,
  'TypeScript-loader transform (pirates)': 47,
  'pass-through hooks': [48, 49, 50],
  'import.meta.resolve of data:': 'data:text/javascript',
  'pass-through module.register': [51, true],
}

describe.each(nodes)('code from strings through the module system on $label', ({ bin }) => {
  let refused: Probed
  let allowed: Probed
  beforeAll(async () => {
    ;({ refused, allowed } = await evalProbes(bin, probeBody))
  }, 120_000)

  const present = (name: string) => refused[name] !== undefined

  // A plain `import('data:…')` is decided by a registerHooks `load` hook; Node 20 has none.
  const knownGap = (name: string) => name === 'data: import' && !refused.hasHooks

  test.each(Object.keys(CAUGHT))('%s: refused, and it did not run', (name) => {
    if (!present(name) || knownGap(name)) return // needs module.registerHooks (Node 22.15+) or the Node 22+ loader
    expect(refused[name]).toEqual({ value: 'LEAKGATE_EVAL_BLOCKED', events: [CAUGHT[name]] })
    expect(refused.ran).not.toContain(TAGS[name])
  })

  test.each(Object.keys(CAUGHT))('%s: allowed with allowAudit({ eval: true }), it runs', (name) => {
    if (!present(name)) return
    expect(allowed[name]).toEqual({ value: 'loaded', events: [] })
    expect(allowed.ran).toContain(TAGS[name])
  })

  test.each(Object.keys(LEGIT))('%s: nothing recorded', (name) => {
    if (!present(name)) return
    expect(refused[name]).toEqual({ value: LEGIT[name], events: [] })
  })

  // Known gap (README, docs/design.md): without module.registerHooks (Node 20) a plain
  // `import('data:…')` outside a vm realm is not decided. Pinned so this flips when it is fixed.
  test('data: import without module.registerHooks (Node 20): NOT refused, it runs (known gap)', () => {
    if (refused.hasHooks) return
    expect(refused['data: import']).toEqual({ value: 'loaded', events: [] })
    expect(refused.ran).toContain(TAGS['data: import'])
  })

  test('--import data: in an allowed Node child is decided in the child: refused, it did not run; allowed, it runs', () => {
    if (!present('--import data: in a child')) return // Node 20: documented limit (no synchronous hooks)
    expect(refused['--import data: in a child']).toEqual({ value: 'LEAKGATE_EVAL_BLOCKED', events: ['import(data:)'] })
    expect(allowed['--import data: in a child']).toEqual({ value: 'child data ran\nchild main', events: [] })
  })

  test('every vector of this Node version was exercised', () => {
    expect(Object.keys(CAUGHT).filter(present).length).toBe((refused.major as number) >= 22 ? 14 : 9)
    expect(present('data: import')).toBe(true)
    expect(present('--import data: in a child')).toBe((refused.major as number) >= 22)
  })
})
