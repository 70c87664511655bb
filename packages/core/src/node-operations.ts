import type { FrameFilter, StackCapture } from './attribution.js'
import { compilingFrame } from './trusted-operations.js'

// Node's own code generation is never the user's. A handful of Node's internals compile code
// (read from the sources of Node 20, 22, 24 and 26): a fixed string, a module's source, or the
// process's own program. They are recognised by the internal function that asked, the first
// frame below the vm machinery and leakgate's wrappers, never by a `node:` frame anywhere on the
// stack: a timer or an event emitter calling `vm.runInThisContext` as a callback has Node frames
// above the user's code too, and stays the user's.

/** Internal file → the functions in it that compile code (null: its top level). */
const GENERATORS: Readonly<Record<string, readonly (string | null)[]>> = {
  // `runInNewContext('this')` for a realm of its own: web streams releasing a reader, URL and
  // fs helpers (SideEffectFree*); a fixed stack reader (Buffer() deprecation, node:test mocks).
  'node:internal/util': ['getInternalGlobal', 'lazyGetStructuredStack'],
  // node:repl listing a fresh realm's globals, a fixed string: when it loads (Node 20-22), when
  // its first server makes a context (internal/repl/utils, Node 24-26). The REPL's evaluation
  // of its input is decided where it runs (code.ts).
  'node:repl': [null],
  'node:internal/repl/utils': [null],
  // A module's own source, when `Module.wrap` was changed (decided at Module#_compile).
  'node:internal/modules/cjs/loader': ['wrapSafe'],
  // The process's program: `node -e`, `-p`, stdin, a worker's `eval` (decided where it started).
  'node:internal/process/execution': ['evalScript', 'compileScript', 'runScriptInContext'],
  // node:test reading its snapshot files; `--prof-process`; loader-hook preload code; Node
  // 26's web workers.
  'node:internal/test_runner/snapshot': ['readFile'],
  'node:internal/v8_prof_processor': [null],
  'node:internal/modules/esm/hooks': ['#executePreloadScripts'],
  'node:internal/webworker': ['runClassicScriptSource'],
}

/** Is this code generation one of Node's own operations? */
export function isNodeOperation(stack: StackCapture, filter: FrameFilter): boolean {
  const frame = compilingFrame(stack, filter)
  if (!frame?.file.startsWith('node:')) return false
  return GENERATORS[frame.file]?.includes(frame.fn ?? null) ?? false
}
