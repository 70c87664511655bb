import type { ChildContext } from './child-context.js'
import { syncEvalInspector } from './interceptors/inspect-eval.js'
import { enteringLoaderThread } from './interceptors/module-loader.js'
import { getEngine, installInterceptors, tameRealm } from './runtime.js'

// Loaded with `--require` (NODE_OPTIONS) into workers and child processes, and by the adapters
// as early as possible. It puts the interceptors in place before anything else loads; the
// engine stays passive (decides nothing) until an adapter configures it, or until it finds the
// context of the test that started this process.

function enter(context: ChildContext, origin: 'child' | 'worker'): void {
  if (context?.v !== 1) return
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
}

const engine = getEngine()
installInterceptors(engine)
const inherited = process.env.LEAKGATE_CONTEXT
if (inherited) {
  try {
    enter(JSON.parse(inherited) as ChildContext, 'child')
  } catch (error) {
    process.emitWarning(
      `leakgate: ignoring an unreadable LEAKGATE_CONTEXT (${(error as Error).message})`,
      'LeakgateWarning',
    )
  }
}

/** Called first thing in a worker thread started by a test (see interceptors/worker.ts). */
export function enterWorker(context: ChildContext): void {
  enter(context, 'worker')
}

/** Called first thing in Node's loader thread, by the guard module (see interceptors/worker.ts). */
export function enterLoaderThread(context: ChildContext): void {
  enter(context, 'worker')
  enteringLoaderThread()
}
