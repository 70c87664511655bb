import { isMainThread } from 'node:worker_threads'
import type { Engine } from '../engine.js'
import type { LeakgateError } from '../errors.js'
import type { AuditRecord, Mode } from '../events.js'
import type { LeakgateOptions } from '../options.js'
import type { Policy } from '../policy.js'
import { ENGINE_KEY, getEngine, guardModuleClass, install, tameRealm } from '../runtime.js'
import type { TrustedOperation } from '../trusted-operations.js'
import { TestFile } from './test-file.js'

// A test runner's session with leakgate in one process (or worker thread): the adapter says
// which framework it is, the options, what the framework compiles on its own account, and then
// translates its runner's events into these calls. Nothing else of the engine is the adapter's.

/** Options of `openSession()`. */
export interface SessionOptions {
  /** The runner: `vitest`, `jest`, `mocha`, `node-test`… (for messages and the report). */
  framework: string
  /** The runner's version, when known. */
  version?: string
  /**
   * The user's options, validated (throws `LEAKGATE_INVALID_OPTION`, naming the key). Applied
   * when they differ from those this process runs with; absent: the options in force stay (the
   * engine's defaults, or `LEAKGATE_*` from the environment, in a process nothing configured).
   */
  options?: LeakgateOptions
  /**
   * Path fragments (`/node_modules/vitest/dist/`) of the framework's code: never blamed for an
   * event, never the package a `{ from }` rule names. List the runner's own frames below every
   * test, so a suggestion never names the runner as the package to allow. Being on the stack
   * trusts nothing: see `trustedOperations`.
   */
  trustedPaths?: readonly string[]
  /**
   * The framework's own code generation (`TrustedOperation`: a named function that loads a
   * module from a real file, or compiles code it writes itself): trusted, by the function that
   * asks, never by a framework frame on the stack (a mock of `Function` is the test's eval).
   * Trust never applies to `net` or `exec`.
   */
  trustedOperations?: readonly TrustedOperation[]
  /**
   * The run's sink: the directory where this process appends every event (JSON lines) as it
   * happens, which the adapter's reporter (main process) created and reads back at the end of
   * the run. Default: `options.sinkDir`, else `LEAKGATE_SINK_DIR` from the environment.
   */
  sinkDir?: string
  /** Directories of the adapter's own code (ending in a separator): hidden from stacks, never blamed. */
  ownDirs?: readonly string[]
  /**
   * A violation after its test file ended, when nothing is left to fail: it is in the sink
   * already; say so where the user will see it (the run's gate fails for it in any case).
   */
  onOrphan?: (record: AuditRecord, error: LeakgateError) => void
}

/** Options of `Session.enterFile()`. */
export interface EnterFileOptions {
  /**
   * The global object of the realm the file's tests run in (the setup file's `globalThis`,
   * Jest's test context): its `eval` and `Function` family are audited, and a copy of
   * `@leakgate/core` loaded inside it finds this process's engine. Code generation is audited
   * only in realms given here or to `Session.tameRealm()`.
   */
  realm?: typeof globalThis
  /**
   * What `TestFile.end()` does with `realm`: `keep` (default) leaves it audited, for the next
   * file too (a worker's own realm); `untame` puts its originals back (the realm dies with the
   * file: Vitest's vm pools); `forget` leaves it audited (a timer of the dead file that fires
   * later is still seen) but lets the engine let go of it (Jest's test context).
   */
  releaseRealm?: 'keep' | 'untame' | 'forget'
  /**
   * Decides what a violation at import time suggests: is an `allowAudit()` at the top of the
   * file already in force (a describe body is running, not a module the file imports)?
   * `'sync'`: when the file itself is on the synchronous stack (runners that run describe bodies
   * from their collector once the file is imported: Vitest); a function: the adapter knows
   * (Jest: between its start_ and finish_describe_definition events).
   */
  fileTop?: 'sync' | (() => boolean)
}

/**
 * The options each engine was last configured with by a session (JSON), and the policy that made:
 * unchanged and still in force, not again. A policy replaced since (`install()` at a file's top
 * level, outside any test) is replaced by the session's again, as on the first call.
 */
const configured = new WeakMap<Engine, { key: string; policy: Policy }>()
/** Engines a session suspended between files (see suspend()). */
const suspended = new WeakSet<Engine>()

export class Session {
  readonly #engine: Engine

  /** @internal use openSession() */
  constructor(
    engine: Engine,
    readonly framework: string,
    readonly version: string | undefined,
  ) {
    this.#engine = engine
  }

  /** `enforce` (violations throw and fail), `report` (recorded only) or `off` (nothing audited). */
  get mode(): Mode {
    return this.#engine.mode
  }

  /**
   * Is the guard deciding now? False before any options were applied in this process (a
   * preloaded, passive guard), in mode `off`, and while suspended: work done now is not audited.
   */
  get auditing(): boolean {
    return this.#engine.active
  }

