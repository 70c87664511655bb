import { fileURLToPath } from 'node:url'
import type { Frame, FrameFilter, StackCapture } from './attribution.js'

const fs = process.getBuiltinModule('node:fs')

// Which code generation is the framework's own work (issue 12.4). Trust goes to an OPERATION: a
// named function of the framework that compiles, recognised by the first frame below the vm API
// and leakgate's wrappers, never to whoever is on the stack. A framework frame anywhere on the
// stack proves nothing: a mock of `Function` (`vi.fn(Function)`, `jest.fn(Function)`), a spy on
// `eval`, jsdom's string timers, `expect(...).toSatisfy(eval)` or a utility mapping a list
// through `Function` all have the framework calling the generator with the test's code; those
// frames are in no operation and are decided as the test's eval.
//
// Two kinds of operation:
// - `module`: loads a module from a real file (jest-runtime, Vitest's module evaluator, the
//   TypeScript loaders): trusted only when the compile names that file (its `filename`) and the
//   file exists. A compile named after no file (`data:`, a made-up id) is code from a string.
// - `own`: code the framework writes itself (`runInContext('this')`, its primitives, jest-mock's
//   automock constructor, a snapshot file read inside the same function), never code it is
//   handed; where that code is fixed, the operation names it (`code`). The same list decides a
//   native binding the framework reads for itself (`process.binding('util')`, native-access.ts).
//
// The framework's frames still matter for blame: they are never the call site and never the
// package a `{ from }` rule names (FrameFilter.frameworkPaths).

export interface TrustedOperation {
  /** A fragment of the path of the file the compiling function is in, with `/`. */
  file: string
  /**
   * The functions of that file that compile, by the name V8 gives them (a class's constructor
   * is the class's name); `'*'`: any function of a file that never compiles code it is handed.
   */
  fn: readonly string[] | '*'
  compiles: 'module' | 'own'
  /** `own` only: the code must match (fixed code a forwarded call could not make harmful). */
  code?: RegExp
  /** `module` only: ids of modules the framework serves itself, not from a file (what the Vite server hands Vitest's module runner). */
  ids?: RegExp
}

/** The vm API's own implementation: below the caller, never the caller. */
const VM_MACHINERY: ReadonlySet<string> = new Set(['node:vm', 'node:internal/vm', 'node:internal/vm/module'])

/**
 * The frame that asked for the compile: the first below the vm API and leakgate's wrappers (and
 * below all of Node's frames with `afterNode`: a stack seen from the inspector's event).
 */
export function compilingFrame(stack: StackCapture, filter: FrameFilter, afterNode = false): Frame | undefined {
  for (let i = 0, frame = stack.rawFrame(0); frame; frame = stack.rawFrame(++i)) {
    if (VM_MACHINERY.has(frame.file) || (afterNode && frame.file.startsWith('node:'))) continue
    if (!frame.file.startsWith('node:') && filter.internalDirs.some((dir) => frame.file.startsWith(dir))) continue
    return frame
  }
  return undefined
}

const realFiles = new Map<string, boolean>()

/** Does `name` (a path or a file: URL, as compiles name their code) name an existing file? */
export function namesRealFile(name: unknown): boolean {
  if (typeof name !== 'string' || name === '') return false
  let known = realFiles.get(name)
  if (known === undefined) {
    let file = name
    try {
      if (name.startsWith('file:')) file = fileURLToPath(name)
      known = file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? fs.statSync(file).isFile() : false
    } catch {
      known = false
    }
    if (realFiles.size > 8192) realFiles.clear()
    realFiles.set(name, known)
  }
  return known
}

/** The operations that may apply to a frame's file, cached per file. */
const byFile = new WeakMap<readonly TrustedOperation[], Map<string, TrustedOperation[]>>()

function operationsOf(list: readonly TrustedOperation[], file: string): TrustedOperation[] {
  let cache = byFile.get(list)
  if (!cache) {
    cache = new Map()
    byFile.set(list, cache)
  }
  const key = `${list.length}\u0000${file}`
  let found = cache.get(key)
  if (!found) {
    const normalized = file.replace(/\\/g, '/')
    found = list.filter((operation) => normalized.includes(operation.file))
    if (cache.size > 4096) cache.clear()
    cache.set(key, found)
  }
  return found
}

/**
 * Is this compile one of the framework's trusted operations? `code` is what compiles (unknown
 * when `eval` is only looked up); `filename` is what the compile names its code (a vm filename,
 * a module identifier), absent for `Function` and `eval`.
 */
export function isTrustedOperation(
  stack: StackCapture,
  filter: FrameFilter,
  code: string | undefined,
  filename?: unknown,
  afterNode = false,
): boolean {
  const frame = compilingFrame(stack, filter, afterNode)
  if (!frame) return false
  for (const operation of operationsOf(filter.operations, frame.file)) {
    if (operation.fn !== '*' && !operation.fn.includes(frame.fn ?? '')) continue
    if (operation.code !== undefined && (code === undefined || !operation.code.test(code))) continue
    if (operation.compiles === 'own' || namesRealFile(filename)) return true
    if (operation.ids !== undefined && typeof filename === 'string' && operation.ids.test(filename)) return true
  }
  return false
}

/**
 * Is the caller one of the framework's module loaders (a `module` operation, whatever it
 * compiles)? For what a loader does besides compiling: registering its module hooks.
 */
export function isModuleLoader(stack: StackCapture, filter: FrameFilter): boolean {
  const frame = compilingFrame(stack, filter)
  if (!frame) return false
  return operationsOf(filter.operations, frame.file).some(
    (operation) => operation.compiles === 'module' && (operation.fn === '*' || operation.fn.includes(frame.fn ?? '')),
  )
}
