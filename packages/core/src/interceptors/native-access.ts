import { isMainThread } from 'node:worker_threads'
import { packageOf, StackCapture } from '../attribution.js'
import type { CheckRequest, Engine, Outcome } from '../engine.js'
import { relativeTo } from '../paths.js'
import { formatCommand } from '../redact.js'
import { isTrustedOperation } from '../trusted-operations.js'
import { checkSpawn } from './child-process.js'
import { decideSafely } from './fail-closed.js'
import { patchMethod, type Restore } from './patch.js'
import { raise } from './raise.js'

const diagnostics = process.getBuiltinModule('node:diagnostics_channel')

// Ways past every other layer, each audited as an `exec` event of its own:
// - `process.dlopen`: loading a native addon (`require('x.node')` calls the property), from disk
//   or, on Node 26 with `--experimental-vfs`, from a mounted `node:vfs` (installVfs below).
// - `process.binding`: raw access to Node's native bindings.
// - `process.execve` (Node 22+): replaces the process. A reference captured before install
//   cannot be intercepted; the `process.execve` diagnostics channel is published just before
//   the syscall, and a violation seen there exits the process (fail closed).
// - `node:ffi` (Node 26, on by default): `dlopen` and `DynamicLibrary` reach libc directly.
//   Consider `--no-experimental-ffi` in NODE_OPTIONS where tests do not need it.
// - `node:sqlite` (Node 22.13+): `DatabaseSync#loadExtension(path)` dlopens a shared library
//   (its constructors run before SQLite even looks for the entry point) on a database opened
//   with `allowExtension: true`. SQL's `load_extension()` stays disabled by Node.
// - `--expose-internals` given to a worker (`execArgv`) or a Node child: `internalBinding` and
//   Node's internal modules, every binding and every native compile (`ModuleWrap`, contextify)
//   below the patched exports. NODE_OPTIONS cannot carry it; `new Worker()` can, with no other
//   event. Decided as the thread or child enters the test's context, before its code runs.
//
// Cannot see: what a native addon or an FFI library does once loaded; a captured
// `process.dlopen` or `process.binding`.

type Skip = (...args: never[]) => unknown

/** The `process.dlopen` call decided and on its way down, to the guard's own earlier wrapper. */
let passing: { module: unknown; file: string } | undefined

function checkNative(
  engine: Engine,
  event: string,
  file: string,
  args: string[],
  skip: Skip,
  extra: Partial<CheckRequest> = {},
) {
  return engine.check({
    category: 'exec',
    event,
    target: formatCommand(file, args),
    decide: { category: 'exec', commands: [{ file, args }] },
    args: [file, ...args],
    suggestion: `'${file}'`,
    skip,
    ...extra,
  })
}

/**
 * How a library file is named when it may belong to a package: relative to the project root, and
 * allowed by a `{ from }` rule naming its package (`process.dlopen`, `sqlite.loadExtension`).
 */
function ownedLibrary(engine: Engine, file: string): Partial<CheckRequest> {
  const owner = packageOf(file)
  return {
    target: relativeTo(engine.policy.root, file),
    suggestion: owner ? `{ from: '${owner}' }` : `'${file}'`,
    ...(owner ? { packages: [owner] } : {}),
  }
}

/**
 * Decides opening the native library `file` as `event` (fail closed: decideSafely), named by its
 * package when `owned` (ownedLibrary); throws the refusal.
 */
function decideLibrary(engine: Engine, event: string, file: string, skip: Skip, owned = false): void {
  const outcome = decideSafely(engine, 'exec', event, skip, () =>
    checkNative(engine, event, file, [], skip, owned ? ownedLibrary(engine, file) : {}),
  )
  if (!outcome.ok) raise(outcome.error)
}

