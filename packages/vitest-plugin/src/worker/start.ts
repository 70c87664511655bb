import { PROVIDE_KEY, type WorkerPayload } from '../shared.js'
import { inVmContext, lendSourceMaps, openWorkerSession } from './engine.js'
import { FileGuard } from './guard.js'
import { installAroundHooks, installLegacyHooks, type SuiteApi, type VitestApi } from './hooks.js'

// What the setup file does before each test file, in the worker: open this worker's session
// with the options the plugin provided, enter the file with the realm the tests run in (the
// worker's own for forks/threads, the file's fresh context for the vm pools); the hooks then
// give each test attempt its own scope.

export interface VitestModule extends VitestApi {
  inject(key: string): unknown
  expect: { getState(): { testPath?: string } }
}

/**
 * `suiteApi` is given on Vitest 3.2 and 4.0 (no around hooks). `contextModule`: `node:module` as
 * the test's context imports it (in the vm pools, Vitest's own module class, which compiles
 * CommonJS from its own frames: guarded like Node's).
 */
export function guardTestFile(vitest: VitestModule, suiteApi?: SuiteApi, contextModule?: unknown): void {
  const payload = vitest.inject(PROVIDE_KEY) as WorkerPayload | undefined
  if (payload?.protocol !== 1) {
    throw new Error(
      "leakgate: the plugin's setup file ran without its options. Add leakgate() to this project's " +
        'plugins (vitest.config: plugins: [leakgate()]); with `projects`, give each project ' +
        '`extends: true` or its own leakgate() plugin.',
    )
  }
  const session = openWorkerSession(payload)
  if (session.mode === 'off') return
  const isolatedRealm = inVmContext()
  // The vm pools' outer realm (the worker's own) is one property away from the test
  // (`Buffer.constructor`): tamed too, for the worker's life (issue 12.3). The session's
  // default is the realm core was loaded in, the worker's.
  if (isolatedRealm) session.tameRealm()
  const unlend = isolatedRealm ? lendSourceMaps() : undefined
  const unguardModules =
    isolatedRealm && contextModule !== undefined && contextModule !== process.getBuiltinModule('node:module')
      ? session.guardModuleClass(contextModule)
      : undefined
  const testPath = vitest.expect.getState().testPath as string
  // Vitest runs describe bodies once the file is imported, from its own collector: the file's
  // code on the synchronous stack is a describe body (or the file's top level), and an
  // allowAudit() at its top already ran. A module the file imports runs after an await.
  // The vm pools' context dies with the file: untamed at its end.
  const file = session.enterFile(testPath, {
    realm: globalThis,
    releaseRealm: isolatedRealm ? 'untame' : 'keep',
    fileTop: 'sync',
  })
  const guard = new FileGuard(
    file,
    isolatedRealm
      ? () => {
          unlend?.()
          unguardModules?.()
        }
      : undefined,
  )
  if (suiteApi) installLegacyHooks(vitest, guard, suiteApi)
  else if (typeof vitest.aroundAll === 'function' && typeof vitest.aroundEach === 'function') {
    installAroundHooks(vitest as Required<VitestApi>, guard)
  } else {
    throw new Error('leakgate: this setup file needs Vitest 4.1 or later (aroundEach); the plugin picks the right one')
  }
}
