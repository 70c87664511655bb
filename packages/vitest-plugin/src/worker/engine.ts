import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as Core from '@leakgate/core'
import { FRAMEWORK_OPERATIONS, FRAMEWORK_PATHS, type WorkerPayload } from '../shared.js'

// Core is loaded with Node's own `require`, never through Vite: in the vm pools the setup file
// runs inside a fresh context per test file, and the engine with its patches must live in the
// worker's outer realm, once. An `import` would be evaluated in the context (or transformed by
// Vite when the package is linked from a workspace), and so would a `require` made with the
// context's `node:module`: Vitest's vm pools hand the context their own `createRequire`, which
// evaluates CommonJS inside the context too. `process` is the worker's real one in every pool,
// and `process.getBuiltinModule` returns the real builtin.

export type CoreModule = typeof Core
export type Engine = Core.Engine

const here = path.dirname(fileURLToPath(import.meta.url)) + path.sep
const CONFIGURED = Symbol.for('leakgate.vitest.options')

export function loadCore(): CoreModule {
  const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module')
  return createRequire(import.meta.url)('@leakgate/core') as CoreModule
}

/** Installs (or re-configures, when the options changed) the engine of this worker. */
export function prepareEngine(core: CoreModule, payload: WorkerPayload): Engine {
  const engine = core.getEngine()
  const holder = engine as unknown as Record<symbol, string | undefined>
  const key = JSON.stringify(payload.options)
  if (holder[CONFIGURED] !== key) {
    core.install(payload.options)
    holder[CONFIGURED] = key
    for (const fragment of FRAMEWORK_PATHS) {
      if (!engine.filter.frameworkPaths.includes(fragment)) engine.filter.frameworkPaths.push(fragment)
    }
    for (const operation of FRAMEWORK_OPERATIONS) {
      if (!engine.filter.operations.includes(operation)) engine.filter.operations.push(operation)
    }
    if (!engine.filter.internalDirs.includes(here)) engine.filter.internalDirs.push(here)
  }
  return engine
}

/** True inside a vm context (vmThreads, vmForks): its intrinsics are not the worker's. */
export function inVmContext(): boolean {
  const fs = process.getBuiltinModule?.('node:fs')
  return fs !== undefined && Object.getPrototypeOf(fs) !== Object.prototype
}

type PrepareStackTrace = ErrorConstructor['prepareStackTrace']

/**
 * Vitest 3.2's vm pools install their source-map support in the test's context only, so the
 * stacks the engine captures (in the worker's realm) point into the transformed module: the
 * code frame lands a few lines off. Lends the context's formatter to the worker's realm for
 * the file, when that realm has none of its own (4.x and 5 map both). Returns the undo.
 */
export function lendSourceMaps(): (() => void) | undefined {
  const contextPrepare: PrepareStackTrace = Error.prepareStackTrace
  const assert = process.getBuiltinModule?.('node:assert') as typeof import('node:assert') | undefined
  const OuterError = assert ? (Object.getPrototypeOf(assert.AssertionError) as ErrorConstructor) : undefined
  if (!OuterError || OuterError === Error || typeof contextPrepare !== 'function') return undefined
  // Only over Node's own formatter: undefined, or visible as ErrorPrepareStackTrace (Node 20.20+).
  const outerPrepare = OuterError.prepareStackTrace
  if (outerPrepare !== undefined && outerPrepare.name !== 'ErrorPrepareStackTrace') return undefined
  OuterError.prepareStackTrace = contextPrepare
  return () => {
    if (OuterError.prepareStackTrace === contextPrepare) OuterError.prepareStackTrace = outerPrepare
  }
}
