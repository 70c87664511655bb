import { fileURLToPath } from 'node:url'
import { MessagePort } from 'node:worker_threads'
import type { Engine } from '../engine.js'
import { mayGuard } from './child-process.js'
import { patchMethod, type Restore } from './patch.js'
import { checkCode } from './realm.js'

// Worker threads get fresh module instances and bindings: patches never cross into them. The
// Worker constructor posts one `loadScript` message to the new thread, synchronously, through
// `MessagePort.prototype.postMessage`; rewriting it puts the engine, this policy and this
// scope in front of the worker's code, for every kind of worker (file, ESM, URL, eval) and even
// for a `Worker` class captured before install. `new Worker(code, { eval: true })` (and a
// `data:` URL) is code from a string: decided here, refused by throwing from the constructor.
//
// Cannot see: a worker started before install.

interface LoadScript {
  type: 'loadScript'
  filename: string
  doEval: 'classic' | 'module' | false
  isInternal?: boolean
  argv?: unknown
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

/** Inserts `prelude` after a leading 'use strict' directive so the directive still counts. */
function prepend(prelude: string, code: string): string {
  const directive = /^(\s*(['"])use strict\2;?)/.exec(code)
  if (!directive) return `${prelude}${code}`
  const head = directive[1] as string
  return `${head}${prelude}${code.slice(head.length)}`
}

export function installWorkers(engine: Engine, restores: Restore[]): void {
  patchMethod<(message: unknown, ...rest: unknown[]) => void>(
    restores,
    MessagePort.prototype,
    'postMessage',
    (real) =>
      function postMessage(this: unknown, message: unknown, ...rest: unknown[]) {
        if (!engine.active || !isLoadScript(message) || message.isInternal) {
          return Reflect.apply(real, this, [message, ...rest])
        }
        const isData = message.doEval === false && message.filename.startsWith('data:')
        if (message.doEval || isData) {
          const outcome = checkCode(engine, 'new Worker(eval)', message.filename, [message.filename], postMessage)
          if (!outcome.ok) throw outcome.error
          // A violation in report mode: the worker runs unguarded (see mayGuard in child-process.ts).
          if (!mayGuard(outcome)) return Reflect.apply(real, this, [message, ...rest])
        }
        const context = engine.childContext(engine.tracker.resolve())
        if (!context || !engine.preloadPath || isData) return Reflect.apply(real, this, [message, ...rest])
        const preload = JSON.stringify(engine.preloadPath)
        const prelude = `process.getBuiltinModule('node:module').createRequire(${preload})(${preload}).enterWorker(${JSON.stringify(context)});`
        let rewritten: LoadScript
        if (message.doEval) {
          rewritten = { ...message, filename: prepend(prelude, message.filename) }
        } else {
          const file = message.filename.startsWith('file:') ? fileURLToPath(message.filename) : message.filename
          const target = JSON.stringify(file)
          rewritten = {
            ...message,
            doEval: 'classic',
            filename: `${prelude}process.argv[1]=${target};require('node:module').runMain(${target});`,
          }
        }
        return Reflect.apply(real, this, [rewritten, ...rest])
      },
  )
}
