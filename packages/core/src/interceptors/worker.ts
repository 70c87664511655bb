import { fileURLToPath } from 'node:url'
import { StackCapture } from '../attribution.js'
import type { ChildContext } from '../child-context.js'
import type { Engine } from '../engine.js'
import { isModuleLoader } from '../trusted-operations.js'
import { mayGuard } from './child-process.js'
import { decodeDataUrl, noteLoaderHooks, noteLoaderThreadStart } from './module-loader.js'
import { patchMethod, patchProperty, type Restore, realOf } from './patch.js'
import { raise } from './raise.js'
import { checkCode } from './realm.js'

const Module = process.getBuiltinModule('node:module')
// The module's own exports object, not a default import: a bundler compiles a default import of a
// builtin to a namespace copy (a getter per export, made at load).
const workerThreads = process.getBuiltinModule('node:worker_threads')
const { MessagePort } = workerThreads

// Worker threads get fresh module instances and bindings: patches never cross into them. The
// Worker constructor posts one `loadScript` message to the new thread, synchronously, through
// `MessagePort.prototype.postMessage`; rewriting it puts the engine, this policy and this
// scope in front of the worker's code, for every kind of worker (file, ESM, URL, eval) and even
// for a `Worker` class captured before install. `new Worker(code, { eval: true })` (and a
// `data:` URL) is code from a string: decided here, refused by throwing from the constructor.
// Allowed, a `data:` URL worker runs a classic prelude that then imports the URL (a module's
// static imports would run before any prelude in it): Node's own argv, errors and exit code, but
// `import.meta.main` (Node 24.2+) is false there.
//
// Node's loader thread (`module.register()`, Node 20.6+) is an internal worker: its `loadScript`
// cannot be rewritten and it skips `--require` preloads, so hooks ran unguarded there. The
// first `register` request Node's own loader posts to it after install (recognised by the two
// internal frames that post it, so a look-alike message of the code's own is never touched, and
// a `register` captured before install is seen too) is preceded by a guard module's: registered
// from inside that request, before its message is posted (Node's request is synchronous and
// answered before the test's is sent), its `initialize` enters the worker's context (this
// policy, the scope of the test that registered). The test's request then goes as it was. A
// hooks module given as a `data:` URL is code from a string.
//
// A worker's own `execArgv` preloads (`--require`) run before its `loadScript`, so the prelude
// comes too late for them. The exported `Worker` is wrapped: given such flags, the worker gets
// the guard's own `--require` first, and the `loadScript` carries the context in the worker's
// `environmentData`, which Node assigns before it runs preloads; the guard's preload takes it out
// again and enters the context, so the test's preloads run guarded, in the test's scope. Loader
// hooks in `execArgv` (`--loader`, `--experimental-loader`) start the worker's own loader thread
// with them, before anything the guard could register there; but that thread runs the worker's
// preloads first (Node 20 to 26): given such flags, the worker gets the guard's `--require` too,
// and the worker's thread adds the context to its loader thread's `loadScript` (its
// `environmentData`), where the guard's preload enters it before the hooks load. A `data:` URL
// there is code from a string, decided at `new Worker()`, as is an `--import` of one (Node 20
// decides no data: import later).
//
// Cannot see: a worker started before install; what a loader thread started before install
// does until a hooks module is registered after install; the preloads of a worker made by a
// `Worker` captured before install, or its loader hooks; the static imports of `eval: true` code in a worker given `--input-type=module` (run before the prelude).

interface LoadScript {
  type: 'loadScript'
  filename: string
  doEval: 'classic' | 'module' | 'data-url' | false
  isInternal?: boolean
  argv?: unknown
  environmentData?: Map<unknown, unknown>
}

function isLoadScript(message: unknown): message is LoadScript {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'loadScript' &&
    'doEval' in message &&
    typeof (message as { filename?: unknown }).filename === 'string'
  )
}

/**
 * The `data:` URL a worker runs as its module (`new Worker(new URL('data:…'))`): Node 22+ posts it
 * as it is (`data-url`), Node 20 as the source `import "data:…"` (`module`).
 */
