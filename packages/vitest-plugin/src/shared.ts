import type { LeakgateOptions, TrustedOperation } from '@leakgate/core'

// What the plugin (Vitest's main process) hands to the setup file (every worker) through
// Vitest's `provide`/`inject`. It must survive structured cloning: plain JSON only.

/** The `provide` key. */
export const PROVIDE_KEY = '__leakgate'

export interface WorkerPayload {
  /** Bumped when this shape changes incompatibly. */
  protocol: 1
  /** Core options, validated in the main process; `sinkDir` is set per run. */
  options: LeakgateOptions
}

/**
 * Vitest's own code: never blamed for an event, never the package a `{ from }` rule names.
 * Being on the stack trusts nothing (FRAMEWORK_OPERATIONS below does). jsdom's are core's
 * (JSDOM_PATHS), added where the worker opens its session.
 */
export const FRAMEWORK_PATHS: readonly string[] = [
  '/node_modules/vitest/dist/',
  '/node_modules/vite-node/dist/',
  '/node_modules/tinypool/dist/',
  '/node_modules/vite/dist/node/module-runner',
  '/node_modules/@vitest/runner/dist/',
  '/node_modules/@vitest/snapshot/dist/',
  '/node_modules/@vitest/utils/dist/',
  '/node_modules/@vitest/mocker/dist/',
  '/node_modules/@vitest/spy/dist/',
  // Vitest 3.2's spies (@vitest/spy wraps it; 4.x bundles its own).
  '/node_modules/tinyspy/dist/',
  '/node_modules/@vitest/expect/dist/',
  '/node_modules/@vitest/pretty-format/dist/',
  '/node_modules/@vitest/coverage-v8/dist/',
  '/node_modules/@vitest/coverage-istanbul/dist/',
]

/** An id the Vite server serves the module runner (any but a data: URL, which is code from a string). */
const SERVED_ID = /^(?!\s*data:)./is

/**
 * Where Vitest compiles code on its own account (trusted-operations.ts); trust never applies to
 * `net` or `exec`. Traced on Vitest 3.2, 4.1 and 5.1 over the fixtures (every compile whose
 * caller is a framework file logged with its function), forks, threads and the vm pools:
 * - loading a module the Vite server served, under any id but a data: URL (a real file, a
 *   plugin's virtual module, a transform's runtime helper): the module evaluator (4.1
 *   `_runInlinedModule`, 5.1 `runInlinedModule`/`getVmInlineScript`), vite-node's and 3.2's
 *   `runModule`; the vm pools' CommonJS `_compile`, named after its real file;
 * - its own fixed code: the vm pools' primitives and `runInContext('this')` (constructors,
 *   `setupVM`), the CSS client stub, the config's `define`s;
 * - a snapshot file read by `getSnapshotData` (5.1 `evaluateSnapshotFile`);
 * - jsdom's own code generation (creating its window, probing with a window's eval, nwsapi):
 *   core's JSDOM_OPERATIONS, added where the worker opens its session;
 * - 3.2's snapshot and mocker packages reading `process.binding('util')` as they load.
 * `vi.fn`, `vi.spyOn`, the runner calling a test and `expect` calling a predicate are no
 * operation: what they forward is the test's.
 */
export const FRAMEWORK_OPERATIONS: readonly TrustedOperation[] = [
  // The module runner evaluating what the Vite server handed it: a file, or a module that is
  // no file (a plugin's virtual module under its `\0` or `virtual:` id, a transform's runtime
  // helper such as `\0@oxc-project+runtime@…/helpers/esm/usingCtx.js` for `await using`,
  // `/@id/…`, Vite's `/@vite/env`). Its code comes from the config's plugins, not from a test.
  // Only a data: URL under its own id is code from a string (the runner imports those natively,
  // decided by core's load hook or when linked, but an id of that scheme is never trusted here).
  {
    file: '/node_modules/vitest/dist/',
    fn: ['_runInlinedModule', 'runInlinedModule', 'getVmInlineScript', 'runModule'],
    compiles: 'module',
    ids: SERVED_ID,
  },
  // The vm pools' CommonJS loader: a real file (or Vite's environment module, as before).
  { file: '/node_modules/vitest/dist/', fn: ['_compile'], compiles: 'module', ids: /^\/@vite\/env$/ },
  { file: '/node_modules/vite-node/dist/', fn: ['runModule'], compiles: 'module', ids: SERVED_ID },
  {
    file: '/node_modules/vitest/dist/',
    fn: '*',
    compiles: 'own',
    code: /^(?:this|\(\{(?: [A-Z]\w*,?)+ \}\))$/,
  },
  { file: '/node_modules/vitest/dist/', fn: ['getDefaultRequestStubs'], compiles: 'own' },
  {
    file: '/node_modules/vitest/dist/',
    fn: ['setupBaseEnvironment', 'runVmTests'],
    compiles: 'own',
  },
  { file: '/node_modules/@vitest/snapshot/dist/', fn: ['getSnapshotData'], compiles: 'own' },
  { file: '/node_modules/vitest/dist/', fn: ['getSnapshotData', 'evaluateSnapshotFile'], compiles: 'own' },
  // Vite's module runner measuring an async function's padding (Function family: the code is
  // decided as `(params) => { body }`).
  {
    file: '/node_modules/vite/dist/node/module-runner',
    fn: '*',
    compiles: 'own',
    code: /^\(a, b\) => \{ \/\*code\*\/ \}$/,
  },
  { file: '/node_modules/@vitest/snapshot/dist/', fn: '*', compiles: 'own', code: /^util$/ },
  { file: '/node_modules/@vitest/mocker/dist/', fn: '*', compiles: 'own', code: /^util$/ },
]
