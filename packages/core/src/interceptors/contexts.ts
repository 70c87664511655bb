import type { Script } from 'node:vm'
import type { Engine } from '../engine.js'
import { nativeSource } from './natives.js'
import { patchMethod, type Restore, realOf } from './patch.js'
import { tameRealm } from './realm.js'

const vm = process.getBuiltinModule('node:vm')

// vm contexts are realms: each has its own Function family and eval, one property away from the
// code it runs (`vm.runInNewContext('Function')('...')`, `new vm.Script('this')
// .runInContext(ctx).constructor.constructor`) or, for a `vm.constants.DONT_CONTEXTIFY` context
// (Node 22.8+), on the object `createContext` returns. Each is tamed as the main realm is
// (realm.ts), when it is made, so that no vm run has a leakgate frame in its stack (vm stacks
// must look as without the guard):
// - `vm.createContext` (the export: Node's own module calls the native `makeContext` it
//   destructured at startup, so the binding cannot be patched in its place);
// - a context a script is compiled for (`vm.runInContext`, `vm.runInNewContext`: the native
//   ContextifyScript is given its parsing context, see code.ts), `vm.compileFunction`'s
//   `parsingContext`, a `vm.SourceTextModule`'s `context`;
// - `Script.prototype.runInNewContext`, which makes its context with Node's module-local
//   createContext and runs at once: replaced by a copy of Node's own method, compiled at Node's
//   own file name and position (read from Node's source), so that its frame is Node's.
// Each realm is known by its `Function.prototype`: tamed once, however many times it is reached.
// A contextified context's sandbox keeps no `eval` or `Function` of leakgate's where Node puts
// the context's globals on the context itself (Node 20-24); on Node 26 a context's own globals
// live on its sandbox, so a sandbox shows `eval` and `Function` as own, non-enumerable properties.
//
// Cannot see: the real eval a context's maker copied onto its sandbox by value from code the
// guard trusts (jsdom does, for each window it makes: an iframe's `contentWindow.eval` is the
// real one; the adapters put the accessor back on the test's own window when they name it, and
// jsdom's own code calls that copied eval as it sets up each window); a context made before install and then run by `script.runInContext(ctx)` (a vm
// export given that context tames it); one made through `process.binding('contextify')` (that
// binding access is itself an event, native-access.ts).

/** Runs in the context: its global, its Function.prototype and the three siblings (syntax, not strings). */
const PROBE =
  '[globalThis, Object.getPrototypeOf(function () {}), async function () {}, function* () {}, async function* () {}]'
/** The global properties taming defines (on a contextified context, they reach its sandbox). */
const GLOBAL_NAMES = ['eval', 'Function'] as const

type RunInContext = (this: Script, context: object, options?: unknown) => unknown
type RunInNewContext = (this: Script, contextObject?: unknown, options?: unknown) => unknown

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
}

function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
  if (!a || !b) return a === b
  return a.value === b.value && a.get === b.get && a.set === b.set
}

/**
 * Runs `change` (taming or untaming the context's global) and leaves the sandbox as it was where
 * Node lets the global hold the properties itself.
 */
function keepSandbox(sandbox: object | undefined, global: object, change: () => void): void {
  if (!sandbox) {
    change()
    return
  }
  const before = GLOBAL_NAMES.map((name) => Object.getOwnPropertyDescriptor(sandbox, name))
  change()
  GLOBAL_NAMES.forEach((name, index) => {
    const had = before[index]
    try {
      // The sandbox's own value is what the context sees: the caller's choice, kept.
      if (had) {
        Object.defineProperty(sandbox, name, had)
        return
      }
      const landed = Object.getOwnPropertyDescriptor(sandbox, name)
      if (!landed) return
      delete (sandbox as Record<string, unknown>)[name]
      // Node 26: the context's own globals live on the sandbox only; put it back there.
      if (!sameDescriptor(Object.getOwnPropertyDescriptor(global, name), landed)) {
        Object.defineProperty(sandbox, name, landed)
      }
    } catch {
      // A frozen or exotic sandbox: it keeps what Node defined.
    }
  })
}

/** The vm contexts of this thread, tamed as they are made. */
export class ContextRealms {
  /** Context objects (contextified sandboxes, DONT_CONTEXTIFY globals) seen already. */
  readonly #seen = new WeakSet<object>()
  /** The globals of tamed contexts, to untame at uninstall if still alive. */
  readonly #alive = new Set<WeakRef<object>>()
  readonly #untame = new WeakMap<object, () => void>()
  #pruneAt = 64
  readonly #probe: Script
  readonly #runInContext: RunInContext
  readonly #runInNewContext: RunInNewContext

  /** Built before the vm compile hook is in place: the probe script is leakgate's own. */
  constructor(private readonly engine: Engine) {
    this.#probe = new (realOf(vm.Script))(PROBE, { filename: 'leakgate:realm-probe' })
    this.#runInContext = realOf(vm.Script.prototype.runInContext) as RunInContext
    this.#runInNewContext = realOf(vm.Script.prototype.runInNewContext) as RunInNewContext
  }

