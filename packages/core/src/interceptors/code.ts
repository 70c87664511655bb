import { StackCapture } from '../attribution.js'
import type { Engine } from '../engine.js'
import { isNodeOperation } from '../node-operations.js'
import { compilingFrame, isTrustedOperation, namesRealFile } from '../trusted-operations.js'
import { codeGenerationOf } from './code-generation.js'
import { CompiledScripts, offsetOf } from './compiled-scripts.js'
import { installContexts } from './contexts.js'
import { decideUnreadable } from './fail-closed.js'
import { decidedDataModules, guardDataModules, installModuleLoader, type LoadingFileCompile } from './module-loader.js'
import { type Natives, quietBinding } from './natives.js'
import { disguise, patchMethod, patchProperty, type Restore, realOf } from './patch.js'
import { raise } from './raise.js'
import { checkCode } from './realm.js'
import { Trampolines } from './trampoline.js'

const vm = process.getBuiltinModule('node:vm')

// Code generation outside a realm's own intrinsics, shared by every realm of the process:
// - every `vm.Script` (`new vm.Script()`, `vm.runInThisContext`, `runInContext`,
//   `runInNewContext`, `createScript`): its constructor calls its native parent with the code
//   already converted to a string (`super(code, filename, lineOffset, columnOffset, ...)`, Node
//   20-26), and that parent is looked up on `vm.Script`'s prototype chain at call time, so a
//   reference captured before install is caught too. Decided as it compiles, so a script's run
//   has no leakgate frame in its stack (Node's own internal scripts are built without it);
// - `vm.compileFunction` (export only: internal/vm destructured the binding at startup) and
//   `vm.SourceTextModule` (under --experimental-vm-modules; a data: module made from a class
//   captured before install, as Vitest's vm pools do, is decided when it is linked);
// - code from strings through the module system: `Module.prototype._compile`, loader hooks'
//   sources, `Module.wrap`, `import('data:...')` (module-loader.ts);
// - the inspector's messages that compile code (`Runtime.evaluate`, `compileScript`,
//   `callFunctionOn`, `Debugger.evaluateOnCallFrame`, a breakpoint's condition …), at the
//   native `dispatch` of its connection.
// The test frameworks compile every module through these: their operations are trusted (eval
// only): loading a module from the real file a compile names, and the code they write themselves
// (trusted-operations.ts), never a framework frame as such. Node's own internal operations are
// trusted too (node-operations.ts). What each vm script was compiled
// with is noted (compiled-scripts.ts) so that code compiled for a caller in it behaves as there.
//
// Cannot see: a client of the inspector's own port (`inspector.open()`, then a WebSocket to
// it): its messages reach V8 without passing a session's connection;
// `vm.compileFunction` captured before install; a `ContextifyScript` built from
// `process.binding('contextify')` (that binding access is itself an event, native-access.ts).

/**
 * `vm.compileFunction`'s options as Node reads them (one destructuring, these keys in this order,
 * on Node 20 to 26; compile-options.test.ts compares the reads with Node's own on each Node).
 */
const COMPILE_FUNCTION_OPTIONS = [
  'filename',
  'columnOffset',
  'lineOffset',
  'cachedData',
  'produceCachedData',
  'parsingContext',
  'contextExtensions',
  'importModuleDynamically',
] as const

/** Each option Node reads, read once (a getter runs once, as without leakgate), in Node's order. */
function pinnedOptions(options: object): Record<string, unknown> {
  const given = options as Record<string, unknown>
  const pinned: Record<string, unknown> = {}
  for (const key of COMPILE_FUNCTION_OPTIONS) pinned[key] = given[key]
  return pinned
}

/** `params` as Node accepts it (absent, or an array of strings): it reads the options only then. */
function isStringList(params: unknown): boolean {
  if (params === undefined) return true
  if (!Array.isArray(params)) return false
  for (const param of params) if (typeof param !== 'string') return false
  return true
}