export function installNativeAccess(engine: Engine, restores: Restore[]): void {
  const proc = process as unknown as Record<string, unknown>

  const patched = restores.length
  patchMethod<(module: unknown, filename: string, flags?: number) => void>(
    restores,
    process,
    'dlopen',
    (realDlopen) =>
      function dlopen(this: unknown, module: unknown, filename: unknown, ...rest: unknown[]) {
        if (!engine.active) return Reflect.apply(realDlopen, this, [module, filename, ...rest])
        // The native call converts the file name to a string: once, here, and it gets that string.
        const file = typeof filename === 'string' ? filename : `${filename as string}`
        // Node's VFS replacement of process.dlopen (wrapped too) hands a real file to the one it
        // found, this very wrapper: that load was decided once, by the outer one.
        if (passing && passing.module === module && passing.file === file) {
          passing = undefined
          return Reflect.apply(realDlopen, this, [module, file, ...rest])
        }
        decideLibrary(engine, 'process.dlopen', file, dlopen, true)
        const outer = passing
        passing = { module, file }
        try {
          return Reflect.apply(realDlopen, this, [module, file, ...rest])
        } finally {
          passing = outer
        }
      },
  )
  const dlopenRestore = restores[patched]
  if (dlopenRestore) installVfs(restores, dlopenRestore)

  patchMethod<(name: string) => unknown>(
    restores,
    process,
    'binding',
    (realBinding) =>
      function binding(this: unknown, name: unknown) {
        if (!engine.active) return Reflect.apply(realBinding, this, [name])
        // Node's own process.binding starts with `String(name)`: the same conversion, once.
        const module = String(name)
        const outcome = decideSafely(engine, 'exec', 'process.binding', binding, () => {
          // The test framework reading a binding for itself is runner work, not the test's:
          // Vitest 3.2's snapshot and mocker packages call process.binding('util') as they load,
          // once per test file in the vm pools.
          const stack = new StackCapture(engine.filter, binding)
          if (isTrustedOperation(stack, engine.filter, module)) return { ok: true }
          return checkNative(engine, 'process.binding', 'process.binding', [module], binding, { stack })
        })
        if (!outcome.ok) raise(outcome.error)
        return Reflect.apply(realBinding, this, [module])
      },
  )

  if (typeof proc.execve === 'function') {
    let throughWrapper = false
    patchMethod<(file: unknown, args?: unknown, env?: object) => unknown>(
      restores,
      process,
      'execve',
      (realExecve) =>
        function execve(this: unknown, file: unknown, args?: unknown, env?: object) {
          // Node refuses anything but a string and an array of strings (no NUL), and any call
          // from a worker thread, before it does anything: let it, in its own words.
          let passed = env
          if (engine.active && isMainThread && isExecveCall(file, args)) {
            const argv = args === undefined ? [] : (args as string[])
            // The environment, read once (a shell's BASH_ENV or exported functions are code it
            // runs): Node is handed the very values decided on.
            const read = readEnv(env)
            if (env !== undefined && read.copy) passed = read.copy
            const outcome = decideSafely(engine, 'exec', 'process.execve', execve, () =>
              checkSpawn(engine, { file, argv, envPairs: read.pairs }, 'process.execve', execve),
            )
            if (!outcome.ok) raise(outcome.error)
          }
          throughWrapper = true
          try {
            return Reflect.apply(realExecve, this, [file, args, passed])
          } finally {
            throughWrapper = false
          }
        },
    )
    const onExecve = (message: unknown) => {
      if (throughWrapper || !engine.active) return
      const { execPath, args, env } = (message ?? {}) as { execPath?: string; args?: string[]; env?: unknown }
      const file = String(execPath)
      const envPairs = Array.isArray(env) ? env.filter((pair): pair is string => typeof pair === 'string') : []
      const outcome = decideSafely(engine, 'exec', 'process.execve', onExecve as Skip, () =>
        checkSpawn(
          engine,
          { file, argv: Array.isArray(args) ? args : [file], envPairs },
          'process.execve',
          onExecve as Skip,
        ),
      )
      if (!outcome.ok) {
        // A captured reference: the syscall cannot be stopped, only the process. Fail closed.
        process.stderr.write(`${outcome.error.message}\n\nleakgate stopped this process before process.execve ran.\n`)
        process.exit(1)
      }
    }
    diagnostics.subscribe('process.execve', onExecve)
    const unsubscribe: Restore = () => {
      diagnostics.unsubscribe('process.execve', onExecve)
    }
    // unsubscribe() answers whether it was subscribed: checking puts it back at once.
    unsubscribe.label = () => "leakgate's diagnostics_channel subscriber of 'process.execve'"
    unsubscribe.intact = () => {
      const subscribed = diagnostics.unsubscribe('process.execve', onExecve)
      diagnostics.subscribe('process.execve', onExecve)
      return subscribed
    }
    unsubscribe.repair = () => true
    restores.push(unsubscribe)
  }

  installFfi(engine, restores)
  installSqlite(engine, restores)
}