function dataUrlOf(message: LoadScript): string | undefined {
  const { doEval, filename } = message
  if (doEval === 'data-url' || (doEval === false && filename.startsWith('data:'))) return filename
  if (doEval !== 'module' || !/^import "data:/.test(filename)) return undefined
  try {
    const url: unknown = JSON.parse(filename.slice('import '.length))
    return typeof url === 'string' ? url : undefined
  } catch {
    return undefined
  }
}

/** Inserts `prelude` after a leading 'use strict' directive so the directive still counts. */
function prepend(prelude: string, code: string): string {
  const directive = /^(\s*(['"])use strict\2;?)/.exec(code)
  if (!directive) return `${prelude}${code}`
  const head = directive[1] as string
  return `${head}${prelude}${code.slice(head.length)}`
}

interface RegisterRequest {
  method: 'register'
  args: [specifier: unknown, parentURL: unknown, data?: unknown, transferList?: unknown]
}

function isRegisterRequest(message: unknown): message is RegisterRequest {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { method?: unknown }).method === 'register' &&
    Array.isArray((message as { args?: unknown }).args)
  )
}

/** The internal worker that runs `module.register()` hooks (internal/modules/esm/worker). */
function isLoaderThread(message: LoadScript): boolean {
  return message.isInternal === true && message.filename.includes('modules/esm/worker')
}

/** The request comes from Node's loader (`makeSyncRequest` via the internal worker), not from code. */
function postedByNodeLoader(engine: Engine, skip: (...args: never[]) => unknown): boolean {
  const frames = new StackCapture(engine.filter, skip, 2).rawFrames()
  return frames[0]?.file === 'node:internal/worker' && frames[1]?.file === 'node:internal/modules/esm/hooks'
}

// Registered in the loader thread before the test's hooks module: its initialize enters the guard.
const LOADER_GUARD = `data:text/javascript,${encodeURIComponent(
  "import{createRequire}from'node:module';export function initialize(d){createRequire(d.preload)(d.preload).enterLoaderThread(d.context)}",
)}`
const realRegister = (
  Module as unknown as { register?: (specifier: string, parent?: unknown, options?: object) => void }
).register

/** The `environmentData` key that carries the context to the guard's preload in a worker. */
export const WORKER_CONTEXT_KEY = 'leakgate:worker-context'
/** The `environmentData` key that carries it on to the loader thread of such a worker. */
export const LOADER_CONTEXT_KEY = 'leakgate:loader-context'
/** A `Worker` being constructed with the guard's preload first in its options. */
let preloading = false
/** This thread is a worker the guard's preload entered: its workers inherit that preload. */
let preloadedThread = false
/** The context that preload entered: its loader thread (its execArgv's hooks) gets it too. */
let preloadedContext: ChildContext | undefined

export function notePreloadedThread(context: ChildContext): void {
  preloadedThread = true
  preloadedContext = context
}

const PRELOAD_FLAGS = new Set(['--require', '-r'])
const LOADER_FLAGS = new Set(['--loader', '--experimental-loader'])
const IMPORT_FLAGS = new Set(['--import'])
/** Modules from a string a worker's execArgv loads: decided at `new Worker()` (Node 20 has no later point). */
const DATA_FLAGS = [
  [LOADER_FLAGS, 'new Worker(--loader data:)'],
  [IMPORT_FLAGS, 'new Worker(--import data:)'],
] as const

/** The values of the given flags in an execArgv (`--flag value` and `--flag=value`), `_` spellings too. */
function flagValues(execArgv: readonly unknown[], flags: ReadonlySet<string>): string[] {
  const values: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]
    if (typeof arg !== 'string') continue
    const eq = arg.indexOf('=')
    const name = (eq === -1 ? arg : arg.slice(0, eq)).replace(/_/g, '-')
    if (!flags.has(name)) continue
    if (eq !== -1) values.push(arg.slice(eq + 1))
    else if (typeof execArgv[i + 1] === 'string') values.push(execArgv[++i] as string)
  }
  return values
}

/** Once per process: the loader thread is one, and stays guarded once entered. */
let loaderGuarded = false
/** While the guard module's own request is made. */
let guarding = false

