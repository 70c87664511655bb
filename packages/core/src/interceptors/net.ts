import net from 'node:net'
import { StackCapture } from '../attribution.js'
import type { Engine } from '../engine.js'
import { parseAddress } from '../rules/address.js'
import { formatNetTarget, type NetTarget, normalizeHost } from '../rules/net.js'
import { checkNet } from './check-net.js'
import { type Natives, uvErrno } from './natives.js'
import { patchMethod, patchProperty, type Restore } from './patch.js'

// TCP connections: net, tls, http, https, http2, fetch/undici and WebSocket all end in
// `net.Socket.prototype.connect`, which still has the hostname (before DNS) and the caller's
// stack. The native `TCP.prototype.connect/connect6` below it sees every attempted address
// (each Happy Eyeballs attempt, each resolved address) and also catches a reference to the
// JS method captured before install.
//
// Blocking never throws: the JS layer hands Node a lookup that answers with our error, so the
// socket fails through its normal 'error' path (fetch rejects with our error as its cause); the
// native layer returns EPERM, which every client already handles.
//
// A keep-alive socket that http.Agent hands to a new request (`reuseSocket`, inherited by
// https.Agent) is decided again for the scope asking now: an allowance given in one test must
// not reach the next one through the pool.
//
// Cannot see: a keep-alive connection opened before install, or reused by a pool other than
// http.Agent's (undici's, behind fetch), a socket adopted from an fd (see TCP.open below),
// traffic through a proxy (the proxy's address is what is decided).

const BLOCKED_HOST = 'blocked.leakgate.invalid'

interface ConnectInfo {
  /** The hostname as given, when it was a name. */
  host?: string
  /** The JS layer already decided this connection (allowed by a rule, or reported). */
  decided: boolean
}

type Socket = net.Socket & { encrypted?: boolean }

// Per-socket decisions live beside the socket, not on it: adding a property to every socket
// would change its shape on Node's hot paths.
const connections = new WeakMap<object, ConnectInfo>()
// biome-ignore lint/suspicious/noExplicitAny: Node's normalized connect arguments
type ConnectOptions = Record<string, any>

const netInternals = net as unknown as { _normalizeArgs(args: unknown[]): unknown[] }

export function installNet(engine: Engine, natives: Natives, restores: Restore[]): void {
  const normalizedSymbol = Object.getOwnPropertySymbols(netInternals._normalizeArgs([{}]))[0]

  patchMethod<(...args: unknown[]) => unknown>(
    restores,
    net.Socket.prototype,
    'connect',
    (realConnect) =>
      function connect(this: Socket) {
        // biome-ignore lint/complexity/noArguments: no rest array on the hottest path
        const args = arguments as unknown as unknown[]
        if (!engine.active) return Reflect.apply(realConnect, this, args)
        if (!agentPatched) patchAgentOnce()
        if (connections.has(this)) connections.delete(this)
        const normalized = (Array.isArray(args[0]) ? args[0] : netInternals._normalizeArgs([...args])) as unknown[]
        const options = (normalized[0] ?? {}) as ConnectOptions
        // Unix sockets and named pipes are this machine.
        if (options.path !== undefined && options.path !== null) return Reflect.apply(realConnect, this, args)
        const rawHost = typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost'
        if (engine.isLocalHost(rawHost)) {
          // A local name is checked again per resolved address, natively.
          if (parseAddress(rawHost) === null) connections.set(this, { host: normalizeHost(rawHost), decided: false })
          return Reflect.apply(realConnect, this, args)
        }
        const port = Number(options.port)
        // Let Node reject a bad port in its own words.
        if (!Number.isInteger(port)) return Reflect.apply(realConnect, this, args)
        const address = parseAddress(rawHost)
        const target: NetTarget = address ? { address, port } : { host: normalizeHost(rawHost), port }
        const outcome = checkNet(engine, this.encrypted ? 'tls.connect' : 'net.connect', target, [options], connect)
        if (outcome.ok) {
          connections.set(this, { ...(target.host ? { host: target.host } : {}), decided: true })
          // The lookup of an allowed name runs synchronously inside; don't decide it twice.
          return engine.approved(() => Reflect.apply(realConnect, this, args))
        }
        const failing: ConnectOptions = {
          ...options,
          host: BLOCKED_HOST,
          lookup: (_host: string, _options: unknown, callback: (error: Error) => void) => callback(outcome.error),
        }
        const rewritten: unknown[] = [failing, normalized[1]]
        if (normalizedSymbol) (rewritten as unknown as Record<symbol, boolean>)[normalizedSymbol] = true
        return Reflect.apply(realConnect, this, [rewritten])
      },
  )

  // http is not loaded in a worker that never uses it: patch its Agent when it is there, or at
  // the first connect after it loaded (a socket is connected before any agent can reuse it).
  let agentPatched = false
  const patchAgentOnce = () => {
    if (agentPatched || !isLoaded('_http_agent')) return
    agentPatched = true
    patchAgentReuse(engine, restores)
  }
  patchAgentOnce()

  // fetch and WebSocket connect later, from undici's frames: carry the caller's stack to them.
  carryCallSite(engine, restores)

  const TCP = natives.TCP
  if (!TCP) return
  const owner = natives.ownerSymbol
  const eperm = uvErrno('EPERM')
  for (const method of ['connect', 'connect6']) {
    patchMethod<(req: unknown, address: string, port: number) => number>(
      restores,
      TCP,
      method,
      (realTcpConnect) =>
        function tcpConnect(this: Record<symbol, Socket | undefined>, req: unknown, address: string, port: number) {
          if (!engine.active || engine.isLocalHost(address)) {
            return Reflect.apply(realTcpConnect, this, [req, address, port])
          }
          const socket = owner ? this[owner] : undefined
          const info = socket ? connections.get(socket) : undefined
          if (info?.decided) return Reflect.apply(realTcpConnect, this, [req, address, port])
          const parsed = parseAddress(address)
          const target: NetTarget = parsed ? { address: parsed, port } : { host: normalizeHost(address), port }
          const shown = info?.host ? `${info.host} (${formatNetTarget(target)})` : undefined
          const outcome = checkNet(
            engine,
            socket?.encrypted ? 'tls.connect' : 'net.connect',
            target,
            [address, port],
            tcpConnect,
            shown ? { shown } : {},
          )
          if (outcome.ok) return Reflect.apply(realTcpConnect, this, [req, address, port])
          return eperm
        },
    )
  }

  // `new net.Socket({ fd })` adopts a connection made elsewhere: no connect call happens here.
  // Check the peer when the fd is opened; an external peer is refused with EPERM (Node throws).
  patchMethod<(fd: number) => number>(
    restores,
    TCP,
    'open',
    (realOpen) =>
      function open(this: { getpeername?(out: object): number; close?(): void }, fd: number) {
        const result = Reflect.apply(realOpen, this, [fd]) as number
        if (!engine.active || result !== 0 || typeof this.getpeername !== 'function') return result
        const peer: { address?: string; port?: number } = {}
        if (this.getpeername(peer) !== 0 || !peer.address) return result
        const parsed = parseAddress(peer.address)
        if (!parsed) return result
        const target: NetTarget = { address: parsed, port: peer.port as number }
        if (engine.isLocal(target)) return result
        const outcome = checkNet(engine, 'net.Socket({ fd })', target, [fd], open)
        return outcome.ok ? result : eperm
      },
  )
}