  /** Do violations fail tests? */
  get enforcing(): boolean {
    return this.#engine.mode === 'enforce'
  }

  /** The run's sink directory, when there is one (see SessionOptions.sinkDir). */
  get sinkDir(): string | undefined {
    return this.#engine.policy.sinkDir
  }

  /** The project root paths in records and messages are relative to. */
  get root(): string {
    return this.#engine.policy.root
  }

  /**
   * Enters a test file: from now on, code outside any test is the file's (phase `import` until
   * `startHooks()`). `path` is absolute. In mode `off` it still returns a file, which records
   * nothing and fails nothing.
   */
  enterFile(path: string, options: EnterFileOptions = {}): TestFile {
    const engine = this.#engine
    // A session suspended between files (see suspend()) audits again.
    if (suspended.delete(engine) && engine.policy.mode !== 'off') engine.active = true
    const scope = engine.enterFile(path)
    const fileTop = options.fileTop
    if (fileTop === 'sync') scope.fileTopApplies = (stack) => stack.runsSyncIn(path)
    else if (typeof fileTop === 'function') scope.fileTopApplies = () => fileTop()
    let release: (() => void) | undefined
    const realm = options.realm
    if (realm && engine.mode !== 'off') {
      // A copy of core loaded by the realm's own module registry finds the engine here.
      Object.defineProperty(realm, ENGINE_KEY, { value: engine, configurable: true, enumerable: false, writable: true })
      const untame = this.tameRealm(realm)
      if (options.releaseRealm === 'untame') release = untame
      else if (options.releaseRealm === 'forget') release = () => engine.realms.delete(realm)
    }
    return new TestFile(engine, scope, path, release)
  }

  /**
   * Audits code generation (`eval`, the `Function` family) in the realm whose global this is
   * (default: the realm core was loaded in, the runner's own, one property away from a test in
   * a vm context: `Buffer.constructor`); returns the undo. `enterFile({ realm })` does it for
   * the file's realm.
   */
  tameRealm(global?: typeof globalThis): () => void {
    if (this.#engine.mode === 'off') return () => {}
    return global === undefined ? tameRealm() : tameRealm(global)
  }

  /**
   * Guards a test framework's own CommonJS module class (the `node:module` a vm context is given:
   * Vitest's vm pools): a `_compile` handed anything but a file's content, from anyone but the
   * framework or a TypeScript loader, is decided as eval. Node's own class is guarded at install.
   * Returns the undo.
   */
  guardModuleClass(ModuleClass: unknown): () => void {
    return this.#engine.mode === 'off' ? () => {} : guardModuleClass(ModuleClass)
  }

  /**
   * Stops auditing until the next `enterFile()`: for a runner that runs test files in its own
   * main process (Jest in band), whose work between files (forking workers, watch mode's git)
   * is not the code under test. Only there: in a worker or child it does nothing.
   */
  suspend(): void {
    if (!isMainThread || typeof process.send === 'function' || !this.#engine.active) return
    this.#engine.active = false
    suspended.add(this.#engine)
  }
}

/**
 * Opens leakgate's session with a test runner in this process or worker thread: configures and
 * installs the guard with `options` (validated: throws `LEAKGATE_INVALID_OPTION` naming the
 * key), trusts the framework's own code generation, and returns the session whose files and
 * attempts the adapter drives. Call it outside any test (a setup file, an environment's
 * constructor), once per process or before each file: it is cheap when nothing changed.
 */
export function openSession(options: SessionOptions): Session {
  if (options === null || typeof options !== 'object' || typeof options.framework !== 'string') {
    throw new TypeError("openSession() needs { framework: 'name', ... }")
  }
  const engine = getEngine()
  const { filter } = engine
  for (const fragment of options.trustedPaths ?? []) {
    if (!filter.frameworkPaths.includes(fragment)) filter.frameworkPaths.push(fragment)
  }
  for (const operation of options.trustedOperations ?? []) {
    if (!filter.operations.includes(operation)) filter.operations.push(operation)
  }
  for (const dir of options.ownDirs ?? []) if (!filter.internalDirs.includes(dir)) filter.internalDirs.push(dir)
  const userOptions =
    options.sinkDir === undefined ? options.options : { ...(options.options ?? {}), sinkDir: options.sinkDir }
  if (userOptions !== undefined) {
    const key = JSON.stringify(userOptions)
    const last = configured.get(engine)
    if (last?.key !== key || last.policy !== engine.policy || !engine.active) {
      install(userOptions)
      configured.set(engine, { key, policy: engine.policy })
    }
  }
  if (options.onOrphan) engine.onOrphanViolation ??= options.onOrphan
  return new Session(engine, options.framework, options.version)
}