/**
 * A worker or Node child whose `--expose-internals` its parent did not have: decided like
 * `process.binding`, as the event `internalBinding` (`exec: ['internalBinding']` allows it).
 */
export function checkExposedInternals(engine: Engine, skip: Skip): Outcome {
  return decideSafely(engine, 'exec', 'internalBinding', skip, () =>
    checkNative(engine, 'internalBinding', 'internalBinding', ['--expose-internals'], skip, {
      suggestion: `'internalBinding'`,
    }),
  )
}

/** A Symbol is never a path: Node refuses it, after its own checks of the database's state. */
const NOT_A_PATH = Symbol('not a path')

function installSqlite(engine: Engine, restores: Restore[]): void {
  const sqlite = loadQuietly('node:sqlite')
  if (!sqlite) return
  // Every class the module exports that can load an extension (DatabaseSync; any sibling later).
  for (const value of Object.values(sqlite)) {
    const proto = (value as { prototype?: unknown } | null)?.prototype
    if (typeof value !== 'function' || typeof proto !== 'object' || proto === null) continue
    if (typeof Object.getOwnPropertyDescriptor(proto, 'loadExtension')?.value !== 'function') continue
    patchMethod<(path: string, ...rest: unknown[]) => unknown>(
      restores,
      proto,
      'loadExtension',
      (realLoad) =>
        function loadExtension(this: unknown, path: unknown, ...rest: unknown[]) {
          // Node refuses, before loading anything, a closed database, one that does not allow
          // extensions, a `this` that is no database, then a path that is not a string: those
          // are left to Node, in its own words, with no event. Its state checks come before its
          // path check, so a call with a path it refuses tells whether this one reaches the load.
          if (engine.active && typeof path === 'string' && !refusedBeforeLoad(realLoad, this)) {
            decideLibrary(engine, 'sqlite.loadExtension', path, loadExtension, true)
          }
          return Reflect.apply(realLoad, this, [path, ...rest])
        },
    )
  }
}

/**
 * Does Node refuse `loadExtension` on `database` before its path is read (a closed database, one
 * that does not allow extensions, no database at all)? Anything else, the path is decided.
 */
function refusedBeforeLoad(realLoad: (path: string) => unknown, database: unknown): boolean {
  try {
    Reflect.apply(realLoad, database, [NOT_A_PATH])
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
    return code === 'ERR_INVALID_STATE' || (code === undefined && message === 'Illegal invocation')
  }
  return false
}

/**
 * Node 26's `node:vfs` (`--experimental-vfs`): the first `mount()` replaces `process.dlopen` with
 * a function that loads an addon under the VFS root from its bytes (an internal binding, not the
 * guarded function) and hands any other file to the `process.dlopen` it found, the guard's; the
 * last `unmount()` puts that one back. Both are the platform's own replacements, seen as Node's
 * `mount()` and `unmount()` make them: the guard wraps Node's function (a VFS addon is decided
 * as `process.dlopen` too; a real file is decided once, by the outer wrapper) and takes its own
 * wrapper back on the unmount; neither is tampering. A test's replacement found as it mounts is
 * put back first (and reported), so Node's function wraps the guard's; what Node puts back on
 * the last unmount when it is not the guard's is the integrity check's to report.
 *
 * Left open: a test's own code running inside Node's `mount()` (an accessor it defined on the
 * VFS object) that replaces `process.dlopen` just before Node reads it: Node's function then
 * calls the test's, unreported (every call is still decided by the guard's wrapper first). A VFS
 * mounted before the guard was installed (a preload) and unmounted after: Node putting back its
 * own original reads as tampering.
 */
