import childProcess from 'node:child_process'
import dgram from 'node:dgram'
import dns from 'node:dns'
import net from 'node:net'
import util from 'node:util'
import vm from 'node:vm'

// The native binding prototypes, reached from ordinary instances (research: identical to
// process.binding's, and this route still works under --permission where process.binding
// throws). Node's internals look methods up on these prototypes at call time, so a patch here
// also catches references a library captured before install.
//
// Only the module-level functions (spawn_sync.spawn, cares getaddrinfo/getnameinfo) and the
// request-wrap classes need process.binding; it is called with deprecation warnings silenced.

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

/** process.binding without DEP0111 noise; undefined where it is denied (permission model). */
export function quietBinding(name: string): Proto | undefined {
  if (typeof realBinding !== 'function') return undefined
  const previous = process.noDeprecation
  process.noDeprecation = true
  try {
    return realBinding.call(process, name)
  } catch {
    return undefined
  } finally {
    process.noDeprecation = previous
  }
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch {
    return undefined
  }
}

let cached: Natives | undefined

export function findNatives(): Natives {
  if (cached) return cached
  const natives: Natives = {}
  attempt(() => {
    const handle = (new childProcess.ChildProcess() as unknown as { _handle: Proto })._handle
    natives.Process = Object.getPrototypeOf(handle)
    natives.ownerSymbol = Object.getOwnPropertySymbols(handle).find((s) => s.description === 'owner_symbol')
  })
  attempt(() => {
    // A connect whose lookup never answers creates the TCP handle and sends nothing.
    const socket = new net.Socket()
    socket.on('error', () => {})
    socket.connect({ port: 9, host: 'probe.leakgate.invalid', lookup: () => {} })
    natives.TCP = Object.getPrototypeOf((socket as unknown as { _handle: Proto })._handle)
    socket.destroy()
  })
  attempt(() => {
    const socket = dgram.createSocket('udp4')
    const state = Object.getOwnPropertySymbols(socket).find((s) => String(s).includes('state'))
    const handle = state ? (socket as unknown as Record<symbol, { handle: Proto }>)[state]?.handle : undefined
    if (handle) natives.UDP = Object.getPrototypeOf(handle)
    socket.close()
  })
  attempt(() => {
    natives.ChannelWrap = Object.getPrototypeOf((new dns.Resolver() as unknown as { _handle: Proto })._handle)
  })
  attempt(() => {
    natives.ContextifyScript = Object.getPrototypeOf(vm.Script.prototype)
  })
  natives.spawnSync = quietBinding('spawn_sync')
  natives.cares = quietBinding('cares_wrap')
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
