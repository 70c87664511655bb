// The start of a probe body (helpers/probe.ts) that runs named steps as tests of one file, with
// the built engine installed. In scope after it: fs, path, os, Module; `dir` (a fresh temporary
// folder), `write(name, text)` (a file in it, returns its path), `engine`, `r` (the results, by
// step), `inTest(name, fn)` (runs fn in a test scope, with `allow` run first inside it, and
// records in r[name] its value, or the refusal's code, and the violations' events) and
// `ran(tag)` (source that pushes tag onto globalThis.ran when it runs).

/** `tmpPrefix` names the temporary folder; `allow` is code run at the start of each test. */
export function scopedProbe(tmpPrefix: string, allow: string): string {
  return `
  const fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const Module = require('node:module')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), ${JSON.stringify(tmpPrefix)}))
  const write = (name, text) => { const file = path.join(dir, name); fs.writeFileSync(file, text); return file }
  const engine = core.install({ local: ['127.0.0.1', '::1'], sinkDir: path.join(dir, 'sink') })
  const file = engine.enterFile(path.join(dir, 'suite.test.js'))
  globalThis.ran = []
  const r = {}
  const inTest = async (name, fn) => {
    const scope = engine.createTestScope(name, file)
    let value
    try { value = await engine.runInScope(scope, async () => { ${allow}; return await fn() }) } catch (e) { value = kit.describeError(e).code ?? String(e) }
    engine.endScope(scope)
    r[name] = { value, events: engine.violationsOf(scope).map((v) => v.event) }
  }
  const ran = (tag) => 'globalThis.ran.push(' + JSON.stringify(tag) + ')'
`
}

/**
 * The start of a probe body that builds real packages beside the probe. In scope after it: fs,
 * path; `lib(name, lines)` (writes the package `name`, its index.js the given lines, into the
 * node_modules beside the probe, so `require(name)` finds it), `down` (source of a library
 * function `down(n, fn)` that recurses n frames, then calls fn: not a tail call V8 would fold,
 * the result is used after the call) and `lineOf(marker)` (the probe's line holding the marker;
 * write the marker split, `'/*' + 'name*\/'`, so the lookup does not find its own line).
 */
export const PACKAGES_PROBE = `
  const fs = require('node:fs'), path = require('node:path')
  const lib = (name, lines) => {
    const home = path.join(__dirname, 'node_modules', name)
    fs.mkdirSync(home, { recursive: true })
    fs.writeFileSync(path.join(home, 'package.json'), JSON.stringify({ name, version: '1.0.0' }))
    fs.writeFileSync(path.join(home, 'index.js'), lines.join('\\n'))
  }
  const down = 'function down(n, fn) { if (n === 0) return fn(); const out = down(n - 1, fn); return out }'
  const lineOf = (marker) => fs.readFileSync(__filename, 'utf8').split('\\n').findIndex((l) => l.includes(marker)) + 1
`
