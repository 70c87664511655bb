import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as SessionApi from '@leakgate/core/session'
import { FRAMEWORK_OPERATIONS, FRAMEWORK_PATHS, type WorkerPayload } from '../shared.js'

// Core is loaded with Node's own `require`, never through Vite: in the vm pools the setup file
// runs inside a fresh context per test file, and the guard with its patches must live in the
// worker's outer realm, once. An `import` would be evaluated in the context (or transformed by
// Vite when the package is linked from a workspace), and so would a `require` made with the
// context's `node:module`: Vitest's vm pools hand the context their own `createRequire`, which
// evaluates CommonJS inside the context too. `process` is the worker's real one in every pool,
// and `process.getBuiltinModule` returns the real builtin.

export type SessionModule = typeof SessionApi
export type Session = SessionApi.Session

const here = path.dirname(fileURLToPath(import.meta.url)) + path.sep

/** The session of this worker, configured (again only when they changed) with the plugin's options. */
export function openWorkerSession(payload: WorkerPayload): Session {
  const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module')
  const api = createRequire(import.meta.url)('@leakgate/core/session') as SessionModule
  return api.openSession({
    framework: 'vitest',
    options: payload.options,
    trustedPaths: [...FRAMEWORK_PATHS, ...api.JSDOM_PATHS],
    trustedOperations: [...FRAMEWORK_OPERATIONS, ...api.JSDOM_OPERATIONS],
    ownDirs: [here],
  })
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
