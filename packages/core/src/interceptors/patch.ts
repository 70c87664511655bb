// Every patch records its own restore; uninstall() runs them last-in-first-out. Originals are
// captured once and called with Reflect.apply, never through the (possibly patched) property.
//
// Originals stay out of reach of test code: no registered symbol leads from a replacement to
// the function it wraps (a `Symbol.for` key is one line away for anyone). A restore also knows
// how to tell whether its patch is still in place and how to put it back: the engine checks
// them at the end of every test (see integrity.ts, LEAKGATE_TAMPERED).

import { loadedBuiltin } from './builtins.js'

export interface Restore {
  (): void
  /** What the patch guards, for the message when it was disturbed (`child_process.spawn`). */
  label?: () => string
  /** Is the patch still in place? */
  intact?: () => boolean
  /** Puts the patch back; false when the platform no longer lets it (a frozen property). */
  repair?: () => boolean
  /**
   * The platform itself replaced the patched function (Node's own code, seen doing it: see
   * native-access.ts, `node:vfs`): takes what is there now as the patch's state. A function it
   * put back that one of this patch's earlier replacements is: that state again. Any other
   * function: wrapped as the original was (when `wrapNew`), the wrapper now what must stay in
   * place. False when it took nothing (the disturbance stays the integrity check's to report).
   */
  adopt?: (wrapNew: boolean) => boolean
  /** Found disturbed and put back before the integrity check came: it reports that once. */
  disturbed?: boolean
}

/** Replacement → the real function it wraps. Module-private: test code cannot reach it. */
const reals = new WeakMap<object, unknown>()
/** `util.promisify.custom`, a registered symbol. */
const PROMISIFY_CUSTOM = Symbol.for('nodejs.util.promisify.custom')

// biome-ignore lint/suspicious/noExplicitAny: patches wrap arbitrary platform functions
type AnyFunction = (...args: any[]) => any

export function realOf<F>(fn: F): F {
  return (typeof fn === 'function' && reals.has(fn) ? reals.get(fn) : fn) as F
}

/**
 * Replacement → the function whose source text `Function.prototype.toString` shows for it. A
 * wrapper's own source would tell every caller of `toString` (core-js's and lodash's native
 * checks, `util.inspect` of a class, a test printing a function) that leakgate is there, and
 * which of its lines run. Module-private, like `reals`.
 */
const disguises = new WeakMap<object, unknown>()
/** The `Function.prototype.toString` replacements installed, one per realm. */
const toStrings = new WeakSet<object>()

/** `Function.prototype.toString` shows `as`'s source text for `fn`. */
export function disguise(fn: object, as: unknown): void {
  disguises.set(fn, disguises.get(as as object) ?? as)
}

/**
 * Makes the `Function.prototype.toString` of the realm whose `Function.prototype` is `proto`
 * show each replacement's original source (see `disguises`); anything else is handed to the
 * realm's own function as it was. Not checked by the integrity check on purpose: polyfills
 * (core-js) replace `toString` themselves, and a replaced one reaches nothing the guard decides.
 * Returns the restore, or undefined when the realm's function is ours already or not there.
 */
export function disguiseToString(proto: object): (() => void) | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'toString')
  const realToString = descriptor?.value as ((this: unknown) => string) | undefined
  if (typeof realToString !== 'function' || toStrings.has(realToString) || !descriptor?.configurable) return undefined
  // A method: no `prototype`, not a constructor, as the builtin.
  const shown = {
    toString(this: unknown): string {
      return Reflect.apply(realToString, (typeof this === 'function' && disguises.get(this)) || this, [])
    },
  }.toString
  Object.setPrototypeOf(shown, Object.getPrototypeOf(realToString))
  disguise(shown, realToString)
  toStrings.add(shown)
  Object.defineProperty(proto, 'toString', { ...descriptor, value: shown })
  return () => {
    if (Object.getOwnPropertyDescriptor(proto, 'toString')?.value === shown)
      Object.defineProperty(proto, 'toString', descriptor)
  }
}

function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && reals.has(fn)
}

/** Modules leakgate patches (loaded already): looked up by identity to name one in a message. */
const PATCHED_MODULES = [
  'child_process',
  'net',
  'dns',
  'dns/promises',
  'dgram',
  'tls',
  'http',
  'https',
  'http2',
  'vm',
  'worker_threads',
  'inspector',
  'module',
]

/**
 * The loaded modules of PATCHED_MODULES, indexed once each as they load (a builtin's exports
 * object never changes), so that naming a patch target and telling whether tests mock it are a
 * lookup: every patch asks both, and walking the modules per patch cost a worker ~1 ms at install.
 */
