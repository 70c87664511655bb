import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CORE, hasVfs, nodes, type Probed, probe } from '../helpers/probe.js'

// A refused `node:vfs` module load (Node 26, `--experimental-vfs`) must fail the way Node fails
// a module load of its own: a module whose code throws, and one whose code does not compile.
// Compared field by field, for require, import, import of CommonJS and require of ESM: thrown
// or rejected, an Error whose name is its class's and whose string and stack start as Node's
// do, its own keys, not left in require.cache nor among the parent's children, and a second
// attempt failing the same way; uncaught, the same stream, output shape and exit code. Only
// the error's class, code and message say who refused.
// Not compared: whether a second import hands back the very same error object. Node's answer
// differs by case (an ESM module that threw is cached with its error; one that did not compile
// is not), and a refusal is decided again at each attempt (a later test may allow it).

const SHAPE = `
  const url = require('node:url')
  const vfs = process.getBuiltinModule('node:vfs')
  vfs.create().mount() // the first mount replaces process.dlopen: before install
  const shape = (e) => ({
    error: e instanceof Error,
    named: e.name === e.constructor.name,
    string: String(e) === e.name + ': ' + e.message,
    stack: String(e.stack).startsWith(String(e).split('\\n')[0]),
    keys: Object.keys(e).sort(),
  })
  const attempt = async (load) => {
    let how = 'returned', error
    try {
      const value = load()
      how = 'sync-ok'
      await value
      how = 'resolved'
    } catch (e) {
      how = how === 'sync-ok' ? 'rejected' : 'thrown'
      error = e
    }
    return { how, error }
  }
  const cases = {
    require: ['m.js', 'cjs', (f) => require(f)],
    import: ['m.mjs', 'esm', (f) => import(url.pathToFileURL(f).href)],
    'import of commonjs': ['m.cjs', 'cjs', (f) => import(url.pathToFileURL(f).href)],
    'require of esm': ['m.mjs', 'esm', (f) => require(f)],
  }
  const run = async (sources) => {
    const out = {}
    for (const [name, [file, format, load]] of Object.entries(cases)) {
      const layer = vfs.create()
      layer.writeFileSync('/' + file, sources[format])
      const full = layer.mount() + '/' + file
      const first = await attempt(() => load(full))
      const second = await attempt(() => load(full))
      out[name] = {
        how: first.how,
        shape: first.error && shape(first.error),
        code: first.error?.code,
        cached: full in require.cache,
        child: module.children.some((m) => m.filename === full),
        again: { how: second.how, shape: second.error && shape(second.error), code: second.error?.code },
      }
    }
    return out
  }
  const r = {}
  const thrower = 'throw Object.assign(new Error("thrown"), { code: "E_THROWN" })'
  r.throws = await run({ cjs: thrower, esm: thrower })
  r.syntax = await run({ cjs: 'module.exports = (', esm: 'export default (' })
  core.install({})
  r.refused = await run({ cjs: 'globalThis.ran = true; module.exports = 1', esm: 'globalThis.ran = true; export default 1' })
  r.ran = globalThis.ran === true
  r.violations = core.getEngine().tracker.run.violations.map((v) => v.event)
  return r
`