  /** Tames the realm of a context object (anything else is left to Node to refuse). */
  tame(context: unknown): void {
    if (!isObject(context)) return
    if (this.#seen.has(context)) return
    let parts: unknown
    try {
      parts = Reflect.apply(this.#runInContext, this.#probe, [context])
    } catch {
      // Not a context: Node says so at its own call.
      return
    }
    this.#adopt(context, parts)
  }

  /**
   * `script.runInNewContext(contextObject, options)`'s context, made by Node's own method (its
   * validation and messages) running the probe in it, then tamed.
   */
  prepareNew(contextObject: unknown, options: unknown): unknown {
    const object = contextObject === undefined ? {} : contextObject
    const parts = Reflect.apply(this.#runInNewContext, this.#probe, [object, options])
    const global = Array.isArray(parts) ? (parts[0] as unknown) : undefined
    // DONT_CONTEXTIFY (a symbol): the context is its global.
    const context = isObject(object) ? object : global
    if (isObject(context) && !this.#seen.has(context)) this.#adopt(context, parts)
    return context
  }

  #adopt(context: object, parts: unknown): void {
    if (!Array.isArray(parts)) return
    const [global, functionPrototype, ...siblings] = parts as [object, object, ...unknown[]]
    if (!isObject(global)) return
    this.#seen.add(context)
    this.#seen.add(global)
    const sandbox = global === context ? undefined : context
    let untame: (() => void) | undefined
    keepSandbox(sandbox, global, () => {
      untame = tameRealm(this.engine, global as typeof globalThis, { functionPrototype, siblings, weak: true })
    })
    if (!untame || this.#untame.has(global)) return
    const realUntame = untame
    this.#untame.set(global, () => keepSandbox(sandbox, global, realUntame))
    this.#alive.add(new WeakRef(global))
    if (this.#alive.size >= this.#pruneAt) {
      for (const ref of this.#alive) if (ref.deref() === undefined) this.#alive.delete(ref)
      this.#pruneAt = Math.max(64, this.#alive.size * 2)
    }
  }

  /** Untames every context still alive (uninstall). */
  untameAll(): void {
    for (const ref of this.#alive) {
      const global = ref.deref()
      if (global) this.#untame.get(global)?.()
    }
    this.#alive.clear()
  }
}

/**
 * The copy of Node's `Script.prototype.runInNewContext` (see the header), or undefined when
 * Node's source cannot be read (the permission model) or does not have the expected shape.
 */
function mirrorRunInNewContext(prepare: (contextObject: unknown, options: unknown) => unknown): unknown {
  const source = nativeSource('vm')
  if (typeof source !== 'string') return undefined
  const head = '  runInNewContext(contextObject, options) {\n'
  const create = '    const context = createContext(contextObject, getContextOptions(options));\n'
  const run = '    return this.runInContext(context, options);\n  }\n'
  const at = source.indexOf(head)
  if (at === -1 || source.indexOf(head, at + 1) !== -1 || !source.startsWith(create, at + head.length)) return undefined
  if (!source.startsWith(run, at + head.length + create.length)) return undefined
  // Everything before the method blanked (newlines kept), so that every position is Node's.
  // Line by line: a regex replacing each of ~12,000 characters cost a worker ~1 ms more.
  const lines = source
    .slice(0, at)
    .split('\n')
    .map((line) => ' '.repeat(line.length))
  // The line before the method's (its length does not move the method).
  const last = lines.length - 2
  if (last < 0) return undefined
  lines[last] = 'return {'
  const call = '    const context = prepare(contextObject, options);'.padEnd(create.length - 1, ' ')
  const text = `${lines.join('\n')}${head}${call}\n${run.trimEnd()} }.runInNewContext`
  const make = realOf(vm.compileFunction)(text, ['prepare'], { filename: 'node:vm' }) as (p: typeof prepare) => unknown
  return make(prepare)
}

/** Tames every vm context as it is made; returns the realms, for the compile hooks in code.ts. */
export function installContexts(engine: Engine, restores: Restore[]): ContextRealms {
  const contexts = new ContextRealms(engine)
  restores.push(() => contexts.untameAll())

  patchMethod<(...args: unknown[]) => unknown>(
    restores,
    vm,
    'createContext',
    (real) =>
      function createContext(this: unknown, ...args: unknown[]) {
        const context = Reflect.apply(real, this, args)
        contexts.tame(context)
        return context
      },
  )

  const proto = vm.Script.prototype as unknown as Record<string, unknown>
  const realRunInNewContext = proto.runInNewContext
  const prepare = (contextObject: unknown, options: unknown) => contexts.prepareNew(contextObject, options)
  let mirrored: unknown
  try {
    mirrored = mirrorRunInNewContext(prepare)
  } catch {
    mirrored = undefined
  }
  if (typeof realRunInNewContext === 'function') {
    patchMethod<RunInNewContext>(
      restores,
      proto,
      'runInNewContext',
      () =>
        (mirrored as RunInNewContext | undefined) ??
        // Node's source out of reach: a wrapper (its frame shows in the run's stack).
        function runInNewContext(this: Script, contextObject?: unknown, options?: unknown) {
          return Reflect.apply(proto.runInContext as RunInContext, this, [prepare(contextObject, options), options])
        },
    )
  }
  return contexts
}
