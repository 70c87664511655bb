import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Engine, getEngine } from '@leakgate/core'
import { resolveFromProject } from './resolve.js'

// Jest compiles every module, mock and snapshot it loads through `vm` and the test context's own
// `Function`: that code generation is trusted, by the first stack frame outside Node and
// leakgate (eval only; trust never applies to net or exec). Traced on Jest 29.7 and 30.5 over
// the fixtures (every trusted first frame logged):
// - jest-runtime: `vm.Script` (29) / `vm.compileFunction` (30) for every CommonJS module,
//   `vm.SourceTextModule` for ESM;
// - jest-environment-node: `runInContext('this')` in its constructor, before this adapter's
//   constructor body can run (jest-environment-jsdom and @jest/environment-jsdom-abstract, the
//   same role);
// - jest-mock (29): `new this._environmentGlobal.Function(...)` for automocks;
// - jest-snapshot (29) / @jest/snapshot-utils (30): `new Function` to read `.snap` files;
// - jsdom `browser/Window.js` only: window setup (about 60 compiles). Inline `<script>` and `on*`
//   attributes compile test-driven code and stay audited.
// - babel-preset-current-node-syntax (babel-jest's default preset on Jest 29): probes syntax with
//   `(0, eval)('(() => { 1n })')` as babel-jest loads, in Jest's outer realm, so only
//   `inspectEval` sees it.
// The runner's frames below every test (jest-circus, jest-runner, jest-worker, @jest/core,
// jest-cli, p-limit for concurrent tests, co for generator tests, expect calling the function
// given to `toThrow`) generate no code; they are
// listed so that they never count as the package a `{ from }` suggestion names: a test's own
// `new Function` would otherwise be told to allow `{ from: 'jest-runner' }`, on every stack.
// Paths end in `/build/` because jest-environment-jsdom 30 ships its own nested jsdom, which
// must not be trusted wholesale.

export const JEST_FRAMEWORK_PATHS: readonly string[] = [
  '/node_modules/jest-runtime/build/',
  '/node_modules/jest-environment-node/build/',
  '/node_modules/jest-environment-jsdom/build/',
  '/node_modules/@jest/environment-jsdom-abstract/build/',
  '/node_modules/jest-mock/build/',
  '/node_modules/jest-snapshot/build/',
  '/node_modules/@jest/snapshot-utils/build/',
  '/jsdom/lib/jsdom/browser/Window.js',
  '/node_modules/babel-preset-current-node-syntax/',
  // jsdom's CSS selector engine compiles every selector to a function (querySelector, matches).
  '/node_modules/nwsapi/src/nwsapi.js',
  '/node_modules/@asamuzakjp/nwsapi/src/nwsapi.js',
  '/node_modules/jest-circus/build/',
  '/node_modules/jest-jasmine2/build/',
  '/node_modules/jest-runner/build/',
  '/node_modules/jest-worker/build/',
  '/node_modules/@jest/core/build/',
  '/node_modules/jest-cli/build/',
  '/node_modules/expect/build/',
  '/node_modules/p-limit/',
  '/node_modules/co/',
]

const here = path.dirname(fileURLToPath(import.meta.url)) + path.sep

/**
 * Jest 30 resolves modules with a native addon (unrs-resolver, behind jest-resolve) that it loads
 * on first use, which in a worker is inside the first test file, after the engine is on: loading
 * it is `process.dlopen`, an exec event (and unrs-resolver answers a failed load by running
 * napi-postinstall). Load it first, while the engine decides nothing.
 */
function loadJestNativeAddons(): void {
  const jestResolve = resolveFromProject('jest-resolve/package.json')
  if (!jestResolve) return
  try {
    createRequire(jestResolve)('unrs-resolver')
  } catch {
    // Jest 29 has no native resolver.
  }
}

/**
 * The engine of this process with Jest's paths trusted and this adapter's frames hidden.
 * Idempotent; must run before a base environment's constructor (it compiles with `vm`).
 */
export function prepareEngine(): Engine {
  const engine = getEngine()
  if (!engine.active) loadJestNativeAddons()
  const { filter } = engine
  if (!filter.internalDirs.includes(here)) filter.internalDirs.push(here)
  for (const fragment of JEST_FRAMEWORK_PATHS) {
    if (!filter.frameworkPaths.includes(fragment)) filter.frameworkPaths.push(fragment)
  }
  return engine
}
