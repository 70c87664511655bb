// Handing our error over in place of Node's, for a refused spawn. Node builds its own error for
// a program that cannot start (ErrnoException: errno, syscall, path, spawnargs; the sync APIs
// add status, signal, output, pid, stdout, stderr and `error`, the error itself); ours takes
// every one of those fields, so code that reads them sees what it would have seen, and only the
// code and the message say that leakgate refused it.

type Emitter = { emit(name: string, ...args: unknown[]): boolean }

/**
 * Copies Node's fields onto ours. A field that pointed at Node's error (the sync APIs' `error`)
 * points at ours, and is not enumerable: the adapters hand our error to the test runner, which
 * serializes it (Jest's --json output failed on the circle).
 */
export function adopt(ours: Error, theirs: unknown): Error {
  if (!theirs || typeof theirs !== 'object') return ours
  for (const key of Object.keys(theirs)) {
    if (key === 'code' || key === 'message' || key === 'stack') continue
    const value = (theirs as Record<string, unknown>)[key]
    Object.defineProperty(ours, key, {
      value: value === theirs ? ours : value,
      enumerable: value !== theirs,
      writable: true,
      configurable: true,
    })
  }
  return ours
}

/**
 * A refused async spawn: Node calls the handle's `onexit` with the errno on the next tick, and
 * `onexit` emits 'error' on the child. For that one call, the child's first 'error' carries our
 * error (a non-enumerable own `emit`, removed when `onexit` returns).
 */
export function handOverOnExit(handle: Record<PropertyKey, unknown>, owner: symbol | undefined, error: Error): void {
  const realOnExit = handle.onexit
  if (typeof realOnExit !== 'function') return
  handle.onexit = function onexit(this: unknown, ...args: unknown[]) {
    handle.onexit = realOnExit
    const child = owner ? (handle[owner] as Emitter | undefined) : undefined
    if (!child || typeof child.emit !== 'function') return Reflect.apply(realOnExit, this, args)
    const own = Object.getOwnPropertyDescriptor(child, 'emit')
    const realEmit = child.emit
    let handed = false
    Object.defineProperty(child, 'emit', {
      value: function emit(this: Emitter, name: string, ...rest: unknown[]) {
        if (name === 'error' && !handed) {
          handed = true
          rest[0] = adopt(error, rest[0])
        }
        return Reflect.apply(realEmit, this, [name, ...rest])
      },
      enumerable: false,
      writable: true,
      configurable: true,
    })
    try {
      return Reflect.apply(realOnExit, this, args)
    } finally {
      if (own) Object.defineProperty(child, 'emit', own)
      else delete (child as Partial<Emitter>).emit
    }
  }
}
