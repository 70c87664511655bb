import * as vitest from 'vitest'
import { PROVIDE_KEY, type WorkerPayload } from './shared.js'
import { inVmContext, lendSourceMaps, loadCore, prepareEngine } from './worker/engine.js'
import { FileGuard } from './worker/guard.js'
import { installAroundHooks, installLegacyHooks, type VitestApi } from './worker/hooks.js'

// The setup file the plugin puts first in `setupFiles`: it runs in the worker before each test
// file. It configures this worker's engine from the options the plugin provided, tames the
// realm the tests run in (the worker's own for forks/threads, the file's fresh context for the
// vm pools) and opens the file's scope; the hooks then give each test its own scope.

const payload = vitest.inject(PROVIDE_KEY as never) as WorkerPayload | undefined
if (payload?.protocol !== 1) {
  throw new Error(
    'leakgate: the setup file @leakgate/vitest-plugin/setup ran without its options. Add leakgate() to ' +
      "this project's plugins (vitest.config: plugins: [leakgate()]); with `projects`, give each project " +
      '`extends: true` or its own leakgate() plugin.',
  )
}

const core = loadCore()
const engine = prepareEngine(core, payload)
if (engine.mode !== 'off') {
  const isolatedRealm = inVmContext()
  const untame = core.tameRealm(globalThis)
  const unlend = isolatedRealm ? lendSourceMaps() : undefined
  const fileScope = engine.enterFile(vitest.expect.getState().testPath as string)
  const release = isolatedRealm
    ? () => {
        untame()
        unlend?.()
      }
    : undefined
  const guard = new FileGuard(engine, fileScope, release)
  const api = vitest as unknown as VitestApi
  if (typeof api.aroundAll === 'function' && typeof api.aroundEach === 'function') {
    installAroundHooks(api as Required<VitestApi>, guard)
  } else {
    installLegacyHooks(api, guard)
  }
}
