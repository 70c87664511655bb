import fs from 'node:fs'
import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'
import { VIOLATION_TRIPLE, workerEngine, workerFiles } from '../helpers/worker-probe.js'

// A worker thread or a Node child process started by a test runs with the engine installed,
// the same policy and the same scope (allowances included), and its violations reach the test.

const PROBE = `${workerFiles('leakgate-children-')}
  const cp = require('node:child_process')
  const { Worker } = require('node:worker_threads')
  const connectScript = path.join(dir, 'connect.js')
  fs.writeFileSync(connectScript, \`
    const net = require('node:net')
    const [host, port] = process.argv.slice(2).length ? process.argv.slice(2) : [require('node:worker_threads').workerData.host, require('node:worker_threads').workerData.port]
    const report = (value) => require('node:worker_threads').parentPort ? require('node:worker_threads').parentPort.postMessage(value) : (process.exitCode = value === 'connected' ? 0 : 3)
    net.connect(Number(port), host).on('connect', function () { this.destroy(); report('connected') }).on('error', (e) => report(e.code))
  \`)
  const esmScript = path.join(dir, 'connect.mjs')
  fs.writeFileSync(esmScript, \`
    import net from 'node:net'
    import { parentPort, workerData } from 'node:worker_threads'
    net.connect(workerData.port, workerData.host).on('connect', function () { this.destroy(); parentPort.postMessage('connected') }).on('error', (e) => parentPort.postMessage(e.code))
  \`)
  const outside = await kit.startTcp(kit.EXTERNAL)
  const CapturedWorker = Worker
${workerEngine({ settle: 20, violation: VIOLATION_TRIPLE })}
  const runWorker = (script, options = {}) => new Promise((resolve) => { const w = new CapturedWorker(script, { workerData: { host: kit.EXTERNAL, port: outside.port }, ...options }); w.once('message', resolve); w.once('error', (e) => resolve('worker error: ' + e.message)) })
  const runChild = (env) => cp.spawnSync(process.execPath, [connectScript, kit.EXTERNAL, String(outside.port)], env ? { env } : {}).status
  const r = {}
  r.worker = await inTest('worker leaks', () => runWorker(connectScript))
  r.esmWorker = await inTest('esm worker leaks', () => runWorker(esmScript))
  r.urlWorker = await inTest('url worker leaks', () => runWorker(new URL('file://' + esmScript)))
  r.workerAllowed = await inTest('worker allowed', () => { core.allowAudit({ net: [kit.EXTERNAL] }); return runWorker(connectScript) })
  r.child = await inTest('child leaks', () => { core.allowAudit({ exec: ['node'] }); return runChild() })
  r.childEmptyEnv = await inTest('child with an empty env leaks', () => { core.allowAudit({ exec: ['node'] }); return runChild({}) })
  r.childAllowed = await inTest('child allowed', () => { core.allowAudit({ exec: ['node'], net: [kit.EXTERNAL] }); return runChild() })
  r.childRefused = await inTest('child refused', () => runChild())
  const sink = fs.readdirSync(path.join(dir, 'sink')).sort()
  r.sinkFiles = sink.map((name) => name.replace(/[0-9]+/g, 'N'))
  await outside.close()
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

// Installed by hand, with no sink directory given: children write into a temporary one, which
// only this process reads (at the end of the child's scope) and which is gone when it exits.
const NO_SINK_PROBE = `${workerFiles('leakgate-nosink-')}
  const cp = require('node:child_process')
  const script = path.join(dir, 'connect.js')
  fs.writeFileSync(script, "require('node:net').connect(Number(process.argv[3]), process.argv[2]).on('connect', function () { this.destroy() }).on('error', () => { process.exitCode = 3 })")
  const outside = await kit.startTcp(kit.EXTERNAL)
  const engine = core.install({ local: ['127.0.0.1', '::1'] })
  const file = engine.enterFile(path.join(dir, 'suite.test.js'))
  const scope = engine.createTestScope('child leaks', file)
  const status = await engine.runInScope(scope, () => { core.allowAudit({ exec: ['node'] }); return cp.spawnSync(process.execPath, [script, kit.EXTERNAL, String(outside.port)]).status })
  engine.endScope(scope)
  const sinkDir = engine.recorder.dir
  const r = { status, violations: engine.violationsOf(scope).map((v) => [v.event, v.origin]), sinkDir, existed: fs.existsSync(sinkDir) }
  await outside.close()
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