/** `vm.runInNewContext` when that export was used, else `vm.Script`. */
function vmEvent(stack: StackCapture): string {
  const vmFrames = stack.rawFrames().filter((frame) => frame.file === 'node:vm')
  const outer = vmFrames[vmFrames.length - 1]
  if (vmFrames.length >= 2 && outer?.fn) return `vm.${outer.fn}`
  return 'vm.Script'
}

/** Trusted code generation: one of the framework's operations or one of Node's internal ones. */
function isTrusted(engine: Engine, stack: StackCapture, code: string, filename: unknown): boolean {
  return isTrustedOperation(stack, engine.filter, code, filename) || isNodeOperation(stack, engine.filter)
}

/**
 * Frames a compile's trust probe captures first: the compiling frame is the first below the vm
 * API's own frames and leakgate's wrapper. `vm.compileFunction`'s caller calls leakgate's export
 * directly (frame 0); `vm.Script` is reached through up to three of node:vm's frames (the
 * constructor, `createScript`, `runInNewContext`). A probe that holds too few grows (below).
 */
const TRUST_PROBE_DEPTH = { compileFunction: 1, script: 4, module: 1 } as const

/**
 * The capture a compile is decided on, or undefined when it is trusted. A framework compiles
 * every module it loads through the vm API, and a full capture there is dearer than the rest of
 * leakgate's work on that compile: V8 summarizes every frame it captures (an optimized frame's
 * inlined functions translated back, a baseline frame's bytecode offset searched for), and a
 * runner's stack has no project frame in its first twenty, so the full capture is taken twice,
 * the second time whole. So trust is read on a probe (StackCapture.probe) of the first frames,
 * which takes the full capture, as `new StackCapture` would, the moment a question reads past
 * them: each answer is the full capture's. An untrusted compile is decided on that same probe,
 * grown as the policy's `{ from }` rules and the message read it.
 */
function untrustedStack(
  engine: Engine,
  skip: (...args: never[]) => unknown,
  depth: number,
  code: string,
  filename: unknown,
): StackCapture | undefined {
  const stack = StackCapture.probe(engine.filter, skip, depth)
  return isTrusted(engine, stack, code, filename) ? undefined : stack
}

/** The compile APIs a trusted text is noted for: the same text through another API is another question. */
type CompileKind = 'script' | 'function' | 'module'

interface TrustedText {
  kind: CompileKind
  code: string
  /** `vm.compileFunction`'s parameter names (a copy): the same body under other names is other code. */
  params: readonly string[] | undefined
}

