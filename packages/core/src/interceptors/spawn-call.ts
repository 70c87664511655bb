const path = process.getBuiltinModule('node:path')

// What the native spawn layers receive, read once. Node 20/22 pass `Process.prototype.spawn`
// one options object; Node 24+ pass positional arguments; `spawn_sync.spawn` always takes the
// options object.
//
// Convert once: Node validates `file` as a string but hands `args` to the native layer as given
// (`spawnSync(node, ['-e', code, 1234])`), where each is converted with ToString. An object's
// `toString` could answer one thing to the guard and another to the native call, so every
// argument that is not a string is converted here, once, and the native call receives those
// very strings. An argument that cannot be converted (its toString throws, a Symbol) makes the
// call unreadable: it is still decided, and only a rule that does not look at the arguments can
// allow it; it then reaches Node as it was given, and Node does what it does with it.

export interface SpawnCall {
  file: string
  /** argv as the program will see it (argv[0] first), every entry a string. */
  argv: string[]
  envPairs?: string[]
  /** Why the arguments could not be read, when they could not. */
  unreadable?: string
}

/** A program that can never start: exec of a directory fails with EACCES before anything runs. */
export const UNRUNNABLE = path.parse(process.cwd()).root

function convert(values: readonly unknown[]): { strings: string[]; unreadable?: string } {
  const strings: string[] = []
  let unreadable: string | undefined
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (typeof value === 'string') {
      strings.push(value)
      continue
    }
    try {
      // A template literal is ToString with the hint "string", as the native conversion does.
      strings.push(`${value as string}`)
    } catch (error) {
      // argv[0] is the program as shown; the caller's args start at 1.
      unreadable ??= `${i === 0 ? 'argv0' : `args[${i - 1}]`} cannot be read as a string (${describeError(error)})`
      strings.push(String(typeof value === 'symbol' ? value.description : '?'))
    }
  }
  return unreadable === undefined ? { strings } : { strings, unreadable }
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  } catch {
    return 'an error'
  }
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined
}

/**
 * Reads a native spawn call. Returns the call as decided and the arguments to pass to the real
 * function: the same call, with the converted argv.
 */
export function readSpawnCall(args: readonly unknown[]): { call: SpawnCall; real: unknown[] } {
  const positional = typeof args[0] === 'string'
  // Node 24+: spawn(file, args, cwd, envPairs, stdio, flags, uid, gid)
  const options = positional ? undefined : ((args[0] ?? {}) as Record<string, unknown>)
  const file = positional ? (args[0] as string) : `${options?.file as string}`
  const rawArgv = positional ? args[1] : options?.args
  const converted = Array.isArray(rawArgv) ? convert(rawArgv) : { strings: [file] }
  const envPairs = stringList(positional ? args[3] : options?.envPairs)
  const call: SpawnCall = { file, argv: converted.strings }
  if (envPairs) call.envPairs = envPairs
  if ('unreadable' in converted) call.unreadable = converted.unreadable as string
  // Unreadable arguments reach Node untouched; readable ones as the strings decided on.
  if (!Array.isArray(rawArgv) || call.unreadable !== undefined) return { call, real: [...args] }
  if (positional) {
    const real = [...args]
    real[1] = converted.strings
    return { call, real }
  }
  return { call, real: [{ ...options, args: converted.strings }, ...args.slice(1)] }
}

/**
 * The same call, made so that it cannot start anything: libuv forks, exec fails with EACCES,
 * and Node reports it exactly as it reports a program that cannot start (stdio streams opened
 * and ended, no pid, `exitCode` the errno, the 'error' and 'close' events in its own order).
 * The working directory, environment and ids are dropped, so the failure is always the same.
 */
export function unrunnableCall(args: readonly unknown[]): unknown[] {
  if (typeof args[0] === 'string') {
    const real = [...args]
    real[0] = UNRUNNABLE
    real[1] = [UNRUNNABLE]
    real[2] = undefined
    real[3] = []
    real[6] = undefined
    real[7] = undefined
    return real
  }
  const options = (args[0] ?? {}) as Record<string, unknown>
  return [
    { ...options, file: UNRUNNABLE, args: [UNRUNNABLE], cwd: undefined, envPairs: [], uid: undefined, gid: undefined },
    ...args.slice(1),
  ]
}