/** An uncaught failed load: the entry mounts `source` and requires or imports it, nothing catches. */
function uncaught(bin: string, dir: string, how: 'require' | 'import', source: string, guard: boolean) {
  const file = how === 'require' ? 'm.js' : 'm.mjs'
  // Nothing catches: a require throws at the top level, an import's rejection is unhandled.
  const load = how === 'require' ? 'require(full)' : "import(require('node:url').pathToFileURL(full).href)"
  const entry = path.join(dir, `entry-${how}-${guard ? 'guard' : 'node'}.cjs`)
  fs.writeFileSync(
    entry,
    [
      "const vfs = process.getBuiltinModule('node:vfs')",
      'vfs.create().mount()',
      guard ? `require(${JSON.stringify(CORE)}).install({})` : '',
      'const layer = vfs.create()',
      `layer.writeFileSync('/${file}', ${JSON.stringify(source)})`,
      `const full = layer.mount() + '/${file}'`,
      load,
    ].join('\n'),
  )
  const out = spawnSync(bin, ['--experimental-vfs', '--no-warnings', entry], {
    env: { ...process.env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr }
}

/** Node's report of an uncaught error: the throw's line with a caret, the error, its own keys, the version. */
const UNCAUGHT =
  /^[^\n]+:\d+\n[^\n]*\n[ \t]*\^+\n\n(?<error>[\s\S]+) \{\n {2}code: '(?<code>\w+)'\n\}\n\nNode\.js v\d+\.\d+\.\d+\n$/

describe.each(nodes)('a refused node:vfs load fails as Node fails a module load, on $label', ({ bin }) => {
  const vfs = hasVfs(bin)
  let r: Probed
  let dir: string
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-vfs-shape-'))
    if (vfs) r = (await probe<Probed>(bin, SHAPE, { args: ['--experimental-vfs'], timeout: 90_000 })).result
  }, 120_000)
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test.skipIf(!vfs).each(['require', 'import', 'import of commonjs', 'require of esm'])(
    '%s: thrown or rejected, the same error shape, nothing cached, a second attempt fails alike',
    (name) => {
      const refused = r.refused[name]
      for (const node of [r.throws[name], r.syntax[name]]) {
        expect(refused.how).toBe(node.how)
        expect(refused.cached).toBe(node.cached)
        expect(refused.child).toBe(node.child)
        expect(refused.again.how).toBe(node.again.how)
        for (const key of ['error', 'named', 'string'] as const) {
          expect(refused.shape[key], key).toBe(true)
          expect(refused.again.shape[key], key).toBe(true)
        }
      }
      expect(refused.how).toBe(name.startsWith('require') ? 'thrown' : 'rejected')
      expect(refused.cached).toBe(false)
      expect(refused.child).toBe(false)
      // Its stack opens with its string, and its own keys are its code: as the thrown Error's.
      expect(refused.shape).toEqual({ ...r.throws[name].shape })
      expect(refused.again.shape).toEqual({ ...r.throws[name].again.shape })
      expect(refused.code).toBe('LEAKGATE_EVAL_BLOCKED')
      expect(refused.again.code).toBe('LEAKGATE_EVAL_BLOCKED')
    },
  )

  test.skipIf(!vfs)('the refused modules did not run; each attempt is a violation', () => {
    expect(r.ran).toBe(false)
    expect(r.violations).toEqual(Array(8).fill('node:vfs'))
  })

  test.skipIf(!vfs).each(['require', 'import'] as const)(
    'uncaught %s: stderr only, the report Node prints, exit 1',
    (how) => {
      const thrower = `throw Object.assign(new Error("thrown"), { code: "E_THROWN" })`
      const node = uncaught(bin, dir, how, thrower, false)
      const refused = uncaught(bin, dir, how, how === 'require' ? 'module.exports = 1' : 'export default 1', true)
      expect(node.status).toBe(1)
      expect(node.stdout).toBe('')
      expect(node.stderr).toMatch(UNCAUGHT)
      expect(refused.status).toBe(node.status)
      expect(refused.stdout).toBe('')
      const match = UNCAUGHT.exec(refused.stderr)
      expect(match, refused.stderr).not.toBeNull()
      expect(match?.groups?.code).toBe('LEAKGATE_EVAL_BLOCKED')
      expect(match?.groups?.error).toMatch(
        /^LeakgateError: blocked node:vfs of "(module\.exports = 1|export default 1)" \(LEAKGATE_EVAL_BLOCKED\)\n/,
      )
      expect(UNCAUGHT.exec(node.stderr)?.groups?.code).toBe('E_THROWN')
    },
  )
})