export function installWorkers(engine: Engine, restores: Restore[]): void {
  // A Proxy, not a function: the class itself to `util.inspect` (`[class Worker extends
  // EventEmitter]`), to `Reflect.ownKeys` and to a call without `new` (Node's own TypeError).
  patchMethod<(...args: unknown[]) => unknown>(
    restores,
    workerThreads,
    'Worker',
    (real) =>
      new Proxy(real, {
        construct: function Worker(target, args, newTarget): object {
          const guarded = engine.active && engine.preloadPath ? withPreload(engine, args, Worker) : undefined
          if (!guarded) return Reflect.construct(target, args, newTarget)
          preloading = guarded.preload
          try {
            return Reflect.construct(target, guarded.args, newTarget)
          } finally {
            preloading = false
          }
        },
      }),
  )
  const wrapped = workerThreads.Worker
  const realWorker = realOf(workerThreads.Worker)
  if (wrapped !== realWorker) {
    // `worker.constructor` (and `Worker.prototype.constructor`) the exported Worker, not the
    // class below the wrapper (which would also hand a test the Worker whose options the guard
    // never sees).
    patchProperty(restores, realWorker.prototype, 'constructor', {
      ...Object.getOwnPropertyDescriptor(realWorker.prototype, 'constructor'),
      value: wrapped,
    })
  }
  patchMethod<(message: unknown, ...rest: unknown[]) => void>(
    restores,
    MessagePort.prototype,
    'postMessage',
    (real) =>
      function postMessage(this: unknown, message: unknown, ...rest: unknown[]) {
        if (engine.active && isRegisterRequest(message) && postedByNodeLoader(engine, postMessage)) {
          guardLoader(engine, message, postMessage)
          return Reflect.apply(real, this, [message, ...rest])
        }
        if (!engine.active || !isLoadScript(message) || message.isInternal) {
          if (engine.active && isLoadScript(message) && isLoaderThread(message)) {
            // Node's loader thread starting: its hooks are all registered after install.
            noteLoaderThreadStart()
            // A worker's own (its execArgv's hooks): it runs the guard's preload before them.
            if (preloadedContext) return Reflect.apply(real, this, [withLoaderContext(message), ...rest])
          }
          return Reflect.apply(real, this, [message, ...rest])
        }
        const dataUrl = dataUrlOf(message)
        if (message.doEval || dataUrl !== undefined) {
          const source = dataUrl === undefined ? message.filename : decodeDataUrl(dataUrl)
          const outcome = checkCode(engine, 'new Worker(eval)', source, [dataUrl ?? message.filename], postMessage)
          if (!outcome.ok) raise(outcome.error)
          // A violation in report mode: the worker runs unguarded (see mayGuard in child-process.ts).
          if (!mayGuard(outcome)) return Reflect.apply(real, this, [message, ...rest])
        }
        const context = engine.childContext(engine.tracker.resolve())
        if (!context || !engine.preloadPath) return Reflect.apply(real, this, [message, ...rest])
        // Read by the guard's preload, which Node runs before the worker's own (see preload.ts).
        const carried: LoadScript = preloading
          ? {
              ...message,
              environmentData: new Map([...(message.environmentData ?? []), [WORKER_CONTEXT_KEY, context]]),
            }
          : message
        const preload = JSON.stringify(engine.preloadPath)
        const prelude = `process.getBuiltinModule('node:module').createRequire(${preload})(${preload}).enterWorker(${JSON.stringify(context)});`
        let rewritten: LoadScript
        if (dataUrl !== undefined) {
          // A module's static imports run before its body: the prelude goes in a classic script
          // that then imports the module. Node runs a data: worker with no '[worker eval]' in its
          // argv and no process._eval; its failure is the import's rejection, as here.
          rewritten = {
            ...carried,
            doEval: 'classic',
            filename: `${prelude}process.argv.splice(1,1);delete process._eval;import(${JSON.stringify(dataUrl)});`,
          }
        } else if (message.doEval) {
          rewritten = { ...carried, filename: prepend(prelude, message.filename) }
        } else {
          const file = message.filename.startsWith('file:') ? fileURLToPath(message.filename) : message.filename
          const target = JSON.stringify(file)
          rewritten = {
            ...carried,
            doEval: 'classic',
            filename: `${prelude}process.argv[1]=${target};require('node:module').runMain(${target});`,
          }
        }
        return Reflect.apply(real, this, [rewritten, ...rest])
      },
  )
}

