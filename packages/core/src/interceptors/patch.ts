// Every patch records its own restore; uninstall() runs them last-in-first-out. Originals are
// captured once and called with Reflect.apply, never through the (possibly patched) property.

export type Restore = () => void

/** Marks our replacements, so a second engine copy never wraps a wrapper. */
const kReal = Symbol.for('leakgate.real')
/** `util.promisify.custom`, a registered symbol. */
const PROMISIFY_CUSTOM = Symbol.for('nodejs.util.promisify.custom')

// biome-ignore lint/suspicious/noExplicitAny: patches wrap arbitrary platform functions
type AnyFunction = (...args: any[]) => any

export function realOf<F>(fn: F): F {
  return ((fn as unknown as Record<symbol, F> | undefined)?.[kReal] ?? fn) as F
}

export function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[kReal] !== undefined
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
  const replacement = make(real)
  Object.defineProperty(replacement, 'name', { value: real.name, configurable: true })
  Object.defineProperty(replacement, 'length', { value: real.length, configurable: true })
  Object.defineProperty(replacement, kReal, { value: real })
  // util.promisify(exec) and friends use the function's own promisify.custom ({ stdout, stderr }).
  const custom = Object.getOwnPropertyDescriptor(real, PROMISIFY_CUSTOM)
  if (custom) Object.defineProperty(replacement, PROMISIFY_CUSTOM, { ...custom, configurable: true })
  Object.defineProperty(target, key, {
    value: replacement,
    writable: descriptor?.writable ?? true,
    enumerable: descriptor?.enumerable ?? true,
    configurable: true,
  })
  restores.push(() => {
    if ((target as Record<PropertyKey, unknown>)[key] !== replacement) return
    if (descriptor) Object.defineProperty(target, key, descriptor)
    else delete (target as Record<PropertyKey, unknown>)[key]
  })
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
  Object.defineProperty(target, key, { configurable: true, ...descriptor })
  restores.push(() => {
    if (previous) Object.defineProperty(target, key, previous)
    else delete (target as Record<PropertyKey, unknown>)[key]
  })
}