/** Same names, in the same order (both a copy of strings, or both absent). */
function sameParams(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * The texts a trusted operation compiled, by the name they were compiled under. A framework
 * compiles the same modules again for every test file (Jest: a module registry and a vm context
 * per file; Vitest's vm pools: a context per file), each a compile the trust probe would take a
 * stack for (~6-9 µs, and V8 building call sites, then GC: most of leakgate's cost per module
 * under Jest, issue 15). The same text, under the same name, through the same API, with the same
 * parameter names is decided as it was the first time, without a stack: it is a text a trusted
 * operation already compiled for that file, so compiling it again runs nothing a test could not
 * already have run by loading that file, whoever asks. Code a test builds is not such a text (a
 * single character differs, or the name, and the stack decides as before); a string is compared
 * by content, so nothing a test holds can stand in for one. Bounded: a name keeps its last few
 * texts, and the whole table is dropped past a size (the next compiles take a stack again).
 */
class TrustedTexts {
  private readonly byName = new Map<string, TrustedText[]>()

  has(name: string, kind: CompileKind, code: string, params: readonly string[] | undefined): boolean {
    const texts = this.byName.get(name)
    if (texts === undefined) return false
    for (const text of texts) {
      if (text.kind === kind && text.code === code && sameParams(text.params, params)) return true
    }
    return false
  }

  note(name: string, kind: CompileKind, code: string, params: readonly string[] | undefined): void {
    let texts = this.byName.get(name)
    if (texts === undefined) {
      if (this.byName.size >= TRUSTED_TEXTS_NAMES) this.byName.clear()
      texts = []
      this.byName.set(name, texts)
    }
    if (texts.length >= TRUSTED_TEXTS_PER_NAME) texts.shift()
    texts.push({ kind, code, params })
  }

  clear(): void {
    this.byName.clear()
  }
}

/** Names kept (a suite's distinct modules; each text is held by the framework's caches too). */
const TRUSTED_TEXTS_NAMES = 16384
/** Texts kept per name (a transform per configuration, a module compiled for two environments). */
const TRUSTED_TEXTS_PER_NAME = 4

export function installCode(engine: Engine, natives: Natives, restores: Restore[]): void {
  // Before the compile hook below: its probe script is leakgate's own.
  const contexts = installContexts(engine, restores)
  const codegen = codeGenerationOf(engine)
  const scripts = new CompiledScripts()
  // Set below, once the module loader is guarded (module-loader.ts).
  let compilesLoadingFile: LoadingFileCompile = () => false
  const trustedTexts = new TrustedTexts()
  restores.push(() => trustedTexts.clear())
  /**
   * The capture a named compile is decided on, or undefined when it is trusted: a text a trusted
   * operation compiled under that name before (TrustedTexts) with no stack, else the probe, and
   * a compile the probe trusts is noted.
   */
  const untrustedCompile = (
    kind: CompileKind,
    skip: (...args: never[]) => unknown,
    depth: number,
    code: string,
    name: unknown,
    params?: readonly string[],
  ): StackCapture | undefined => {
    const named = typeof name === 'string' && name !== ''
    if (named && trustedTexts.has(name, kind, code, params)) return undefined
    const stack = untrustedStack(engine, skip, depth, code, name)
    // Only under a real file's name: a module loaded from it. Not a default name
    // (`evalmachine.<anonymous>`) nor an id, under which a trusted operation's own fixed code
    // (Node's `runInNewContext('this')`) is trusted for that caller only.
    if (stack === undefined && named && namesRealFile(name)) trustedTexts.note(name, kind, code, params)
    return stack
  }
  const RealScript = realOf(vm.Script)
  const realCompileFunction = realOf(vm.compileFunction)

  // `super(...)` in vm.Script's constructor: every script compiled through the vm API, by any
  // export or a reference captured before install. Decided there, before V8 compiles it; the
  // run then has no leakgate frame in its stack.
  const Contextify = Object.getPrototypeOf(RealScript) as (new (...args: unknown[]) => object) | null
  if (typeof Contextify === 'function' && Contextify.prototype === natives.ContextifyScript) {
    const compiling = new Proxy(Contextify, {
      construct: function compileScript(target, args, newTarget) {
        // The code, already converted to a string by vm.Script: what is decided is what compiles.
        if (engine.active && typeof args[0] === 'string') {
          const stack = untrustedCompile('script', compileScript, TRUST_PROBE_DEPTH.script, args[0], args[1])
          if (stack && !compilesLoadingFile(args[0], args[1])) {
            const outcome = checkCode(engine, vmEvent(stack), args[0], [args[0]], compileScript, stack, {
              untrusted: true,
            })
            if (!outcome.ok) raise(outcome.error)
          }
        }
        const script = Reflect.construct(target, args, newTarget) as object
        // The context it is compiled for (vm.runInContext, vm.runInNewContext): a realm to tame
        // before the script runs there.
        if (args[6] !== undefined) contexts.tame(args[6])
        if (engine.mode === 'report') codegen.evalSources.note(args[1], args[0])
        if (typeof args[7] === 'symbol') {
          scripts.note(args[1], {
            import: { kind: 'id', id: args[7] },
            lineOffset: offsetOf(args[2]),
            columnOffset: offsetOf(args[3]),
          })
        }
        return script
      },
    })
    Object.setPrototypeOf(RealScript, compiling)
    restores.push(() => {
      if (Object.getPrototypeOf(RealScript) === compiling) Object.setPrototypeOf(RealScript, Contextify)
    })
  }

  codegen.trampolines = new Trampolines(scripts, {
    compileFunction: realCompileFunction,
    ContextifyScript: Contextify ?? undefined,
    runInContext: natives.ContextifyScript?.runInContext as never,
  })
  restores.push(() => {
    codegen.trampolines = undefined
    scripts.clear()
    codegen.evalSources.clear()
  })

  patchMethod<(code: unknown, params?: unknown, options?: unknown) => unknown>(
    restores,
    vm,
    'compileFunction',
    (real) =>
      function compileFunction(this: unknown, code: unknown, params?: unknown, options?: unknown) {
        // Each parameter read once: what is decided is what compiles (a getter could answer
        // differently the second time). Node requires strings; it says so for anything else.
        const list = Array.isArray(params) ? Array.from(params as unknown[]) : params
        // Node refuses anything else before it reads an option or compiles: such a call is left
        // to fail as Node fails it (its TypeError, no option read), with nothing to decide.
        const accepted =
          typeof code === 'string' &&
          isStringList(list) &&
          (options === undefined || (options !== null && typeof options === 'object' && !Array.isArray(options)))
        if (accepted && options !== undefined) {
          // Its options read once each, in Node's order, into a plain object Node then reads
          // without side effects: the context tamed here is the one that compiles, whatever a
          // getter swaps. Not an object taking `options` as its prototype: V8 turns an object
          // that becomes a prototype into a prototype map (~10-25 µs), and Jest compiles every
          // module so.
          options = pinnedOptions(options as object)
          const parsingContext = (options as { parsingContext?: unknown }).parsingContext
          if (parsingContext !== undefined) contexts.tame(parsingContext)
        }
        if (engine.active && accepted) {
          // The filename as it compiles, for the trust decision (a module of a real file).
          const named = (options as { filename?: unknown } | undefined)?.filename
          const body = code as string
          const names = Array.isArray(list) ? (list as string[]) : undefined
          const stack = untrustedCompile(
            'function',
            compileFunction,
            TRUST_PROBE_DEPTH.compileFunction,
            body,
            named,
            names,
          )
          if (stack && !compilesLoadingFile(body, named)) {
            const source = names !== undefined && names.length > 0 ? `(${names.join(', ')}) => { ${body} }` : body
            const outcome = checkCode(engine, 'vm.compileFunction', source, [code, list], compileFunction, stack, {
              untrusted: true,
            })
            if (!outcome.ok) raise(outcome.error)
          }
        }
        codegen.compileDepth++
        let compiled: unknown
        try {
          compiled = Reflect.apply(real, this, [code, list, options])
        } finally {
          codegen.compileDepth--
        }
        if (options !== null && typeof options === 'object') {
          const { filename, importModuleDynamically, lineOffset, columnOffset } = options as Record<string, unknown>
          if (engine.mode === 'report') codegen.evalSources.note(filename, code)
          scripts.note(filename, {
            import: { kind: 'callback', value: importModuleDynamically },
            lineOffset: offsetOf(lineOffset),
            columnOffset: offsetOf(columnOffset),
          })
        }
        return compiled
      },
  )

  const RealSourceTextModule = (vm as unknown as { SourceTextModule?: new (...args: unknown[]) => object })
    .SourceTextModule
  if (typeof RealSourceTextModule === 'function') {
    const guarded: new (...args: unknown[]) => object = new Proxy(RealSourceTextModule, {
      construct: function compileModule(target, args, newTarget): object {
        // The context it links in, read once and tamed: Node reads that same value.
        const given = args[1]
        if (given !== null && typeof given === 'object') {
          const context = (given as { context?: unknown }).context
          if (context !== undefined) {
            contexts.tame(context)
            args[1] = Object.create(given, { context: { value: context, enumerable: true } })
          }
        }
        const options = (args[1] ?? {}) as { identifier?: unknown; importModuleDynamically?: unknown }
        const identifier = typeof options.identifier === 'string' ? options.identifier : undefined
        // Node requires a string source; anything else fails in the constructor, as without us.
        if (engine.active && typeof args[0] === 'string') {
          // A data: URL is code from a string even when the framework compiles it on our behalf.
          const isData = identifier?.startsWith('data:') === true
          const stack = isData
            ? new StackCapture(engine.filter, compileModule)
            : untrustedCompile('module', compileModule, TRUST_PROBE_DEPTH.module, args[0], identifier)
          if (stack) {
            const outcome = checkCode(
              engine,
              isData ? 'import(data:)' : 'vm.SourceTextModule',
              args[0],
              args,
              compileModule,
              stack,
              { untrusted: true },
            )
            if (!outcome.ok) raise(outcome.error)
          }
        }
        const module = Reflect.construct(target, args, newTarget === guarded ? target : newTarget)
        if (identifier?.startsWith('data:')) decidedDataModules.add(module)
        if (identifier !== undefined) {
          scripts.note(identifier, {
            import: { kind: 'callback', value: options.importModuleDynamically, identifier },
            lineOffset: 0,
            columnOffset: 0,
          })
        }
        return module
      },
    })
    disguise(guarded, RealSourceTextModule)
    patchProperty(restores, vm, 'SourceTextModule', { value: guarded, writable: true, enumerable: true })
    guardDataModules(engine, RealSourceTextModule, restores)
  }

  compilesLoadingFile = installModuleLoader(engine, scripts, restores)
  installInspector(engine, restores)
  installReplRuns(engine, natives, restores)
}

/** What a REPL evaluation is recorded with: its input is not reachable from the script it runs. */
const REPL_INPUT = '(code not visible: the input of a REPL)'

// A REPL's input (`repl.start()`, `new REPLServer()`): node:repl compiles it with internal/vm's
// `makeContextifyScript`, a ContextifyScript built directly, below vm.Script (no `super(...)`
// to decide at), then runs it through vm.Script.prototype's `runInThisContext`/`runInContext`,
// whose `super.runInContext` looks the native method up on ContextifyScript.prototype at each
// run. That property becomes an accessor returning the real method, so no run has a leakgate
// frame in its stack, and a run costs one prototype comparison: a script vm.Script built (decided
// as it compiled) has vm.Script.prototype first on its chain. A bare ContextifyScript run on
// behalf of node:repl is the REPL evaluating its input, decided there. Node's other bare scripts
// are decided where they are made (`node -e`, a changed `Module.wrap`: node-operations.ts,
// Module#_compile), and one built from `process.binding('contextify')` is an event already.
function installReplRuns(engine: Engine, natives: Natives, restores: Restore[]): void {
  const proto = natives.ContextifyScript
  const real = proto?.runInContext
  if (!proto || typeof real !== 'function') return
  let assigned: unknown
  const runInContext = function runInContext(this: unknown): unknown {
    if (assigned !== undefined) return assigned
    if (!engine.active || typeof this !== 'object' || this === null || Object.getPrototypeOf(this) !== proto)
      return real
    const stack = StackCapture.probe(engine.filter, runInContext, TRUST_PROBE_DEPTH.script)
    if (compilingFrame(stack, engine.filter)?.file === 'node:repl') {
      const outcome = checkCode(engine, 'node:repl', REPL_INPUT, [], runInContext, stack, { untrusted: true })
      if (!outcome.ok) raise(outcome.error)
    }
    return real
  }
  patchProperty(restores, proto, 'runInContext', {
    get: runInContext,
    set(value: unknown) {
      assigned = value === real ? undefined : value
    },
    enumerable: true,
  })
}

/**
 * Inspector methods that compile code, and the parameter holding it. A breakpoint's condition is
 * compiled and run each time the line is reached (a logpoint is a condition that prints).
 */
const INSPECTOR_CODE: Record<string, string> = {
  'Runtime.evaluate': 'expression',
  'Runtime.compileScript': 'expression',
  'Runtime.callFunctionOn': 'functionDeclaration',
  'Debugger.evaluateOnCallFrame': 'expression',
  'Debugger.setScriptSource': 'scriptSource',
  'Debugger.setBreakpoint': 'condition',
  'Debugger.setBreakpointByUrl': 'condition',
  'Debugger.setBreakpointOnFunctionCall': 'condition',
}
/** Only code when given: a breakpoint without a condition compiles nothing. */
const OPTIONAL_CODE = new Set(['condition'])
/** Methods that carry a whole message to another session (a worker's): read inside too. */
const INSPECTOR_NESTED = new Set(['NodeWorker.sendMessageToWorker', 'Target.sendMessageToTarget'])

/** The code an inspector message compiles: [method, code] pairs, nested messages included. */
export function inspectorCode(method: unknown, params: unknown, depth = 0): [string, string][] {
  if (typeof method !== 'string' || typeof params !== 'object' || params === null) {
    return typeof method === 'string' && INSPECTOR_CODE[method] && !OPTIONAL_CODE.has(INSPECTOR_CODE[method])
      ? [[method, '']]
      : []
  }
  const fields = params as Record<string, unknown>
  const field = INSPECTOR_CODE[method]
  if (field !== undefined) {
    const value = fields[field]
    if (OPTIONAL_CODE.has(field) && (value === undefined || value === null || value === '')) return []
    return [[method, typeof value === 'string' ? value : String(value ?? '')]]
  }
  if (INSPECTOR_NESTED.has(method) && typeof fields.message === 'string' && depth < 4) {
    const inner = parseMessage(fields.message)
    if (!inner) return [[method, fields.message]]
    return inspectorCode(inner.method, inner.params, depth + 1)
  }
  return []
}

function parseMessage(text: string): { method?: unknown; params?: unknown } | null {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? (parsed as { method?: unknown; params?: unknown }) : null
  } catch {
    return null
  }
}

// The inspector: every message a session sends ends in the native `dispatch` of its connection
// (`Connection`, or `MainThreadConnection` for a worker's connectToMainThread), as one JSON
// string. Decided there, on the message parsed once, and the inspector is handed that very
// message again (re-serialized: what was decided is what it reads; Node's own messages come out
// identical), so a `post` captured before install (node:inspector/promises captures it when it
// loads), a params getter or toJSON that answers differently the second time, or a message
// written by hand change nothing. Where the binding is out of reach (the permission model),
// `Session.prototype.post` is guarded instead.
function installInspector(engine: Engine, restores: Restore[]): void {
  const binding = quietBinding('inspector')
  const connections = [binding?.Connection?.prototype, binding?.MainThreadConnection?.prototype].filter(
    (proto): proto is Record<string, unknown> => typeof proto?.dispatch === 'function',
  )
  for (const proto of connections) {
    patchMethod<(message: unknown) => unknown>(
      restores,
      proto,
      'dispatch',
      (real) =>
        function dispatch(this: unknown, message: unknown) {
          if (!engine.active) return Reflect.apply(real, this, [message])
          const text = typeof message === 'string' ? message : `${message as string}`
          const parsed = parseMessage(text)
          if (!parsed) {
            const outcome = decideUnreadable(engine, 'eval', 'inspector', dispatch, 'the inspector message is not JSON')
            if (!outcome.ok) raise(outcome.error)
            return Reflect.apply(real, this, [text])
          }
          for (const [method, code] of inspectorCode(parsed.method, parsed.params)) {
            const outcome = checkCode(engine, `inspector.${method}`, code, [method, parsed.params], dispatch)
            if (!outcome.ok) raise(outcome.error)
          }
          return Reflect.apply(real, this, [JSON.stringify(parsed)])
        },
    )
  }
  if (connections.length > 0) return
  let inspector: { Session?: { prototype: Record<string, unknown> } } | undefined
  try {
    inspector = process.getBuiltinModule('node:inspector') as unknown as typeof inspector
  } catch {
    return
  }
  const proto = inspector?.Session?.prototype
  if (!proto) return
  patchMethod<(method: string, params?: unknown, ...rest: unknown[]) => unknown>(
    restores,
    proto,
    'post',
    (real) =>
      function post(this: unknown, method: string, params?: unknown, ...rest: unknown[]) {
        if (engine.active) {
          for (const [name, code] of inspectorCode(method, params)) {
            const outcome = checkCode(engine, `inspector.${name}`, code, [name, params], post)
            if (!outcome.ok) raise(outcome.error)
          }
        }
        return Reflect.apply(real, this, [method, params, ...rest])
      },
  )
}