const moduleIndex = {
  /** Modules indexed already. */
  done: new Set<string>(),
  /** `moduleLoadList`'s length at the last refresh: nothing to index while it has not grown. */
  seenLoads: -1,
  /** A module's exports → its name. */
  names: new Map<object, string>(),
  /** Modules whose exports are a function (`node:module`): `Module.prototype` is named by it. */
  functions: [] as [string, { prototype?: unknown; name?: string }][],
  /** The surface tests mock: modules' exports and the prototypes of the classes they export. */
  mockable: new Set<unknown>(),
}

function refreshModuleIndex(): void {
  const list = (process as unknown as { moduleLoadList?: readonly string[] }).moduleLoadList
  const loads = Array.isArray(list) ? list.length : -1
  if (loads !== -1 && loads === moduleIndex.seenLoads) return
  moduleIndex.seenLoads = loads
  for (const name of PATCHED_MODULES) {
    if (moduleIndex.done.has(name)) continue
    const exports = loadedBuiltin(name)
    if (exports === undefined) continue
    if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) continue
    moduleIndex.done.add(name)
    if (!moduleIndex.names.has(exports)) moduleIndex.names.set(exports, name)
    if (typeof exports === 'function') moduleIndex.functions.push([name, exports])
    if (name === 'module') continue
    moduleIndex.mockable.add(exports)
    if (typeof exports !== 'object') continue
    for (const prototype of exportedPrototypes(exports)) moduleIndex.mockable.add(prototype)
  }
}

/**
 * `child_process`, `TCP.prototype`, `Function`: a name for a patched object, for messages. Named
 * when patched (a test may replace what names it), from modules loaded already: never loads one.
 */
function targetName(target: object): string {
  if (target === globalThis || (target as { globalThis?: unknown }).globalThis === target) return 'globalThis'
  if (target === process) return 'process'
  if (typeof target === 'function' && target.name) return target.name
  const ctor = Object.getOwnPropertyDescriptor(target, 'constructor')?.value as { name?: unknown } | undefined
  if (typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name) return `${ctor.name}.prototype`
  refreshModuleIndex()
  const name = moduleIndex.names.get(target)
  if (name !== undefined) return name
  // `Module.prototype` (node:module is the Module function itself).
  for (const [id, exports] of moduleIndex.functions) {
    if (exports.prototype === target) return `${exports.name || id}.prototype`
  }
  return 'an object'
}

function sameValue(target: object, key: PropertyKey, expected: PropertyDescriptor): boolean {
  const now = Object.getOwnPropertyDescriptor(target, key)
  if (!now) return false
  if ('value' in expected) return now.value === expected.value
  // The getter decides (a realm's eval); Jest 30 re-wraps the setters of its context's globals.
  return now.get === expected.get
}

/** Globals tests stub (`vi.stubGlobal('fetch', …)`, msw, nock): the sockets below stay guarded. */
const MOCKABLE_GLOBALS = new Set<PropertyKey>(['fetch', 'WebSocket', 'EventSource'])

/**
 * Is this the surface tests mock? A builtin module's exports (`vi.spyOn(childProcess,
 * 'execSync')`, `jest.spyOn(dns, 'lookup')`), the prototype of a class it exports
 * (`net.Socket.prototype.connect`, `http.Agent.prototype`), a global like `fetch` (nock, msw).
 * A replacement there reaches nothing unguarded: the originals are out of reach, and the native
 * layer below every one of them (TCP, UDP, c-ares, the process spawners) is patched and
 * checked. Not checked; everything else is.
 */
function isMockable(target: object, key: PropertyKey): boolean {
  if ((target as { globalThis?: unknown }).globalThis === target) return MOCKABLE_GLOBALS.has(key)
  // Only modules loaded already: the target came from one, and loading the others (http2,
  // inspector, tls) for the comparison cost a worker milliseconds at every install.
  refreshModuleIndex()
  return moduleIndex.mockable.has(target)
}

/** A builtin module's exports → the prototypes of the classes it exports, as first seen. */
const prototypesOf = new WeakMap<object, Set<unknown>>()

/**
 * The prototypes of the classes a builtin module exports, read once per module: every patch
 * asks, and a module's exported classes are fixed when it loads (a test replacing one later
 * does not make its prototype less the surface tests mock).
 */
function exportedPrototypes(exports: object): Set<unknown> {
  let prototypes = prototypesOf.get(exports)
  if (prototypes) return prototypes
  prototypes = new Set()
  for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(exports))) {
    const value = descriptor.value as { prototype?: unknown } | undefined
    if (typeof value === 'function' && value.prototype !== undefined) prototypes.add(value.prototype)
  }
  prototypesOf.set(exports, prototypes)
  return prototypes
}

