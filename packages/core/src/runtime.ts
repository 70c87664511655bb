import { syncBuiltinESMExports } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Engine } from './engine.js'
import { syncEvalInspector } from './interceptors/inspect-eval.js'
import { guardModuleClass as guardModules } from './interceptors/module-loader.js'
import { findNatives, releaseNativeSources } from './interceptors/natives.js'
import { disguiseToString } from './interceptors/patch.js'
import { tameRealm as tame } from './interceptors/realm.js'
import { INTERCEPTORS } from './interceptors/registry.js'
import type { LeakgateOptions } from './options.js'
import type { TrustedOperation } from './trusted-operations.js'

const fs = process.getBuiltinModule('node:fs')
const path = process.getBuiltinModule('node:path')

// One engine per process or thread, found through a global symbol, so two copies of the
// package (ESM and CJS builds, or two versions) share it. In a vm context (Vitest's vm pools,
// Jest's test context) the engine lives in the outer realm: it is loaded there, never created
// inside a realm that will be thrown away.

/** Where the engine of this process is found (on `process` and on each realm's global). */
export const ENGINE_KEY: unique symbol = Symbol.for('leakgate.engine') as never
const KEY = ENGINE_KEY
const SAVE_CODE_CACHE = Symbol.for('leakgate.saveCodeCache')
// The CJS build has `__filename`; its shim of `import.meta.url` (pathToFileURL, then back) cost a
// Node 20 worker ~1 ms at load.
const here = path.dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url))

/**
 * TypeScript loaders compile files through Module#_compile (jiti through vm): trusted when the
 * compile names a real file (a module of that file, transformed), like the frameworks' loaders.
 */
const LOADER_PATHS = [
  '/node_modules/ts-node/',
  '/node_modules/tsx/',
  '/node_modules/@swc-node/register/',
  '/node_modules/@babel/register/',
  '/node_modules/esbuild-register/',
  '/node_modules/pirates/',
  '/node_modules/jiti/',
]

/**
 * Helpers the loaders run while they load: v8-compile-cache-lib (ts-node 10 requires `typescript`
 * through it) and v8-compile-cache ask V8 whether it makes code caches by compiling the script
 * `""` (`supportsCachedData`, in both 3.0.1 and 2.4.0), in a try that falls back to a plain
 * require. That fixed code is theirs; the modules they then compile are decided as module loads
 * (module-loader.ts, compilesLoadingFile).
 */
/** One string literal, nothing else: it evaluates to its characters and runs nothing. */
const STRING_LITERAL = /^(?:'(?:[^'\\\n\r]|\\[^\n\r])*'|"(?:[^"\\\n\r]|\\[^\n\r])*")$/
const LOADER_HELPER_OPERATIONS: TrustedOperation[] = [
  ...['/node_modules/v8-compile-cache-lib/', '/node_modules/v8-compile-cache/'].map(
    (file): TrustedOperation => ({ file, fn: ['supportsCachedData'], compiles: 'own', code: /^""$/ }),
  ),
  // es-module-lexer reads an import's specifier by evaluating its string literal
  // (`function decode(s) { try { return (0, eval)(s) } catch {} }`, 1.x), minified in its own
  // dist and in tsx's bundle of it (tsx 4.23.15, dist/lexer-*.cjs/.mjs, as `N`): tsx's ESM loader
  // reads every import so on Node 20. Only a lone string literal, which runs nothing.
  ...['/node_modules/es-module-lexer/dist/', '/node_modules/tsx/dist/'].map(
    (file): TrustedOperation => ({ file, fn: '*', compiles: 'own', code: STRING_LITERAL }),
  ),
  // esbuild-register 3.6.0 reads the project's tsconfig.json / jsconfig.json (or package.json)
  // as `new Function('return ' + text)` (`jsoncParse`, called only by its config loader with a
  // file's text), in a try that drops the options when it fails. Its frames are a loader's, so
  // `{ from: 'esbuild-register' }` could not allow it.
  { file: '/node_modules/esbuild-register/dist/', fn: ['jsoncParse'], compiles: 'own', code: /^return / },
]

function inForeignRealm(): boolean {
  const fsModule = process.getBuiltinModule?.('node:fs')
  return fsModule !== undefined && Object.getPrototypeOf(fsModule) !== Object.prototype
}

