import type { Socket as NetSocket } from 'node:net'
import { StackCapture } from '../attribution.js'
import type { Engine } from '../engine.js'
import { type Address, parseAddress } from '../rules/address.js'
import { formatNetTarget, isPlainHost, type NetTarget, normalizeHost, resolverName } from '../rules/net.js'
import { approvalsOf, runApproved } from './approvals.js'
import { isBuiltinLoaded } from './builtins.js'
import { checkNet } from './check-net.js'
import { decideSafely } from './fail-closed.js'
import { type Natives, uvErrno } from './natives.js'
import { disguise, patchMethod, patchProperty, type Restore } from './patch.js'

const net = process.getBuiltinModule('node:net')

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
  /** Allowed by a rule for its name: its addresses are not decided again, but for metadata ones. */
  byName?: true
}

/**
 * Addresses a name rule never reaches (issue 12.10): link-local (169.254.0.0/16, fe80::/10),
 * where clouds serve instance metadata and credentials (169.254.169.254), and the metadata
 * services outside that range (AWS's fd00:ec2::254, Alibaba's 100.100.100.200). A name allowed by
 * a rule that resolves to one is decided again on the address: it takes a rule that names it
 * (`'linkLocal'`, `'169.254.169.254'`, `'169.254.0.0/16'`).
 */
export function isMetadataAddress(address: Address): boolean {
  return address.range === 'linkLocal' || address.text === 'fd00:ec2::254' || address.text === '100.100.100.200'
}

type Socket = NetSocket & { encrypted?: boolean }

// Per-socket decisions live beside the socket, not on it: adding a property to every socket
// would change its shape on Node's hot paths.
const connections = new WeakMap<object, ConnectInfo>()
// biome-ignore lint/suspicious/noExplicitAny: Node's normalized connect arguments
type ConnectOptions = Record<string, any>

const netInternals = net as unknown as { _normalizeArgs(args: unknown[]): unknown[] }

/** A port Node's validatePort accepts (anything else, Node rejects in its own words). */
function isValidPort(port: unknown): port is number | string {
  if (typeof port === 'string') {
    if (port.trim() === '') return false
  } else if (typeof port !== 'number') return false
  const value = +port
  return value === value >>> 0 && value <= 0xffff
}