function installVfs(restores: Restore[], dlopen: Restore): void {
  // Module.isBuiltin('node:vfs') is true only with the flag (and Module.isBuiltin is Node 18.6+).
  const { isBuiltin } = process.getBuiltinModule('node:module') as { isBuiltin?: (id: string) => boolean }
  if (typeof isBuiltin !== 'function' || !isBuiltin('node:vfs')) return
  const vfs = loadQuietly('node:vfs') as { VirtualFileSystem?: { prototype?: object } } | undefined
  const proto = vfs?.VirtualFileSystem?.prototype
  if (!proto) return
  const { intact, adopt, repair } = dlopen
  if (!intact || !adopt || !repair) return
  for (const name of ['mount', 'unmount'] as const) {
    patchMethod<(...args: unknown[]) => unknown>(
      restores,
      proto,
      name,
      (real) =>
        function (this: unknown, ...args: unknown[]) {
          // A test's replacement found here is put back now (and reported all the same), so that
          // Node's function wraps the guard's, as it does when nothing disturbed it.
          if (name === 'mount' && !intact() && repair()) dlopen.disturbed = true
          const before = intact()
          try {
            return Reflect.apply(real, this, args)
          } finally {
            // Mounting, Node makes a function of its own: wrapped. Unmounting, it puts back the
            // one it found, the guard's earlier wrapper: that state again (anything else it puts
            // back, it found there: a test's replacement, reported).
            if (before && !intact()) adopt(name === 'mount')
          }
        },
    )
  }
}

/** process.execve's environment (process.env when absent), read once: `KEY=value` pairs and a plain copy. */
function readEnv(env: unknown): { pairs: string[]; copy?: Record<string, unknown> } {
  const source = env === undefined ? process.env : env
  // Anything but a plain object is Node's to refuse, as given.
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return { pairs: [] }
  const pairs: string[] = []
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(source)) {
    const value = (source as Record<string, unknown>)[key]
    copy[key] = value
    if (typeof value === 'string') pairs.push(`${key}=${value}`)
  }
  return { pairs, copy }
}

function installFfi(engine: Engine, restores: Restore[]): void {
  const ffi = loadQuietly('node:ffi')
  if (!ffi) return
  if (typeof ffi.dlopen === 'function') {
    patchMethod<(path: string, ...rest: unknown[]) => unknown>(
      restores,
      ffi,
      'dlopen',
      (realDlopen) =>
        function dlopen(this: unknown, library: unknown, ...rest: unknown[]) {
          if (engine.active && (typeof library === 'string' || library === null)) {
            decideLibrary(engine, 'ffi.dlopen', libraryName(library), dlopen)
          }
          return Reflect.apply(realDlopen, this, [library, ...rest])
        },
    )
  }
  const RealLibrary = ffi.DynamicLibrary
  if (typeof RealLibrary === 'function') {
    const guarded: new (...args: unknown[]) => object = new Proxy(RealLibrary as new (...args: unknown[]) => object, {
      construct(target, args, newTarget): object {
        const library: unknown = args[0]
        if (engine.active && (typeof library === 'string' || library === null)) {
          decideLibrary(engine, 'ffi.DynamicLibrary', libraryName(library), guarded as never)
        }
        return Reflect.construct(target, args, newTarget === guarded ? target : newTarget)
      },
    })
    const descriptor = Object.getOwnPropertyDescriptor(ffi, 'DynamicLibrary')
    Object.defineProperty(ffi, 'DynamicLibrary', { ...descriptor, value: guarded })
    restores.push(() => {
      if (descriptor) Object.defineProperty(ffi, 'DynamicLibrary', descriptor)
    })
  }
}

/**
 * What `node:ffi` opens: a path, or `null` (dlopen(NULL): the running node binary itself, with
 * libc linked in). It refuses anything else before opening anything.
 */
function libraryName(library: string | null): string {
  return library === null ? process.execPath : library
}

/** The arguments `process.execve` accepts: a string, and an array of strings without NUL. */
function isExecveCall(file: unknown, args: unknown): file is string {
  if (typeof file !== 'string' || file.includes('\u0000')) return false
  if (args === undefined) return true
  return Array.isArray(args) && args.every((arg) => typeof arg === 'string' && !arg.includes('\u0000'))
}

/** Loads an experimental builtin without printing its ExperimentalWarning on the user's behalf. */
function loadQuietly(id: string): Record<string, unknown> | undefined {
  const emitWarning = process.emitWarning
  // Reflect.set: a read-only emitWarning (a frozen process) is left as it is, never thrown on.
  const quieted = Reflect.set(process, 'emitWarning', () => {})
  try {
    return process.getBuiltinModule(id) as Record<string, unknown> | undefined
  } catch {
    return undefined
  } finally {
    if (quieted) Reflect.set(process, 'emitWarning', emitWarning)
  }
}
