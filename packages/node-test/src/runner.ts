import type * as AsyncHooks from 'node:async_hooks'

// node:test's Test class, reached without its exports. `import test from 'node:test'`,
// `require('node:test')`, `t.test()`, `describe`/`it`, `suite` and every hook all end in one
// internal class (lib/internal/test_runner/test.js, same shape in Node 20.16 to 26.x):
//
// - `Test extends AsyncResource`; `Suite` and `TestHook` extend `Test`;
// - a test's function and a hook's run through `this.runInAsyncScope(fn, ctx, ...args)` from
//   `Test#run` (a describe body too, from the Suite constructor);
// - `Test#getRunArgs()` makes the TestContext that the test and its beforeEach/afterEach hooks
//   get as `this` (TestHook#getRunArgs hands on the test's own);
// - `Test#postRun()` reports the result: a failure set with `fail()` before it is the test's;
// - a failing `after` hook of the root is reported as a failure of the file.
//
// Patching the export would miss the default export (`test` itself is `module.exports`), which
// no syncBuiltinESMExports() can replace. The class is found as the resource of the first
// AsyncResource of type 'Test' (the root test, created on the first `test()` call), seen by an
// init hook that is removed right after.

export interface TestLike {
  name: string
  parent: TestLike | null
  fn: (...args: unknown[]) => unknown
  hookType?: string
  reportedType?: string
  /** TestHook: the test or suite it belongs to. */
  parentTest?: TestLike
  loc?: { file?: string; line?: number; column?: number }
  /** Node 22.8+: the file of a test (isolation 'none' runs several files in one process). */
  entryFile?: string
  hooks?: { after: unknown[] }
  error: unknown
  passed: boolean
  fail(error: unknown): void
}

export interface TestClass {
  prototype: TestLike & {
    runInAsyncScope(fn: (...args: unknown[]) => unknown, thisArg: unknown, ...args: unknown[]): unknown
    getRunArgs(): { ctx: object; args: unknown[] }
    postRun(...args: unknown[]): unknown
    runHook(name: string, args: unknown): Promise<void>
  }
}

/** Calls `found` with node:test's Test class when the first test object is created. */
export function whenTestClassFound(found: (Test: TestClass, root: TestLike) => void): void {
  const asyncHooks = process.getBuiltinModule('node:async_hooks') as typeof AsyncHooks
  let done = false
  const hook = asyncHooks.createHook({
    init(_id, type, _trigger, resource) {
      if (done || type !== 'Test') return
      done = true
      // Disabling from inside init is allowed; the rest of the run pays nothing for it.
      hook.disable()
      // The root test's own prototype: a plain Test (subclasses come later).
      let proto = Object.getPrototypeOf(resource) as object | null
      while (proto && proto.constructor?.name !== 'Test') proto = Object.getPrototypeOf(proto) as object | null
      if (!proto) return
      found(proto.constructor as unknown as TestClass, resource as TestLike)
    },
  })
  hook.enable()
}

/** The names from the file's top down to this test (suites included, the root left out). */
export function namePath(test: TestLike): string[] {
  const names: string[] = []
  for (let at: TestLike | null = test; at?.parent; at = at.parent) names.unshift(at.name)
  return names
}

export function isHook(test: TestLike): boolean {
  return typeof test.hookType === 'string'
}

export function isSuite(test: TestLike): boolean {
  return test.reportedType === 'suite'
}