function lookup(): Engine | undefined {
  const holder = globalThis as unknown as Record<symbol, Engine | undefined>
  return holder[KEY] ?? (process as unknown as Record<symbol, Engine | undefined>)[KEY]
}

/** The engine of this process or thread, created (passive: nothing decided) on first use. */
export function getEngine(): Engine {
  const found = lookup()
  if (found) return found
  if (inForeignRealm()) {
    // The builtin's own createRequire: inside a Vitest vm context, an imported `node:module` is
    // Vitest's, which would evaluate the package inside the context again (and recurse).
    const builtin = process.getBuiltinModule('node:module') as typeof import('node:module')
    const outer = builtin.createRequire(path.join(here, 'index.cjs'))('./index.cjs') as { getEngine(): Engine }
    return outer.getEngine()
  }
  const engine = new Engine()
  const preload = path.join(here, 'preload.cjs')
  if (fs.existsSync(preload)) engine.preloadPath = preload
  engine.filter.internalDirs.push(here + path.sep)
  engine.filter.frameworkPaths.push(...LOADER_PATHS)
  engine.filter.operations.push(
    ...LOADER_PATHS.map((file) => ({ file, fn: '*' as const, compiles: 'module' as const })),
    ...LOADER_HELPER_OPERATIONS,
  )
  // An accessor, so copies of `process` (Jest's test context copies it deeply) share the engine.
  Object.defineProperty(process, KEY, { get: () => engine, configurable: true, enumerable: false })
  Object.defineProperty(globalThis, KEY, { value: engine, configurable: true, enumerable: false, writable: true })
  return engine
}

/** Puts the interceptors in place (idempotent). The engine stays passive until configured. */
export function installInterceptors(engine: Engine): void {
  if (engine.installed) return
  const context = { engine, natives: findNatives(), restores: engine.restores }
  try {
    for (const interceptor of INTERCEPTORS) interceptor.install(context)
    // Patched exports show Node's source to `Function.prototype.toString`, tamed realm or not.
    const showSource = disguiseToString(Function.prototype)
    if (showSource) engine.restores.push(showSource)
  } finally {
    releaseNativeSources()
  }
  // ESM facades of builtins were created from the exports; make named imports see the patches.
  syncBuiltinESMExports()
  engine.installed = true
  engine.guardedPatches.keepInterceptors(engine.restores)
}

/**
 * Installs leakgate in this process (or thread) with these options and starts deciding.
 * Idempotent: calling it again applies the new options. Throws `LEAKGATE_INVALID_OPTION` on bad
 * options. Code generation is audited in the realms passed to `tameRealm()`.
 */
export function install(options?: LeakgateOptions): Engine {
  const engine = getEngine()
  engine.configure(options)
  if (engine.policy.mode !== 'off') installInterceptors(engine)
  syncEvalInspector(engine)
  return engine
}

/**
 * Removes every patch and untames every realm. Recorded events stay readable. From inside a test
 * it does nothing but record a LEAKGATE_TAMPERED violation that fails the test.
 */
export function uninstall(): void {
  const engine = lookup()
  if (!engine) return
  // Called by test code, it is tampering: recorded as LEAKGATE_TAMPERED, the guard stays.
  engine.uninstall(syncBuiltinESMExports, uninstall)
}

/** Audits code generation (Function family, eval) in the realm whose global this is. */
export function tameRealm(global: typeof globalThis = globalThis): () => void {
  const engine = getEngine()
  const untame = tame(engine, global)
  // The CommonJS build's loader (build/runtime-loader.cjs) leaves this when it found no usable
  // code cache: made now, the cache holds what install and taming compiled.
  if (engine.installed) (process as unknown as Record<symbol, (() => void) | undefined>)[SAVE_CODE_CACHE]?.()
  return untame
}

/**
 * Guards a test framework's own CommonJS module class (the `node:module` Vitest's vm pools give a
 * test's context): a `_compile` that hands it anything but a file's content, from anyone but the
 * framework or a TypeScript loader, is decided as eval. Node's own class is guarded at install.
 * Returns the undo.
 */
export function guardModuleClass(ModuleClass: unknown): () => void {
  return guardModules(getEngine(), ModuleClass)
}