describe.each(nodes)('children with no sink directory given, on $label', ({ bin }) => {
  test('their leak reaches the test, and the temporary directory is removed at exit', async () => {
    const { result } = await probe(bin, NO_SINK_PROBE, { timeout: 60_000 })
    expect(result.status).toBe(3)
    expect(result.violations).toEqual([['net.connect', 'child']])
    expect(result.existed).toBe(true)
    expect(result.sinkDir).toMatch(/leakgate-\d+-[0-9a-z]+$/)
    expect(fs.existsSync(String(result.sinkDir))).toBe(false)
  })
})

describe.each(nodes)('workers and children on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { timeout: 60_000 })).result
  })

  test('a worker thread (CommonJS, ESM, URL; Worker captured before install) runs guarded and its leak reaches the test', () => {
    for (const key of ['worker', 'esmWorker', 'urlWorker']) {
      expect(r[key].value, key).toBe('LEAKGATE_NET_BLOCKED')
      expect(r[key].violations, key).toEqual([['net.connect', 'worker', expect.stringContaining('worker leaks')]])
    }
  })

  test('a worker inherits the test allowance', () => {
    expect(r.workerAllowed).toEqual({ value: 'connected', violations: [] })
  })

  test('an allowed Node child runs guarded, even with an empty env, and its leak reaches the test', () => {
    expect(r.child).toEqual({ value: 3, violations: [['net.connect', 'child', 'child leaks']] })
    expect(r.childEmptyEnv).toEqual({
      value: 3,
      violations: [['net.connect', 'child', 'child with an empty env leaks']],
    })
  })

  test('a child inherits the test allowance; without exec allowed, no child at all', () => {
    expect(r.childAllowed).toEqual({ value: 0, violations: [] })
    expect(r.childRefused.value).toBe(null)
    expect(r.childRefused.violations).toEqual([['child_process.spawnSync', 'self', 'child refused']])
  })

  test('children and workers append to their test scope file', () => {
    expect(r.sinkFiles).toContain('events-N-N.jsonl')
    expect(r.sinkFiles.filter((name: string) => name.startsWith('scope-')).length).toBeGreaterThanOrEqual(4)
  })
})

