import type { ChildContext } from './child-context.js'
import { internalsExposed } from './interceptors/builtins.js'
import { syncEvalInspector } from './interceptors/inspect-eval.js'
import { enteringLoaderThread } from './interceptors/module-loader.js'
import { checkExposedInternals } from './interceptors/native-access.js'
import { LOADER_CONTEXT_KEY, notePreloadedThread, WORKER_CONTEXT_KEY } from './interceptors/worker.js'
import { getEngine, installInterceptors, tameRealm } from './runtime.js'

// Loaded with `--require` (NODE_OPTIONS) into workers and child processes, and by the adapters
// as early as possible. It puts the interceptors in place before anything else loads; the
// engine stays passive (decides nothing) until an adapter configures it, or until it finds the
// context of the test that started this process.

/** Enters the parent's context; answers the refusal of this thread or process, if it is refused. */
function enter(context: ChildContext, origin: 'child' | 'worker'): Error | undefined {
  if (context?.v !== 1) return undefined
  const engine = getEngine()
  engine.enterContext(context, origin)
  installInterceptors(engine)
  tameRealm(globalThis)
  try {
    syncEvalInspector(engine)
  } catch (error) {
    // The rest of the guard holds; only the after-the-fact eval detection is missing here.
    process.emitWarning(`leakgate: ${(error as Error).message}`, 'LeakgateWarning')
  }
  // Started with Node's internals its parent did not have (`new Worker(file, { execArgv:
  // ['--expose-internals'] })`): refused before any of its code runs; the violation is in the
  // test's scope file already.
  if (!context.internals && internalsExposed()) {
    const outcome = checkExposedInternals(engine, enter)
    if (!outcome.ok) return outcome.error
  }
  return undefined
}

const engine = getEngine()
installInterceptors(engine)
const inherited = process.env.LEAKGATE_CONTEXT
if (inherited) {
  let refused: Error | undefined
  try {
    refused = enter(JSON.parse(inherited) as ChildContext, 'child')
  } catch (error) {
    process.emitWarning(
      `leakgate: ignoring an unreadable LEAKGATE_CONTEXT (${(error as Error).message})`,
      'LeakgateWarning',
    )
  }
  if (refused) {
    // Nothing of the child's own has run: it stops, as a Node that refuses its options does.
    process.stderr.write(`${refused.message}\n\nleakgate stopped this process before its code ran.\n`)
    process.exit(1)
  }
}

/** This worker entered its context already, from its options (see below). */
let enteredWorker = false

/** Called first thing in a worker thread started by a test (see interceptors/worker.ts). */
export function enterWorker(context: ChildContext): void {
  if (enteredWorker) return
  enteredWorker = true
  // Thrown before the worker's code: its 'error' event carries the refusal.
  const refused = enter(context, 'worker')
  if (refused) throw refused
}

/** Called first thing in Node's loader thread, by the guard module (see interceptors/worker.ts). */
export function enterLoaderThread(context: ChildContext): void {
  // Node starts it with the process's own options: never a worker's.
  enter({ ...context, internals: true }, 'worker')
  enteringLoaderThread()
}

// A worker whose own execArgv has preloads: this module is first among them, and the context
// came in the worker's environmentData, which Node assigns before it runs preloads. Taken out
// again (and this preload out of process.execArgv), so the worker's code sees its options as given.
// Such a worker's own loader thread (its execArgv's loader hooks) runs its preloads too, before
// the hooks: the worker's thread hands the context on in that thread's environmentData.
const threads = process.getBuiltinModule('node:worker_threads')
const carried = threads.isMainThread ? undefined : threads.getEnvironmentData(WORKER_CONTEXT_KEY)
const carriedToLoader = threads.isMainThread ? undefined : threads.getEnvironmentData(LOADER_CONTEXT_KEY)
if (carried !== undefined || carriedToLoader !== undefined) {
  threads.setEnvironmentData(WORKER_CONTEXT_KEY, undefined)
  threads.setEnvironmentData(LOADER_CONTEXT_KEY, undefined)
  const argv = process.execArgv
  if (argv[0] === '--require' && argv[1] === getEngine().preloadPath) argv.splice(0, 2)
  if (carried !== undefined) {
    notePreloadedThread(carried as ChildContext)
    enterWorker(carried as ChildContext)
  } else enterLoaderThread(carriedToLoader as ChildContext)
}
