import type { Engine } from '../engine.js'
import { installChildProcess } from './child-process.js'
import { installCode } from './code.js'
import { installDgram } from './dgram.js'
import { installDns } from './dns.js'
import { installNativeAccess } from './native-access.js'
import type { Natives } from './natives.js'
import { installNet } from './net.js'
import type { Restore } from './patch.js'
import { installShadowRealm } from './shadow-realm.js'
import { installWorkers } from './worker.js'

// The interceptor contract: one object per API family, registered in one list. An interceptor
// patches its family where the operations happen (prototypes, module exports, native bindings)
// and describes each call to the engine (`engine.check()`); it never decides. `install` pushes
// one restore per patch (patch.ts), the engine runs them last-in-first-out to uninstall and
// checks them at the end of every test (a patch a test removed is tampering, put back).

/** What every interceptor is given to install itself. */
export interface InterceptorContext {
  engine: Engine
  /** Node's internal bindings this version exposes (natives.ts): the lowest reachable layer. */
  natives: Natives
  /** Where its restores go, one per patch. */
  restores: Restore[]
}

/** One API family's interceptor. */
export interface Interceptor {
  /** The family, as its events start: `net`, `dns`, `dgram`, `child_process`, … */
  readonly family: string
  /** Patches the family (once per process or thread); pushes a restore per patch. */
  install(context: InterceptorContext): void
}

/** Every interceptor, in install order (code generation after the families it may use). */
export const INTERCEPTORS: readonly Interceptor[] = [
  { family: 'net', install: ({ engine, natives, restores }) => installNet(engine, natives, restores) },
  { family: 'dns', install: ({ engine, natives, restores }) => installDns(engine, natives, restores) },
  { family: 'dgram', install: ({ engine, natives, restores }) => installDgram(engine, natives, restores) },
  {
    family: 'child_process',
    install: ({ engine, natives, restores }) => installChildProcess(engine, natives, restores),
  },
  { family: 'native', install: ({ engine, restores }) => installNativeAccess(engine, restores) },
  { family: 'code', install: ({ engine, natives, restores }) => installCode(engine, natives, restores) },
  { family: 'ShadowRealm', install: ({ engine, restores }) => installShadowRealm(engine, restores) },
  { family: 'worker_threads', install: ({ engine, restores }) => installWorkers(engine, restores) },
]