// `--expose-internals` hands a worker or a Node child `internalBinding` and Node's internal
// modules: every binding, and native compiles (`ModuleWrap`) below every patched export. It is
// decided like process.binding (event `internalBinding`) as the thread or child enters the
// test's context, in whatever spelling Node accepts; a parent that has them passes them on.
const INTERNALS_PROBE = `${workerFiles('leakgate-internals-')}
  const cp = require('node:child_process')
  const { Worker } = require('node:worker_threads')
  const script = path.join(dir, 'internals.js')
  fs.writeFileSync(script, \`
    const { isBuiltin } = require('node:module')
    // What the internals give: a module compiled from a string by the native ModuleWrap.
    let compiled = 'no internals'
    if (isBuiltin('internal/test/binding')) {
      const { ModuleWrap } = require('internal/test/binding').internalBinding('module_wrap')
      compiled = typeof new ModuleWrap('file:///compiled.mjs', undefined, 'export default 6 * 7', 0, 0)
    }
    const port = require('node:worker_threads').parentPort
    if (port) port.postMessage(compiled)
    else process.stdout.write(compiled)
  \`)
${workerEngine({ install: "{ sinkDir: path.join(dir, 'sink') }", settle: 20, violation: "[v.event, v.target, v.origin || 'self']" })}
  const runWorker = (execArgv) => new Promise((resolve) => { const w = new Worker(script, execArgv ? { execArgv } : {}); w.once('message', resolve); w.once('error', (e) => resolve('worker error: ' + e.message.split('\\n')[0])) })
  const runChild = (args) => { const c = cp.spawnSync(process.execPath, [...args, script], { encoding: 'utf8' }); return { status: c.status, out: c.stdout || c.stderr.split('\\n')[0] } }
  const r = { parentHasInternals: require('node:module').isBuiltin('internal/test/binding') }
  r.worker = await inTest('worker', () => runWorker(['--expose-internals']))
  r.workerUnderscore = await inTest('worker, underscore', () => runWorker(['--expose_internals']))
  r.workerFalse = await inTest('worker, =false', () => runWorker(['--expose-internals=false']))
  r.workerAllowed = await inTest('worker allowed', () => { core.allowAudit({ exec: ['internalBinding'] }); return runWorker(['--expose-internals']) })
  r.workerTakenBack = await inTest('worker, flag taken back', () => runWorker(['--expose-internals', '--no-expose-internals']))
  r.workerPlain = await inTest('worker, other flags', () => runWorker(['--no-warnings']))
  r.workerInherits = await inTest('worker, inherited flags', () => runWorker())
  r.child = await inTest('child', () => { core.allowAudit({ exec: ['node'] }); return runChild(['--expose-internals']) })
  r.childAllowed = await inTest('child allowed', () => { core.allowAudit({ exec: ['node', 'internalBinding'] }); return runChild(['--expose-internals']) })
  r.childPlain = await inTest('child, no flag', () => { core.allowAudit({ exec: ['node'] }); return runChild([]) })
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

describe.each(nodes)('a worker or child given --expose-internals, on $label', ({ bin }) => {
  let r: Probed
  let withInternals: Probed
  beforeAll(async () => {
    ;[r, withInternals] = await Promise.all([
      probe(bin, INTERNALS_PROBE, { timeout: 60_000, args: ['--no-warnings'] }).then((run) => run.result),
      probe(bin, INTERNALS_PROBE, { timeout: 60_000, args: ['--no-warnings', '--expose-internals'] }).then(
        (run) => run.result,
      ),
    ])
  })

  const refusal = 'blocked internalBinding of "internalBinding --expose-internals" (LEAKGATE_EXEC_BLOCKED)'
  const refused = (origin: string) => [['internalBinding', 'internalBinding --expose-internals', origin]]

  test('a worker is refused before its code runs, in every spelling Node accepts', () => {
    expect(r.parentHasInternals).toBe(false)
    for (const key of ['worker', 'workerUnderscore', 'workerFalse']) {
      expect(r[key], key).toEqual({ value: `worker error: ${refusal}`, violations: refused('worker') })
    }
  })

  test('a Node child is stopped before its code runs', () => {
    expect(r.child.value).toEqual({ status: 1, out: refusal })
    expect(r.child.violations).toEqual(refused('child'))
  })

  test('allowed by name, the worker and the child have the internals as without the guard', () => {
    expect(r.workerAllowed).toEqual({ value: 'object', violations: [] })
    expect(r.childAllowed).toEqual({ value: { status: 0, out: 'object' }, violations: [] })
  })

  test('no internals, or a parent that has them already: no event', () => {
    expect(r.workerTakenBack).toEqual({ value: 'no internals', violations: [] })
    expect(r.workerPlain).toEqual({ value: 'no internals', violations: [] })
    expect(r.workerInherits).toEqual({ value: 'no internals', violations: [] })
    expect(r.childPlain).toEqual({ value: { status: 0, out: 'no internals' }, violations: [] })
    expect(withInternals.parentHasInternals).toBe(true)
    for (const key of ['worker', 'workerUnderscore', 'workerFalse', 'workerAllowed', 'workerInherits']) {
      expect(withInternals[key], key).toEqual({ value: 'object', violations: [] })
    }
    expect(withInternals.child).toEqual({ value: { status: 0, out: 'object' }, violations: [] })
  })
})

// Code a worker's `execArgv` makes it load: its `--require` modules run before the loadScript
// the prelude rides on, so the guard puts its own preload first and carries the context there
// (interceptors/worker.ts); they run guarded, in the test's scope, and the worker sees its options
// as given. Loader hooks from a `data:` URL are code from a string, decided at `new Worker()`.
// What stays open (docs/design.md): a hooks module file's own code, and a Worker captured
// before install.
const WORKER_PRELOADS_PROBE = `${workerFiles('leakgate-worker-preloads-')}
  const script = path.join(dir, 'main.js')
  fs.writeFileSync(script, "const w = require('node:worker_threads'); w.parentPort.postMessage({ ran: 'main ran', execArgv: process.execArgv, data: w.getEnvironmentData('leakgate:worker-context') === undefined ? 'none' : 'leaked', ts: typeof require.extensions['.ts'] })")
  // Each writes what \`new Function\` gave it (refused: the error's code) into its marker file.
  const probeCode = (marker) => "fs.writeFileSync(" + JSON.stringify(marker) + ", (() => { try { return typeof new Function('return 1') } catch (e) { return e.code } })())"
  const hooks = 'data:text/javascript,' + encodeURIComponent("import fs from 'node:fs'; " + probeCode(path.join(dir, 'hooks')))
  const hooksFile = path.join(dir, 'hooks.mjs')
  fs.writeFileSync(hooksFile, "import fs from 'node:fs'; " + probeCode(path.join(dir, 'hooksFile')))
  const required = path.join(dir, 'required.cjs')
  fs.writeFileSync(required, "const fs = require('node:fs'); " + probeCode(path.join(dir, 'required')))
  const imported = path.join(dir, 'imported.mjs')
  fs.writeFileSync(imported, "import fs from 'node:fs'; " + probeCode(path.join(dir, 'imported')))
  // A TypeScript register hook as ts-node's: it only installs a require extension.
  const tsRegister = path.join(dir, 'ts-register.cjs')
  fs.writeFileSync(tsRegister, "require.extensions['.ts'] = require.extensions['.js']")
  const outside = await kit.startTcp(kit.EXTERNAL)
  const connects = path.join(dir, 'connects.cjs')
  fs.writeFileSync(connects, "const fs = require('node:fs'); require('node:net').connect(" + outside.port + ", " + JSON.stringify(kit.EXTERNAL) + ").on('connect', function () { this.destroy(); fs.writeFileSync(" + JSON.stringify(path.join(dir, 'connects')) + ", 'connected') }).on('error', (e) => fs.writeFileSync(" + JSON.stringify(path.join(dir, 'connects')) + ", e.code))")
  const Captured = require('node:worker_threads').Worker