function carryCallSite(engine: Engine, restores: Restore[]): void {
  const global = globalThis as unknown as Record<string, unknown>
  if (typeof global.fetch === 'function') {
    patchMethod<(...args: unknown[]) => unknown>(
      restores,
      globalThis,
      'fetch',
      (realFetch) =>
        function fetch(this: unknown, ...args: unknown[]) {
          if (!engine.active) return Reflect.apply(realFetch, this, args)
          const callSite = new StackCapture(engine.filter, fetch)
          return engine.tracker.carry(callSite, () => Reflect.apply(realFetch, this, args))
        },
    )
  }
  // Touching globalThis.WebSocket (even its descriptor) loads Node's bundled undici: 30 ms on
  // Node 24 and 26. Wrap it only when undici is loaded already; a WebSocket created later is
  // still caught, with the test named but without the call site.
  if (!isLoaded('internal/deps/undici/undici')) return
  const RealWebSocket = global.WebSocket as (new (...args: unknown[]) => object) | undefined
  if (typeof RealWebSocket === 'function') {
    const guarded: new (...args: unknown[]) => object = new Proxy(RealWebSocket, {
      construct(target, args, newTarget): object {
        const create = () => Reflect.construct(target, args, newTarget === guarded ? target : newTarget) as object
        if (!engine.active) return create()
        return engine.tracker.carry(new StackCapture(engine.filter, guarded as never), create)
      },
    })
    patchProperty(restores, globalThis, 'WebSocket', { value: guarded, writable: true, enumerable: false })
  }
}

function isLoaded(id: string): boolean {
  const list = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList
  return Array.isArray(list) && list.includes(`NativeModule ${id}`)
}

/** A keep-alive socket an http.Agent hands to a new request is decided again, for that request. */
function patchAgentReuse(engine: Engine, restores: Restore[]): void {
  const http = process.getBuiltinModule('node:http') as typeof import('node:http')
  patchMethod<(socket: Socket, request: import('node:http').ClientRequest) => unknown>(
    restores,
    http.Agent.prototype,
    'reuseSocket',
    (realReuse) =>
      function reuseSocket(this: unknown, socket: Socket, request: import('node:http').ClientRequest) {
        const result = Reflect.apply(realReuse, this, [socket, request])
        if (!engine.active) return result
        const address = typeof socket.remoteAddress === 'string' ? parseAddress(socket.remoteAddress) : null
        const port = socket.remotePort
        if (!address || port === undefined || engine.isLocal({ address, port })) return result
        const host = connections.get(socket)?.host
        if (host !== undefined && engine.isLocalHost(host)) return result
        const target: NetTarget = host !== undefined ? { host, port } : { address, port }
        const outcome = checkNet(
          engine,
          socket.encrypted ? 'tls.connect' : 'net.connect',
          target,
          [{ host: host ?? socket.remoteAddress, port, reused: true }],
          reuseSocket,
        )
        // Refused: the request fails with our error before it is sent; the agent keeps the socket.
        if (!outcome.ok) request.destroy(outcome.error)
        return result
      },
  )
}