/** Makes `restore` able to check and repair the property it guards. */
function guarded(restore: Restore, target: object, key: PropertyKey, installed: () => PropertyDescriptor): Restore {
  const label = `${targetName(target)}.${String(key)}`
  restore.label = () => label
  if (isMockable(target, key)) return restore
  restore.intact = () => sameValue(target, key, installed())
  restore.repair = () => {
    try {
      Object.defineProperty(target, key, installed())
    } catch {
      return false
    }
    return sameValue(target, key, installed())
  }
  return restore
}

/**
 * Replaces `target[key]` with `make(real)`, keeping the property's attributes, name and length.
 * Returns the real function; pushes the restore onto `restores`.
 */
export function patchMethod<F extends AnyFunction>(
  restores: Restore[],
  target: object,
  key: PropertyKey,
  make: (real: F) => F,
): F | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(target, key)
  const current = descriptor?.value ?? (target as Record<PropertyKey, unknown>)[key]
  if (typeof current !== 'function') return undefined
  if (isPatched(current)) return realOf(current) as F
  const real = current as F
  /** Wraps `fn`, the function on the property as `previous` describes it, and installs the wrapper. */
  const wrap = (fn: F, previous: PropertyDescriptor | undefined) => {
    const replacement = make(fn)
    Object.defineProperty(replacement, 'name', { value: fn.name, configurable: true })
    Object.defineProperty(replacement, 'length', { value: fn.length, configurable: true })
    reals.set(replacement, fn)
    disguise(replacement, fn)
    // A class's constructor inherits its parent's statics (Worker from EventEmitter).
    if (Object.getPrototypeOf(replacement) !== Object.getPrototypeOf(fn))
      Object.setPrototypeOf(replacement, Object.getPrototypeOf(fn))
    // util.promisify(exec) and friends use the function's own promisify.custom ({ stdout, stderr }).
    const custom = Object.getOwnPropertyDescriptor(fn, PROMISIFY_CUSTOM)
    // Configurable for now: child-process.ts puts its own there, with the original's attributes.
    if (custom) Object.defineProperty(replacement, PROMISIFY_CUSTOM, { ...custom, configurable: true })
    const installed: PropertyDescriptor = {
      value: replacement,
      writable: previous?.writable ?? true,
      enumerable: previous?.enumerable ?? true,
      configurable: true,
    }
    Object.defineProperty(target, key, installed)
    return { replacement, installed, previous }
  }
  // The states the patch was in, newest first: the platform's replacements of it, each wrapped.
  const states = [wrap(real, descriptor)]
  const restore: Restore = () => {
    const now = (target as Record<PropertyKey, unknown>)[key]
    const state = states.find((each) => each.replacement === now)
    if (!state) return
    // What was there before this wrapper: the platform's function (whose own original is one of
    // these wrappers, passing calls through once uninstalled), or the property as first found.
    if (state.previous) Object.defineProperty(target, key, state.previous)
    else delete (target as Record<PropertyKey, unknown>)[key]
  }
  restore.adopt = (wrapNew) => {
    const now = Object.getOwnPropertyDescriptor(target, key)
    if (!now || typeof now.value !== 'function') return false
    const earlier = states.findIndex((each) => each.replacement === now.value)
    if (earlier !== -1) {
      states.splice(0, earlier)
      return true
    }
    if (!wrapNew) return false
    states.unshift(wrap(now.value as F, now))
    return true
  }
  restores.push(guarded(restore, target, key, () => (states[0] as (typeof states)[number]).installed))
  return real
}

/** Defines an arbitrary property (accessor or value) and records how to put the old one back. */
export function patchProperty(
  restores: Restore[],
  target: object,
  key: PropertyKey,
  descriptor: PropertyDescriptor,
): void {
  const previous = Object.getOwnPropertyDescriptor(target, key)
  const installed: PropertyDescriptor = { configurable: true, ...descriptor }
  Object.defineProperty(target, key, installed)
  const restore: Restore = () => {
    if (previous) Object.defineProperty(target, key, previous)
    else delete (target as Record<PropertyKey, unknown>)[key]
  }
  restores.push(guarded(restore, target, key, () => installed))
}

/** Checks `restores`; repairs what was disturbed. Returns what was (`… (not restored)` if stuck). */
export function verifyRestores(restores: readonly Restore[]): string[] {
  const disturbed: string[] = []
  for (const restore of restores) {
    if (restore.disturbed) {
      restore.disturbed = false
      if (restore.intact?.()) {
        disturbed.push(`${restore.label?.() ?? 'a patch'} was replaced or removed`)
        continue
      }
    }
    if (!restore.intact || restore.intact()) continue
    const label = restore.label?.() ?? 'a patch'
    disturbed.push(`${label} was replaced or removed${restore.repair?.() ? '' : ' (and could not be put back)'}`)
  }
  return disturbed
}