${workerEngine({ violation: "v.event + ' ' + (v.origin || 'self') + ' ' + v.scope.test" })}
  core.tameRealm(globalThis)
  const { Worker } = require('node:worker_threads')
  const start = (W, execArgv) => new Promise((resolve) => {
    const w = new W(script, execArgv ? { execArgv } : {})
    let got = 'no message'
    w.once('message', (m) => { got = m })
    w.once('error', (e) => { got = 'worker error: ' + e.message.split('\\n')[0] })
    w.once('exit', () => resolve(got))
  })
  const ran = (name) => fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : 'no'
  const inTestMarked = async (name, fn, marker) => {
    const { value: worker, violations } = await inTest(name, () => kit.attempt(fn))
    return { worker, ran: marker ? ran(marker) : undefined, violations }
  }
  const r = {}
  r.plainFunction = await inTestMarked('plain', () => new Function('return 1'))
  r.hooks = await inTestMarked('data: hooks', () => start(Worker, ['--experimental-loader', hooks]), 'hooks')
  r.hooksEq = await inTestMarked('data: hooks, = form', () => start(Worker, ['--loader=' + hooks]), 'hooks')
  r.hooksAllowed = await inTestMarked('data: hooks allowed', () => { core.allowAudit({ eval: true }); return start(Worker, ['--experimental-loader', hooks]) }, 'hooks')
  fs.rmSync(path.join(dir, 'hooks'), { force: true })
  r.hooksFile = await inTestMarked('file hooks', () => start(Worker, ['--experimental-loader', hooksFile]), 'hooksFile')
  fs.rmSync(path.join(dir, 'hooksFile'))
  r.hooksFileEq = await inTestMarked('file hooks, --loader=', () => start(Worker, ['--loader=' + hooksFile]), 'hooksFile')
  fs.rmSync(path.join(dir, 'hooksFile'))
  r.hooksFileAllowed = await inTestMarked('file hooks allowed', () => { core.allowAudit({ eval: true }); return start(Worker, ['--experimental-loader', hooksFile]) }, 'hooksFile')
  const connectsHooks = path.join(dir, 'connects.mjs')
  fs.writeFileSync(connectsHooks, "import { createRequire } from 'node:module'; createRequire(import.meta.url)(" + JSON.stringify(connects) + ")")
  r.hooksFileConnects = await inTestMarked('file hooks connect', () => start(Worker, ['--experimental-loader', connectsHooks]), 'connects')
  fs.rmSync(path.join(dir, 'connects'))
  r.hooksFileConnectsAllowed = await inTestMarked('file hooks connect allowed', () => { core.allowAudit({ net: [kit.EXTERNAL] }); return start(Worker, ['--experimental-loader', connectsHooks]) }, 'connects')
  fs.rmSync(path.join(dir, 'connects'))
  r.required = await inTestMarked('required', () => start(Worker, ['--require', required]), 'required')
  fs.rmSync(path.join(dir, 'required'))
  r.requiredShort = await inTestMarked('required, -r', () => start(Worker, ['-r', required]), 'required')
  fs.rmSync(path.join(dir, 'required'))
  r.requiredAllowed = await inTestMarked('required allowed', () => { core.allowAudit({ eval: true }); return start(Worker, ['--require=' + required]) }, 'required')
  fs.rmSync(path.join(dir, 'required'))
  r.connects = await inTestMarked('connects', () => start(Worker, ['--require', connects]), 'connects')
  fs.rmSync(path.join(dir, 'connects'))
  r.connectsAllowed = await inTestMarked('connects allowed', () => { core.allowAudit({ net: [kit.EXTERNAL] }); return start(Worker, ['--require', connects]) }, 'connects')
  r.internals = await inTestMarked('internals and a preload', () => start(Worker, ['--expose-internals', '--require', required]), 'required')
  r.tsRegister = await inTestMarked('ts register', () => start(Worker, ['--require', tsRegister, '--no-warnings']))
  r.imported = await inTestMarked('imported', () => start(Worker, ['--import', imported]), 'imported')
  r.captured = await inTestMarked('captured Worker', () => start(Captured, ['--require', required]), 'required')
  fs.rmSync(path.join(dir, 'required'))
  // Options that answer differently when read again: Node must get what the guard read.
  const startWith = (options) => new Promise((resolve) => {
    const w = new Worker(script, options)
    let got = 'no message'
    w.once('message', (m) => { got = m })
    w.once('error', (e) => { got = 'worker error: ' + e.message.split('\\n')[0] })
    w.once('exit', () => resolve(got))
  })
  let reads = 0
  r.execArgvGetter = await inTestMarked('execArgv getter', () => startWith({ get execArgv() { return reads++ === 0 ? [] : ['--require', required] } }), 'required')
  r.execArgvGetter.reads = reads
  fs.rmSync(path.join(dir, 'required'), { force: true })
  let elementReads = 0
  const shifting = ['--no-warnings']
  Object.defineProperty(shifting, 0, { enumerable: true, get: () => elementReads++ === 0 ? '--no-warnings' : '--require=' + required })
  r.execArgvElement = await inTestMarked('execArgv element getter', () => startWith({ execArgv: shifting }), 'required')
  r.execArgvElement.reads = elementReads
  fs.rmSync(path.join(dir, 'required'), { force: true })
  let undefinedReads = 0
  r.execArgvLate = await inTestMarked('execArgv undefined, then given', () => startWith({ get execArgv() { return undefinedReads++ === 0 ? undefined : ['--require', required] } }), 'required')
  fs.rmSync(path.join(dir, 'required'), { force: true })
  r.inherited = await inTestMarked('nested worker inherits', () => new Promise((resolve) => {
    const nested = path.join(dir, 'nested.js')
    fs.writeFileSync(nested, "const { Worker, parentPort } = require('node:worker_threads'); const w = new Worker(" + JSON.stringify(script) + "); w.once('message', (m) => parentPort.postMessage(m)); w.once('error', (e) => parentPort.postMessage('nested error: ' + e.message))")
    const w = new Worker(nested, { execArgv: ['--require', required] })
    w.once('message', resolve)
    w.once('error', (e) => resolve('worker error: ' + e.message.split('\\n')[0]))
  }), 'required')
  await outside.close?.()
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