/** The loader thread's `loadScript` with this worker's context, for the guard's preload there. */
function withLoaderContext(message: LoadScript): LoadScript {
  const environmentData = new Map(message.environmentData ?? [])
  environmentData.set(LOADER_CONTEXT_KEY, preloadedContext)
  return { ...message, environmentData }
}

/**
 * The Worker's arguments as the guard decided them: `execArgv` read once (a getter or an array
 * read twice could answer Node differently) and, when the worker's own options would run code
 * before the guard's prelude, with the guard's preload first (`preload`). Undefined when the
 * arguments go as they are. A loader hooks module or an `--import` from a `data:` URL is code
 * from a string: refused here, by throwing.
 */
function withPreload(
  engine: Engine,
  args: unknown[],
  skip: (...args: never[]) => unknown,
): { args: unknown[]; preload: boolean } | undefined {
  const [file, options] = args
  if (options === null || (typeof options !== 'object' && typeof options !== 'function')) {
    // No options (or ones Node refuses): this worker's, with the guard's preload first, when it has it.
    return options === undefined && inheritsPreload(engine) ? { args, preload: true } : undefined
  }
  const given = (options as { execArgv?: unknown }).execArgv
  // What Node is given is what was read and decided: the test's options as they are (inherited
  // properties too), with that one value in front.
  const as = (execArgv: unknown): unknown[] => [
    file,
    Object.create(options, { execArgv: { value: execArgv, enumerable: true, writable: true, configurable: true } }),
    ...args.slice(2),
  ]
  if (!Array.isArray(given)) {
    // Inherited options (undefined) or ones Node refuses as they are.
    return { args: as(given), preload: given === undefined && inheritsPreload(engine) }
  }
  const execArgv: unknown[] = Array.prototype.slice.call(given)
  for (const [flags, event] of DATA_FLAGS) {
    for (const specifier of flagValues(execArgv, flags)) {
      if (!specifier.startsWith('data:')) continue
      const outcome = checkCode(engine, event, decodeDataUrl(specifier), [specifier], skip)
      if (!outcome.ok) raise(outcome.error)
    }
  }
  // Loader hooks run in the worker's own loader thread, which runs the worker's preloads first.
  const runsCodeFirst = flagValues(execArgv, PRELOAD_FLAGS).length > 0 || flagValues(execArgv, LOADER_FLAGS).length > 0
  if (!runsCodeFirst || !engine.childContext(engine.tracker.resolve())) return { args: as(execArgv), preload: false }
  return { args: as(['--require', engine.preloadPath, ...execArgv]), preload: true }
}

/** A worker of a thread the guard's preload entered inherits that preload, with a context to hand on. */
function inheritsPreload(engine: Engine): boolean {
  return preloadedThread && engine.childContext(engine.tracker.resolve()) !== undefined
}

/** Decides a hooks module from a string, and guards the loader thread before its first hooks module. */
function guardLoader(engine: Engine, message: RegisterRequest, skip: (...args: never[]) => unknown): void {
  if (guarding) return
  const specifier = message.args[0]
  if (typeof specifier === 'string' && specifier.startsWith('data:')) {
    const outcome = checkCode(engine, 'module.register(data:)', decodeDataUrl(specifier), [specifier], skip)
    if (!outcome.ok) raise(outcome.error)
    if (!mayGuard(outcome)) return
  }
  // The loader hands its results back to this thread: compare them with the files from now on.
  // A TypeScript loader's are its transforms (trusted like the frameworks).
  if (!isModuleLoader(new StackCapture(engine.filter, skip), engine.filter)) noteLoaderHooks()
  if (loaderGuarded || typeof realRegister !== 'function') return
  const context = engine.childContext(engine.tracker.resolve())
  if (!context || !engine.preloadPath) return
  loaderGuarded = true
  guarding = true
  try {
    Reflect.apply(realRegister, Module, [LOADER_GUARD, undefined, { data: { preload: engine.preloadPath, context } }])
  } finally {
    guarding = false
  }
}
