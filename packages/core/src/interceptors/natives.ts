const childProcess = process.getBuiltinModule('node:child_process')
const net = process.getBuiltinModule('node:net')
const util = process.getBuiltinModule('node:util')
const vm = process.getBuiltinModule('node:vm')

// The native binding prototypes. Node's internals look methods up on these prototypes at call
// time, so a patch here also catches references a library captured before install.
// process.binding returns the very objects internalBinding does for these allowlisted bindings
// (research: checked by identity on Node 20-26); it is called with deprecation warnings silenced.
// Under the permission model process.binding throws, and the prototypes are reached from
// ordinary instances instead (a probe socket that sends nothing).

// biome-ignore lint/suspicious/noExplicitAny: native prototypes have no types
type Proto = Record<string, any>

export interface Natives {
  TCP?: Proto
  UDP?: Proto
  Process?: Proto
  ChannelWrap?: Proto
  ContextifyScript?: Proto
  spawnSync?: Proto
  cares?: Proto
  ownerSymbol?: symbol
}

const realBinding = (process as unknown as { binding?: (name: string) => Proto }).binding

/**
 * process.binding without DEP0111 noise; undefined where it is denied (permission model).
 * `--no-deprecation` makes `process.noDeprecation` read-only (true): set through Reflect.set,
 * which answers false there where an assignment in strict code would throw.
 */
export function quietBinding(name: string): Proto | undefined {
  if (typeof realBinding !== 'function') return undefined
  const previous = process.noDeprecation
  const quieted = previous !== true && Reflect.set(process, 'noDeprecation', true)
  try {
    return realBinding.call(process, name)
  } catch {
    return undefined
  } finally {
    if (quieted) Reflect.set(process, 'noDeprecation', previous)
  }
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch {
    return undefined
  }
}

let sources: Proto | undefined | null = null
/**
 * The source of Node's builtin module `id` (`vm`, `internal/dns/utils`), or undefined where it
 * cannot be read. The binding makes a new object of every source at each call: read once per
 * install, then let go (`releaseNativeSources`): it holds every source (5-10 MB counted external).
 */
export function nativeSource(id: string): string | undefined {
  if (sources === null) sources = quietBinding('natives')
  const source = sources?.[id]
  return typeof source === 'string' ? source : undefined
}

/** Drops the sources `nativeSource` read (the end of install). */
export function releaseNativeSources(): void {
  sources = null
}

let cached: Natives | undefined

export function findNatives(): Natives {
  if (cached) return cached
  const natives: Natives = {}
  // process.binding is the cheap route (no probe sockets). Where it is denied (the permission
  // model), the prototypes are reached from instances instead.
  natives.TCP = quietBinding('tcp_wrap')?.TCP?.prototype
  natives.UDP = quietBinding('udp_wrap')?.UDP?.prototype
  natives.Process = quietBinding('process_wrap')?.Process?.prototype
  natives.spawnSync = quietBinding('spawn_sync')
  natives.cares = quietBinding('cares_wrap')
  natives.ChannelWrap = natives.cares?.ChannelWrap?.prototype
  attempt(() => {
    const handle = (new childProcess.ChildProcess() as unknown as { _handle: Proto })._handle
    natives.Process ??= Object.getPrototypeOf(handle)
    natives.ownerSymbol = Object.getOwnPropertySymbols(handle).find((s) => s.description === 'owner_symbol')
  })
  if (!natives.TCP) {
    attempt(() => {
      // A connect whose lookup never answers creates the TCP handle and sends nothing.
      const socket = new net.Socket()
      socket.on('error', () => {})
      socket.connect({ port: 9, host: 'probe.leakgate.invalid', lookup: () => {} })
      natives.TCP = Object.getPrototypeOf((socket as unknown as { _handle: Proto })._handle)
      socket.destroy()
    })
  }
  if (!natives.UDP) {
    attempt(() => {
      const dgram = process.getBuiltinModule('node:dgram') as typeof import('node:dgram')
      const socket = dgram.createSocket('udp4')
      const state = Object.getOwnPropertySymbols(socket).find((s) => String(s).includes('state'))
      const handle = state ? (socket as unknown as Record<symbol, { handle: Proto }>)[state]?.handle : undefined
      if (handle) natives.UDP = Object.getPrototypeOf(handle)
      socket.close()
    })
  }
  if (!natives.ChannelWrap) {
    attempt(() => {
      const dns = process.getBuiltinModule('node:dns') as typeof import('node:dns')
      natives.ChannelWrap = Object.getPrototypeOf((new dns.Resolver() as unknown as { _handle: Proto })._handle)
    })
  }
  attempt(() => {
    natives.ContextifyScript = Object.getPrototypeOf(vm.Script.prototype)
  })
  cached = natives
  return natives
}

let errnoByName: Map<string, number> | undefined

/** libuv's negative errno for a name (`EPERM` → -1 on Linux), portable across platforms. */
export function uvErrno(name: string): number {
  if (!errnoByName) {
    errnoByName = new Map()
    for (const [code, [errName]] of util.getSystemErrorMap()) errnoByName.set(errName, code)
  }
  return errnoByName.get(name) ?? -1
}