describe.each(nodes)('a worker given preloads or loader hooks in its execArgv, on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe<Probed>(bin, WORKER_PRELOADS_PROBE, { timeout: 60_000, args: ['--no-warnings'] })).result
  })
  const given = (execArgv: string[]) => ({
    ok: true,
    value: { ran: 'main ran', execArgv, data: 'none', ts: 'undefined' },
  })

  test('the guard is on: the same code in the test itself is refused', () => {
    expect(r.plainFunction.worker).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
  })

  test('options read once: a getter or an element that answers differently later is not what Node gets', () => {
    // What the guard read ([] / --no-warnings / inherited) is what the worker runs with: the
    // --require the second read would give never runs, unguarded or not.
    expect(r.execArgvGetter).toMatchObject({ ran: 'no', worker: given([]), violations: [] })
    expect(r.execArgvGetter.reads).toBe(1)
    expect(r.execArgvElement).toMatchObject({ ran: 'no', worker: given(['--no-warnings']), violations: [] })
    expect(r.execArgvElement.reads).toBe(1)
    expect(r.execArgvLate).toMatchObject({
      ran: 'no',
      worker: { ok: true, value: { ran: 'main ran' } },
      violations: [],
    })
  })

  test('its --require modules run guarded, in the test scope, in every spelling', () => {
    for (const key of ['required', 'requiredShort']) {
      expect(r[key].ran, key).toBe('LEAKGATE_EVAL_BLOCKED')
      expect(r[key].worker.value.ran, key).toBe('main ran')
      expect(r[key].violations, key).toEqual([`Function worker ${key === 'required' ? 'required' : 'required, -r'}`])
    }
    expect(r.connects.ran).toBe('LEAKGATE_NET_BLOCKED')
    expect(r.connects.violations).toEqual(['net.connect worker connects'])
  })

  test('a worker refused for its options is refused before its preloads run', () => {
    expect(r.internals.worker.value).toBe(
      'worker error: blocked internalBinding of "internalBinding --expose-internals" (LEAKGATE_EXEC_BLOCKED)',
    )
    expect(r.internals.ran).toBe('no')
    expect(r.internals.violations).toEqual(['internalBinding worker internals and a preload'])
  })

  test('allowed, a --require module does what it does without the guard', () => {
    expect(r.requiredAllowed.ran).toBe('function')
    expect(r.requiredAllowed.violations).toEqual([])
    expect(r.connectsAllowed.ran).toBe('connected')
    expect(r.connectsAllowed.violations).toEqual([])
  })

  test('a preload that does nothing the policy decides: the worker runs as given, its options as given', () => {
    expect(r.tsRegister.violations).toEqual([])
    expect(r.tsRegister.worker).toEqual({
      ...given([]),
      value: { ...given([]).value, execArgv: ['--require', expect.any(String), '--no-warnings'], ts: 'function' },
    })
    expect(r.tsRegister.worker.value.execArgv[1]).toMatch(/ts-register\.cjs$/)
    expect(r.requiredAllowed.worker).toEqual(given([expect.stringMatching(/^--require=.*required\.cjs$/)]))
  })

  test('loader hooks from a data: URL are code from a string, refused at new Worker()', () => {
    for (const key of ['hooks', 'hooksEq']) {
      expect(r[key].worker, key).toMatchObject({ ok: false, code: 'LEAKGATE_EVAL_BLOCKED' })
      expect(r[key].ran, key).toBe('no')
      expect(r[key].violations, key).toEqual([
        `new Worker(--loader data:) self ${key === 'hooks' ? 'data: hooks' : 'data: hooks, = form'}`,
      ])
    }
    expect(r.hooksAllowed.worker.value.ran).toBe('main ran')
    expect(r.hooksAllowed.ran).toBe('function')
    expect(r.hooksAllowed.violations).toEqual([])
  })

  test('--import runs after the prelude: guarded', () => {
    expect(r.imported.ran).toBe('LEAKGATE_EVAL_BLOCKED')
    expect(r.imported.violations).toEqual(['Function worker imported'])
  })

  test('a nested worker inheriting the preload runs it guarded too', () => {
    // The outer worker's module, then the nested worker's (it writes last): both refused.
    expect(r.inherited.ran).toBe('LEAKGATE_EVAL_BLOCKED')
    expect(r.inherited.worker.value.ran).toBe('main ran')
    expect(r.inherited.violations).toEqual([
      'Function worker nested worker inherits',
      'Function worker nested worker inherits',
    ])
  })

  test("a hooks module file runs guarded in the worker's loader thread, in the test scope", () => {
    // The loader thread runs the worker's preloads before its hooks: the guard's is first.
    for (const [key, name] of [
      ['hooksFile', 'file hooks'],
      ['hooksFileEq', 'file hooks, --loader='],
    ] as const) {
      expect(r[key].ran, key).toBe('LEAKGATE_EVAL_BLOCKED')
      expect(r[key].violations, key).toEqual([`Function worker ${name}`])
    }
    expect(r.hooksFileConnects.ran).toBe('LEAKGATE_NET_BLOCKED')
    expect(r.hooksFileConnects.violations).toEqual(['net.connect worker file hooks connect'])
  })

  test('allowed, a hooks module file does what it does without the guard; the CommonJS entry loads as given', () => {
    expect(r.hooksFileAllowed.ran).toBe('function')
    expect(r.hooksFileAllowed.violations).toEqual([])
    expect(r.hooksFileConnectsAllowed.ran).toBe('connected')
    expect(r.hooksFileConnectsAllowed.violations).toEqual([])
    expect(r.hooksFile.worker).toEqual(given(['--experimental-loader', expect.stringMatching(/hooks\.mjs$/)]))
    expect(r.hooksFileEq.worker).toEqual(given([expect.stringMatching(/^--loader=.*hooks\.mjs$/)]))
  })

  test('still open (docs/design.md): a Worker captured before install', () => {
    expect(r.captured.ran).toBe('function')
  })
})

