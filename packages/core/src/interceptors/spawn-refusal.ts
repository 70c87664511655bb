// Handing our error over in place of Node's, for a refused spawn. Node builds its own error for
// a program that cannot start (ErrnoException: errno, syscall, path, spawnargs; the sync APIs
// add status, signal, output, pid, stdout, stderr and `error`, the error itself); ours takes
// every one of those fields, so code that reads them sees what it would have seen, and only the
// code and the message say that leakgate refused it.

import { uvErrno } from './natives.js'

type Emitter = { emit(name: string, ...args: unknown[]): boolean }

/**
 * A refused child's handle until Node closes it (the 'error' tick): its `kill` answers ESRCH, as
 * a process that never started does on Node 22+ (`child.kill()` returns false). Node 20's libuv
 * signals pid 0 there, the caller's whole process group: a refused spawn killed at once
 * (`child.kill()`, an AbortSignal aborted right after `spawn`) would kill the test runner, where
 * the program it stands for would have been the one killed.
 */
export function disarmKill(handle: Record<PropertyKey, unknown>): void {
  Object.defineProperty(handle, 'kill', {
    value: function kill() {
      return uvErrno('ESRCH')
    },
    enumerable: false,
    writable: true,
    configurable: true,
  })
}

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
 * A refused sync spawn: the binding's result, whose `error` (the errno) Node replaces with its
 * ErrnoException, then reads back to add fields to it, return it (spawnSync) or throw it
 * (execSync, execFileSync: `throw err` in node:child_process). `error` becomes an accessor that
 * takes Node's error and hands back ours with its fields, so Node's own code throws ours: an
 * uncaught refusal is reported at Node's line, as Node's own failure is. For execSync and
 * execFileSync ours has a non-enumerable `error`, itself, before Node copies the result onto it
 * (see adopt). `settle` makes `error` a data property again on a result the user gets.
 */
export function handOverSync(result: unknown, ours: Error, selfError: boolean): void {
  if (!result || typeof result !== 'object') return
  let value = (result as { error?: unknown }).error
  Object.defineProperty(result, 'error', {
    get: () => value,
    set: (theirs: unknown) => {
      value = theirs && typeof theirs === 'object' ? adopt(ours, theirs) : theirs
      if (value === ours && selfError) {
        Object.defineProperty(ours, 'error', { value: ours, enumerable: false, writable: true, configurable: true })
      }
    },
    enumerable: true,
    configurable: true,
  })
}

/** `error` of a result handOverSync changed: a data property again, with its value. */
export function settle(result: unknown): void {
  if (!result || typeof result !== 'object') return
  const own = Object.getOwnPropertyDescriptor(result, 'error')
  if (!own?.get) return
  Object.defineProperty(result, 'error', { value: own.get(), enumerable: true, writable: true, configurable: true })
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
