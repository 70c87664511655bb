import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LeakgateOptions, TrustedOperation } from '@leakgate/core'
import { JSDOM_OPERATIONS, JSDOM_PATHS, openSession, type Session } from '@leakgate/core/session'
import { resolveFromProject } from './resolve.js'
import { noteOrphan } from './sink.js'

// Jest compiles every module, mock and snapshot it loads through `vm` and the test context's own
// `Function`: those operations are trusted (JEST_OPERATIONS below; eval only, never net or
// exec), not Jest's frames. Jest's frames (and jsdom's, core's JSDOM_PATHS, and babel's syntax
// probes) are listed in JEST_FRAMEWORK_PATHS only so that they are never blamed and never count as the
// package a `{ from }` suggestion names: the runner's frames below every test (jest-circus,
// jest-runner, jest-worker, @jest/core, jest-cli, p-limit for concurrent tests, co for generator
// tests, expect calling the function given to `toThrow`) would otherwise have a test's own
// `new Function` told to allow `{ from: 'jest-runner' }`, on every stack.

export const JEST_FRAMEWORK_PATHS: readonly string[] = [
  '/node_modules/jest-runtime/build/',
  '/node_modules/jest-environment-node/build/',
  '/node_modules/jest-environment-jsdom/build/',
  '/node_modules/@jest/environment-jsdom-abstract/build/',
  '/node_modules/jest-mock/build/',
  '/node_modules/jest-snapshot/build/',
  '/node_modules/@jest/snapshot-utils/build/',
  ...JSDOM_PATHS,
  '/node_modules/babel-preset-current-node-syntax/',
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

/**
 * Where Jest compiles code on its own account (core's trusted-operations.ts); traced on Jest
 * 29.7 and 30.5 over the fixtures, every compile whose caller is a Jest file logged with its
 * function:
 * - jest-runtime loading a module, named after its real file (`createScriptFromCode` on 29,
 *   `compile` on 30, `loadEsmModule` for ESM): any of its functions, since none of them compiles
 *   what a test hands it, and a compile named after no real file (a `data:` import) is no module;
 *   its require facade (30) is fixed code;
 * - `runInContext('this')` in the environments' constructors, and jsdom's own code generation
 *   (core's JSDOM_OPERATIONS: creating its window, probing with the window's eval, nwsapi);
 * - jest-mock's automock constructor (`_createMockFunction`: a body it writes from a sanitised
 *   name), a snapshot file read by `getSnapshotData`;
 * - babel-preset-current-node-syntax's syntax probes (`works`, 29), in Jest's outer realm.
 * jest-mock's mocks and spies, jest-each and the runner calling a test are no operation.
 */
export const JEST_OPERATIONS: readonly TrustedOperation[] = [
  { file: '/node_modules/jest-runtime/build/', fn: '*', compiles: 'module' },
  {
    file: '/node_modules/jest-runtime/build/',
    fn: ['requireFacadeFor'],
    compiles: 'own',
    code: /^export \* from 'original';\nexport \{default\} from 'original';\nexport const __esModule = true;$/,
  },
  { file: '/node_modules/jest-environment-node/build/', fn: '*', compiles: 'own', code: /^this$/ },
  { file: '/node_modules/jest-environment-jsdom/build/', fn: '*', compiles: 'own', code: /^this$/ },
  { file: '/node_modules/@jest/environment-jsdom-abstract/build/', fn: '*', compiles: 'own', code: /^this$/ },
  ...JSDOM_OPERATIONS,
  { file: '/node_modules/jest-mock/build/', fn: ['_createMockFunction'], compiles: 'own' },
  { file: '/node_modules/jest-snapshot/build/', fn: ['getSnapshotData'], compiles: 'own' },
  { file: '/node_modules/@jest/snapshot-utils/build/', fn: ['getSnapshotData'], compiles: 'own' },
  { file: '/node_modules/babel-preset-current-node-syntax/', fn: ['works'], compiles: 'own' },
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
 * This process's session with Jest's paths trusted and this adapter's frames hidden, with
 * `options` applied (validated; the environment reads them from the Jest config: options.ts), or
 * without: the options in force left as they are. Idempotent; must run before a base
 * environment's constructor (it compiles with `vm`).
 */
export function openJestSession(options?: LeakgateOptions): Session {
  const session = openSession({
    framework: 'jest',
    ...(options === undefined ? {} : { options }),
    trustedPaths: JEST_FRAMEWORK_PATHS,
    trustedOperations: JEST_OPERATIONS,
    ownDirs: [here],
    onOrphan: noteOrphan,
  })
  if (!session.auditing) loadJestNativeAddons()
  return session
}