export function installNet(engine: Engine, natives: Natives, restores: Restore[]): void {
  const approvals = approvalsOf(engine)
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
        // Read once: the values decided on are the values Node is handed (a getter on the
        // caller's options could answer differently the second time).
        const path = options.path
        // Unix sockets and named pipes are this machine. Node takes the pipe path for a truthy
        // `path` only: an empty or false one connects over TCP to `host`, decided below.
        if (path) return Reflect.apply(realConnect, this, args)
        const host: unknown = options.host
        const port: unknown = options.port
        // What Node would connect to or look up: `options.host || 'localhost'`. A name that is
        // not a plain string (an object, a NUL, an escape) is left to Node, which rejects it or
        // hands it below, where the native layers decide what is really resolved and dialled.
        const rawHost = host === undefined || host === null || host === '' ? 'localhost' : host
        if (typeof rawHost !== 'string') return Reflect.apply(realConnect, this, args)
        let local = false
        try {
          local = engine.isLocalHost(rawHost)
        } catch {
          // Decided below, where a failure of the guard's own code becomes a decision.
        }
        if (local) {
          // A local name is checked again per resolved address, natively.
          if (parseAddress(rawHost) === null) connections.set(this, { host: normalizeHost(rawHost), decided: false })
          return Reflect.apply(realConnect, this, args)
        }
        // Let Node reject a bad port in its own words.
        if (!isValidPort(port)) return Reflect.apply(realConnect, this, args)
        const event = this.encrypted ? 'tls.connect' : 'net.connect'
        let undecided = false
        const outcome = decideSafely(engine, 'net', event, connect, () => {
          const address = parseAddress(rawHost)
          const name = address ? undefined : normalizeHost(rawHost)
          if (name !== undefined && !isPlainHost(name)) {
            undecided = true
            return { ok: true }
          }
          const target: NetTarget = address ? { address, port: +port } : { host: name as string, port: +port }
          const decided = checkNet(engine, event, target, [options], connect)
          if (decided.ok) {
            const byName = target.host !== undefined && decided.decision?.allowed === true
            connections.set(this, {
              ...(target.host ? { host: target.host } : {}),
              decided: true,
              ...(byName ? { byName } : {}),
            })
          }
          return decided
        })
        if (undecided) return Reflect.apply(realConnect, this, args)
        const fixed: ConnectOptions = Object.create(options, {
          host: { value: rawHost, enumerable: true, writable: true, configurable: true },
          port: { value: port, enumerable: true, writable: true, configurable: true },
          path: { value: path, enumerable: true, writable: true, configurable: true },
        })
        if (outcome.ok) {
          // The lookup of an allowed name runs synchronously inside; don't decide it twice.
          return runApproved(approvals, rawHost, () =>
            Reflect.apply(realConnect, this, [withNormalized([fixed, normalized[1]])]),
          )
        }
        fixed.host = BLOCKED_HOST
        fixed.lookup = (_host: string, _options: unknown, callback: (error: Error) => void) => callback(outcome.error)
        return Reflect.apply(realConnect, this, [withNormalized([fixed, normalized[1]])])
      },
  )
  const withNormalized = (list: unknown[]) => {
    if (normalizedSymbol) (list as unknown as Record<symbol, boolean>)[normalizedSymbol] = true
    return list
  }

  // http is not loaded in a worker that never uses it: patch its Agent when it is there, or at
  // the first connect after it loaded (a socket is connected before any agent can reuse it).
  let agentPatched = false
  const patchAgentOnce = () => {
    if (agentPatched || !isBuiltinLoaded('_http_agent')) return
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
        function tcpConnect(this: Record<symbol, Socket | undefined>, req: unknown, address: unknown, port: number) {
          if (!engine.active) return Reflect.apply(realTcpConnect, this, [req, address, port])
          // The native call converts the address to a C string: do it once, decide on what C
          // reads (up to a NUL), and hand the native call that very string.
          const text = typeof address === 'string' ? address : `${address as string}`
          const seen = resolverName(text)
          let local = false
          try {
            local = engine.isLocalHost(seen)
          } catch {
            // Decided below.
          }
          if (local) return Reflect.apply(realTcpConnect, this, [req, text, port])
          const socket = owner ? this[owner] : undefined
          const info = socket ? connections.get(socket) : undefined
          const event = socket?.encrypted ? 'tls.connect' : 'net.connect'
          const outcome = decideSafely(engine, 'net', event, tcpConnect, () => {
            // Allowed above by its name (or recorded in report mode): not decided again, unless a
            // name rule led it to a metadata address.
            if (info?.decided) {
              const parsed = info.byName ? parseAddress(seen) : null
              if (!parsed || !isMetadataAddress(parsed)) return { ok: true }
              const dialled = formatNetTarget({ address: parsed, port })
              return checkNet(engine, event, { address: parsed, port }, [text, port], tcpConnect, {
                shown: `${info.host} (${dialled}, a metadata address a rule for the name does not reach)`,
                suggestion: `'${parsed.text}'`,
              })
            }
            const parsed = parseAddress(seen)
            const target: NetTarget = parsed ? { address: parsed, port } : { host: normalizeHost(seen), port }
            const dialled = formatNetTarget(parsed ? { address: parsed, port } : target)
            const shown = info?.host ? `${info.host} (${dialled})` : undefined
            return checkNet(engine, event, target, [text, port], tcpConnect, {
              ...(shown ? { shown } : {}),
              suggestion: `'${dialled}'`,
            })
          })
          return outcome.ok ? Reflect.apply(realTcpConnect, this, [req, text, port]) : eperm
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
  if (!isBuiltinLoaded('internal/deps/undici/undici')) return
  const RealWebSocket = global.WebSocket as (new (...args: unknown[]) => object) | undefined
  if (typeof RealWebSocket === 'function') {
    const guarded: new (...args: unknown[]) => object = new Proxy(RealWebSocket, {
      construct(target, args, newTarget): object {
        const create = () => Reflect.construct(target, args, newTarget === guarded ? target : newTarget) as object
        if (!engine.active) return create()
        return engine.tracker.carry(new StackCapture(engine.filter, guarded as never), create)
      },
    })
    disguise(guarded, RealWebSocket)
    patchProperty(restores, globalThis, 'WebSocket', { value: guarded, writable: true, enumerable: false })
  }
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