// A worker whose module is a `data:` URL (`new Worker(new URL('data:…'))`) is code from a string;
// allowed, it runs guarded like any worker: the prelude in a classic script, then `import(url)`
// (Node 20 posts it as `import "data:…"`, whose static import would run before a prelude; Node 22+
// as the URL itself). What it does otherwise is what it does without the guard: its messages,
// argv, 'error' event and exit code, top-level await. So do an `--import data:` in a worker's
// execArgv (decided at new Worker(), as Node 20 decides no data: import later), `eval: true` code
// importing a data: URL, and nested workers of each kind.
const DATA_WORKER_PROBE = `${workerFiles('leakgate-data-worker-')}
  const outside = await kit.startTcp(kit.EXTERNAL)
  const module = (body) => 'data:text/javascript,' + encodeURIComponent("import { parentPort } from 'node:worker_threads'; import net from 'node:net'; import { execFileSync } from 'node:child_process'; const post = (m) => parentPort ? parentPort.postMessage(m) : require('node:fs').writeFileSync(" + JSON.stringify(path.join(dir, 'out')) + ", JSON.stringify(m)); " + body)
  const connect = "const net_ = await new Promise((resolve) => net.connect(" + outside.port + ", " + JSON.stringify(kit.EXTERNAL) + ").on('connect', function () { this.destroy(); resolve('connected') }).on('error', (e) => resolve(e.code)));"
  const spawn = "let exec_; try { execFileSync('true'); exec_ = 'ran' } catch (e) { exec_ = e.code }"
  const leaks = module(connect + spawn + "post({ net: net_, exec: exec_ })")
  const plain = module("await new Promise((r) => setTimeout(r, 5)); post({ argv: process.argv.slice(1), evalp: '_eval' in process, url: import.meta.url.slice(0, 5) })")
  const throws = module("await null; throw new TypeError('boom')")
  const syntax = 'data:text/javascript,' + encodeURIComponent('export const = 1')
  const exits = module("post('exiting'); process.exit(7)")
  const sideEffect = (marker) => 'data:text/javascript,' + encodeURIComponent("import fs from 'node:fs'; import { execFileSync } from 'node:child_process'; let x; try { execFileSync('true'); x = 'ran' } catch (e) { x = e.code } fs.writeFileSync(" + JSON.stringify(path.join(dir, marker)) + ", x)")
  const main = path.join(dir, 'main.js')
  fs.writeFileSync(main, "require('node:worker_threads').parentPort.postMessage('main ran')")
  const nestedSource = (url) => "const { Worker, parentPort } = require('node:worker_threads'); const w = new Worker(new URL(" + JSON.stringify(url) + ")); w.on('message', (m) => parentPort.postMessage(m)); w.on('error', (e) => parentPort.postMessage('nested error: ' + e.message.split('\\\\n')[0])); w.on('exit', (c) => parentPort.postMessage('nested exit ' + c))"
  const nestedFile = path.join(dir, 'nested.js')
  fs.writeFileSync(nestedFile, nestedSource(leaks))
  const start = (W, what, options) => new Promise((resolve) => {
    const got = []
    let w
    try { w = new W(what, options) } catch (e) { return resolve({ refused: e.code }) }
    w.on('message', (m) => got.push(m))
    w.on('error', (e) => got.push({ error: e.name + ': ' + e.message.split('\\n')[0] }))
    w.on('exit', (code) => { got.push({ exit: code }); resolve(got) })
  })
  const { Worker } = require('node:worker_threads')
  // Without the guard, for comparison.
  const plainRuns = (W) => Promise.all([plain, throws, syntax, exits].map((url) => start(W, new URL(url))))
  const unguarded = await plainRuns(Worker)
${workerEngine()}
  const G = require('node:worker_threads').Worker
  const read = (marker) => { const f = path.join(dir, marker); if (!fs.existsSync(f)) return 'no'; const v = fs.readFileSync(f, 'utf8'); fs.rmSync(f); return v }
  const inTestMarked = async (name, fn, marker) => ({ ...(await inTest(name, fn)), ran: read(marker) })
  const allowEval = () => core.allowAudit({ eval: true })
  const r = { unguarded }
  r.refused = await inTest('data: worker', () => start(G, new URL(leaks)))
  r.leaks = await inTest('data: worker allowed', () => { allowEval(); return start(G, new URL(leaks)) })
  r.allowedAll = await inTest('data: worker, all allowed', () => { core.allowAudit({ eval: true, net: [kit.EXTERNAL], exec: ['true'] }); return start(G, new URL(leaks)) })
  r.same = await inTest('data: worker as unguarded', () => { allowEval(); return plainRuns(G) })
  r.evalImport = await inTest('eval importing data:', () => { allowEval(); return start(G, 'import(' + JSON.stringify(leaks) + ')', { eval: true }) })
  r.importFlag = await inTestMarked('--import data:', () => start(G, main, { execArgv: ['--import', sideEffect('imported')] }), 'imported')
  r.importFlagEq = await inTestMarked('--import=data:', () => start(G, main, { execArgv: ['--import=' + sideEffect('imported')] }), 'imported')
  r.importFlagAllowed = await inTestMarked('--import data: allowed', () => { allowEval(); return start(G, main, { execArgv: ['--import', sideEffect('imported')] }) }, 'imported')
  r.nestedFile = await inTest('nested in a file worker', () => { allowEval(); return start(G, nestedFile) })
  r.nestedEval = await inTest('nested in an eval worker', () => { allowEval(); return start(G, nestedSource(leaks), { eval: true }) })
  r.nestedData = await inTest('nested in a data: worker', () => { allowEval(); return start(G, new URL(module("const w = new (await import('node:worker_threads')).Worker(new URL(" + JSON.stringify(leaks) + ")); w.on('message', post)"))) })
  r.nestedRefused = await inTest('nested refused', () => start(G, nestedFile))
  r.unref = await inTest('unref', () => { allowEval(); const w = new G(new URL(plain)); w.unref(); w.ref(); return new Promise((resolve) => w.once('message', resolve)) })
  await outside.close()
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

describe.each(nodes)('a data: URL worker and data: modules in workers, on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe<Probed>(bin, DATA_WORKER_PROBE, { timeout: 90_000, args: ['--no-warnings'] })).result
  }, 120_000)
  const leaked = { net: 'LEAKGATE_NET_BLOCKED', exec: 'LEAKGATE_EXEC_BLOCKED' }
  const caught = ['net.connect worker', 'child_process.execFileSync worker']

  test('refused at new Worker() without an eval allowance', () => {
    expect(r.refused.value).toEqual({ refused: 'LEAKGATE_EVAL_BLOCKED' })
    expect(r.refused.violations).toEqual(['new Worker(eval) self'])
  })

  test('allowed, it runs guarded: its connect and spawn are caught in the test', () => {
    expect(r.leaks).toEqual({ value: [leaked, { exit: 0 }], violations: caught })
    expect(r.allowedAll).toEqual({ value: [{ net: 'connected', exec: 'ran' }, { exit: 0 }], violations: [] })
  })

  test('allowed, it behaves as unguarded: messages, argv, error event, exit code, top-level await', () => {
    expect(r.same.violations).toEqual([])
    expect(r.same.value).toEqual(r.unguarded)
    const [plain, throws, syntax, exits] = r.unguarded
    expect(plain).toEqual([{ argv: [], evalp: false, url: 'data:' }, { exit: 0 }])
    expect(throws).toEqual([{ error: 'TypeError: boom' }, { exit: 1 }])
    expect(syntax[0].error).toMatch(/^SyntaxError/)
    expect(exits).toEqual(['exiting', { exit: 7 }])
  })

  test('eval code importing a data: URL runs guarded', () => {
    expect(r.evalImport).toEqual({ value: [leaked, { exit: 0 }], violations: caught })
  })

  test('an --import data: in its execArgv is code from a string, decided at new Worker()', () => {
    for (const key of ['importFlag', 'importFlagEq']) {
      expect(r[key].value, key).toEqual({ refused: 'LEAKGATE_EVAL_BLOCKED' })
      expect(r[key].ran, key).toBe('no')
      expect(r[key].violations, key).toEqual(['new Worker(--import data:) self'])
    }
    expect(r.importFlagAllowed.value).toEqual(['main ran', { exit: 0 }])
    expect(r.importFlagAllowed.ran).toBe('LEAKGATE_EXEC_BLOCKED')
    expect(r.importFlagAllowed.violations).toEqual(['child_process.execFileSync worker'])
  })

  test('nested data: workers run guarded, in a file, eval or data: worker', () => {
    for (const key of ['nestedFile', 'nestedEval']) {
      expect(r[key].value, key).toEqual([leaked, 'nested exit 0', { exit: 0 }])
      expect(r[key].violations, key).toEqual(caught)
    }
    expect(r.nestedData.value).toEqual([leaked, { exit: 0 }])
    expect(r.nestedData.violations).toEqual(caught)
    // Refused by its constructor, which throws in the outer worker: that worker's 'error' event.
    expect(r.nestedRefused.value).toEqual([
      { error: expect.stringMatching(/^LeakgateError: blocked new Worker\(eval\) of /) },
      { exit: 1 },
    ])
    expect(r.nestedRefused.violations).toEqual(['new Worker(eval) worker'])
  })

  test('ref and unref are untouched', () => {
    expect(r.unref).toEqual({ value: { argv: [], evalp: false, url: 'data:' }, violations: [] })
  })
})
