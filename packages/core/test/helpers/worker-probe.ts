// The start of a probe body (helpers/probe.ts) for the workers, children and loader threads a
// test starts, whose violations reach that test's scope after it ends.
//
// `workerFiles(tmpPrefix)`: in scope after it fs, path, os, Module; `dir` (a fresh temporary
// folder, its real path) and `write(name, text)` (a file in it, folders made; returns its path).
// `workerEngine(options)`, after it and whatever must run before install: `engine` (installed
// with `options.install`), `file` (the file scope of `dir/suite.test.js`, or `options.testFile`)
// and `inTest(name, fn)`, which runs fn in a test scope, waits `options.settle` ms for the
// scope's workers and children to report, ends the scope and returns `{ value, violations }`:
// each violation as `options.violation` makes it of `v`; a throw's value as `options.caught`
// makes it of `e`.

export function workerFiles(tmpPrefix: string): string {
  return `
  const fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const Module = require('node:module')
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), ${JSON.stringify(tmpPrefix)})))
  const write = (name, text) => { const file = path.join(dir, name); fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text); return file }
`
}

export interface WorkerEngineOptions {
  /** Source of the options given to `core.install`. */
  install?: string
  /** Source of the file scope's path. */
  testFile?: string
  /** How long the scope waits for its workers' and children's reports, in ms. */
  settle?: number
  /** Source of an expression of `v`, a violation, as reported. */
  violation?: string
  /** Source of an expression of `e`, what fn threw, as its value (by default it is thrown on). */
  caught?: string
}

export const VIOLATION_ORIGIN = "v.event + ' ' + (v.origin || 'self')"
export const VIOLATION_TRIPLE = "[v.event, v.origin || 'self', v.scope.test]"

export function workerEngine(options: WorkerEngineOptions = {}): string {
  const {
    install = "{ local: ['127.0.0.1', '::1'], sinkDir: path.join(dir, 'sink') }",
    testFile = "path.join(dir, 'suite.test.js')",
    settle = 50,
    violation = VIOLATION_ORIGIN,
    caught,
  } = options
  const run = caught ? `(async () => fn())().catch((e) => ${caught})` : 'fn()'
  return `
  const engine = core.install(${install})
  const file = engine.enterFile(${testFile})
  const inTest = async (name, fn) => {
    const scope = engine.createTestScope(name, file)
    const value = await engine.runInScope(scope, () => ${run})
    ${settle > 0 ? `await kit.sleep(${settle})` : ''}
    engine.endScope(scope)
    return { value, violations: engine.violationsOf(scope).map((v) => ${violation}) }
  }
`
}
