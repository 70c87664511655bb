import type { Engine, Outcome } from '../engine.js'
import { parseAddress } from '../rules/address.js'
import { formatNetTarget, normalizeHost, resolverName } from '../rules/net.js'
import { type Approvals, approvalsOf, isApproved } from './approvals.js'
import { isBuiltinLoaded } from './builtins.js'
import { checkNet } from './check-net.js'
import { decideSafely } from './fail-closed.js'
import { type Natives, nativeSource } from './natives.js'
import { patchMethod, patchProperty, type Restore } from './patch.js'
import { raise } from './raise.js'

// DNS: resolving a public name leaks it even when no connection follows.
// - getaddrinfo (dns.lookup, dns.promises.lookup, every name connect) and getnameinfo
//   (dns.lookupService) are module functions of the cares_wrap binding, looked up at call time
//   by lib/dns.js. internal/dns/promises destructures them when it loads: loaded after install,
//   it holds the patched ones; loaded before, a `hostname` setter on the request catches it.
// - c-ares queries (dns.resolve*, dns.reverse, every Resolver, callback and promise) go through
//   `ChannelWrap.prototype.query*` / `getHostByAddr`; c-ares does its own socket I/O, so the UDP
//   layer never sees them.
// - The servers a c-ares channel asks are network targets too: a Resolver (or dns.setServers on
//   the default one) pointed at other servers sends them a datagram whatever name it asks, a
//   local-looking or IP-shaped one included. Each query is decided on the channel's servers as
//   the native layer holds them, before it leaves: a server of the system's own configuration
//   (/etc/resolv.conf) is the system resolver, and the name asked is decided as for any lookup;
//   so is a local server on the DNS port (53): a resolver of this machine (systemd-resolved's
//   127.0.0.53 and 127.0.0.54, dnsmasq, Docker's 127.0.0.11), which forwards what it cannot
//   answer. Any other server is decided like a connect to it (loopback passes, others need a
//   rule), and the name only goes to it: a test's own DNS server, on a port of its own, answers
//   any name. Servers are compared by canonical address, so `::ffff:127.0.0.53` is 127.0.0.53.
// A refused request answers asynchronously with our error through the request's own callback
// or promise, exactly where a DNS failure would arrive.
//
// Cannot see: what the system's resolver does with a name it is asked (it may forward it
// upstream, a local-looking name such as `x.localhost` that /etc/hosts does not list included).

// biome-ignore lint/suspicious/noExplicitAny: native request objects
type Req = Record<string, any>

const QUERY_EVENTS: Record<string, string> = {
  queryAny: 'dns.resolveAny',
  queryA: 'dns.resolve4',
  queryAaaa: 'dns.resolve6',
  queryCaa: 'dns.resolveCaa',
  queryCname: 'dns.resolveCname',
  queryMx: 'dns.resolveMx',
  queryNs: 'dns.resolveNs',
  queryTlsa: 'dns.resolveTlsa',
  queryTxt: 'dns.resolveTxt',
  querySrv: 'dns.resolveSrv',
  queryPtr: 'dns.resolvePtr',
  queryNaptr: 'dns.resolveNaptr',
  querySoa: 'dns.resolveSoa',
  getHostByAddr: 'dns.reverse',
}

/**
 * Node hands the native calls strings it validated; anything else is converted by the native
 * call itself. Convert once here, so the name decided is the name resolved.
 */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : `${value as string}`
}

function deliver(req: Req, error: Error): void {
  process.nextTick(() => {
    if (typeof req.reject === 'function') req.reject(error)
    else if (typeof req.callback === 'function') req.callback(error)
  })
}

/**
 * Decides a name about to be resolved, as the resolver reads it (a C string: up to a NUL; Node
 * 20 passes one through). IP spellings resolve locally (inet_aton): no query.
 */
function checkName(engine: Engine, event: string, hostname: unknown, skip: (...args: never[]) => unknown): Outcome {
  if (typeof hostname !== 'string') return { ok: true }
  return decideSafely(engine, 'net', event, skip, () => {
    const seen = resolverName(hostname)
    if (seen === '' || parseAddress(seen)) return { ok: true }
    const host = normalizeHost(seen)
    if (engine.isLocal({ host })) return { ok: true }
    return checkNet(engine, event, { host, anyPort: true }, [hostname], skip)
  })
}

/** Decides a reverse lookup of an address (and port). */
function checkAddress(
  engine: Engine,
  event: string,
  address: unknown,
  port: number | undefined,
  skip: (...args: never[]) => unknown,
): Outcome {
  const parsed = typeof address === 'string' ? parseAddress(resolverName(address)) : null
  if (!parsed) return checkName(engine, event, address, skip)
  return decideSafely(engine, 'net', event, skip, () => {
    if (engine.isLocal({ address: parsed })) return { ok: true }
    const target = port === undefined ? { address: parsed, anyPort: true } : { address: parsed, port }
    return checkNet(engine, event, target, [address, port], skip, { suggestion: `'${parsed.text}'` })
  })
}

export function installDns(engine: Engine, natives: Natives, restores: Restore[]): void {
  const approvals = approvalsOf(engine)
  const cares = natives.cares
  if (!cares) installLookupExports(engine, approvals, restores)
  if (cares) {
    const promisesLoadedBefore = isBuiltinLoaded('internal/dns/promises')
    patchMethod<(req: Req, hostname: string, ...rest: unknown[]) => number>(
      restores,
      cares,
      'getaddrinfo',
      (real) =>
        function getaddrinfo(this: unknown, req: Req, hostname: unknown, ...rest: unknown[]) {
          if (!engine.active || isApproved(approvals, hostname))
            return Reflect.apply(real, this, [req, hostname, ...rest])
          const text = asText(hostname)
          const event = typeof req.resolve === 'function' ? 'dns.promises.lookup' : 'dns.lookup'
          const outcome = checkName(engine, event, text, getaddrinfo)
          if (outcome.ok) return Reflect.apply(real, this, [req, text, ...rest])
          deliver(req, outcome.error)
          return 0
        },
    )
    patchMethod<(req: Req, host: string, port: number) => number>(
      restores,
      cares,
      'getnameinfo',
      (real) =>
        function getnameinfo(this: unknown, req: Req, host: unknown, port: number) {
          if (!engine.active || isApproved(approvals, host)) return Reflect.apply(real, this, [req, host, port])
          const text = asText(host)
          const outcome = checkAddress(engine, 'dns.lookupService', text, port, getnameinfo)
          if (outcome.ok) return Reflect.apply(real, this, [req, text, port])
          deliver(req, outcome.error)
          return 0
        },
    )
    if (promisesLoadedBefore) {
      catchCapturedPromisesLookup(engine, approvals, cares, restores)
    }
  }

  const ChannelWrap = natives.ChannelWrap
  if (!ChannelWrap) return
  const servers = channelServers(engine, ChannelWrap)
  for (const method of Object.getOwnPropertyNames(ChannelWrap)) {
    const event = QUERY_EVENTS[method]
    if (!event) continue
    const reverse = method === 'getHostByAddr'
    patchMethod<(req: Req, name: string, ...rest: unknown[]) => number>(
      restores,
      ChannelWrap,
      method,
      (real) =>
        function query(this: unknown, req: Req, name: unknown, ...rest: unknown[]) {
          if (!engine.active) return Reflect.apply(real, this, [req, name, ...rest])
          const text = asText(name)
          const outcome = servers(this, event, text, query, () =>
            reverse ? checkAddress(engine, event, text, undefined, query) : checkName(engine, event, text, query),
          )
          if (outcome.ok) return Reflect.apply(real, this, [req, text, ...rest])
          deliver(req, outcome.error)
          return 0
        },
    )
  }
}

type ServerList = readonly (readonly [string, number])[]

/** The DNS port: a local server listening there is a resolver of this machine, which forwards. */
const DNS_PORT = 53

/**
 * A fresh c-ares channel, made by the binding's own constructor (captured now) with the arguments
 * Node's Resolver gives it: their number is read from Node's own source (internal/dns/utils), as
 * the constructor aborts the process on any other count (2 on Node 20, 3 from 22 on). Undefined
 * when that source cannot be read or does not have the expected shape.
 */
function freshChannelMaker(ChannelWrap: Req): (() => unknown) | undefined {
  type Constructor = new (...args: unknown[]) => unknown
  const Channel = Object.getOwnPropertyDescriptor(ChannelWrap, 'constructor')?.value as Constructor | undefined
  if (typeof Channel !== 'function' || Channel.prototype !== ChannelWrap) return undefined
  const source = nativeSource('internal/dns/utils')
  if (typeof source !== 'string') return undefined
  const calls = source.match(/new ChannelWrap\(([^)]*)\)/g)
  if (calls?.length !== 1) return undefined
  const params = (calls[0] as string)
    .slice('new ChannelWrap('.length, -1)
    .split(',')
    .map((word) => word.trim())
  // timeout -1 (c-ares' default), tries 4, maxTimeout 0 (none): what `new Resolver()` passes.
  const known: Record<string, number> = { timeout: -1, tries: 4, maxTimeout: 0 }
  if (params.length < 2 || params.length > 3 || !params.every((name) => Object.hasOwn(known, name))) return undefined
  const args = params.map((name) => known[name])
  return () => Reflect.construct(Channel, args)
}

/**
 * Decides the servers a c-ares channel is about to ask (see the top of this file). Returns a
 * function deciding one query: its servers, then, if one of them is the system's resolver, the
 * name (`decideName`).
 */
function channelServers(engine: Engine, ChannelWrap: Req) {
  // Captured at install: what a test does to the prototype or to dns.Resolver later does not
  // change what is read here. node:dns is loaded for its Resolver only when no fresh channel can
  // be made from the binding (loading it cost ~0.5-1 ms of CPU at install).
  const getServers = ChannelWrap.getServers as ((this: unknown) => ServerList) | undefined
  let freshChannel = isBuiltinLoaded('dns') ? undefined : freshChannelMaker(ChannelWrap)
  if (!freshChannel) {
    const Resolver = (process.getBuiltinModule('node:dns') as typeof import('node:dns')).Resolver
    freshChannel = () => (new Resolver() as unknown as { _handle: unknown })._handle
  }
  let system: Set<string> | undefined
  // By canonical address: c-ares keeps a server as written (`::ffff:127.0.0.53` for 127.0.0.53).
  const key = (address: string, port: number) => `${parseAddress(address)?.text ?? address}|${port}`
  /** The servers of the system's configuration, as a fresh channel reads them (once, lazily). */
  const systemServers = (): Set<string> => {
    if (!system) {
      const handle = (freshChannel as () => unknown)()
      const list = getServers ? Reflect.apply(getServers, handle, []) : []
      system = new Set(list.map(([address, port]) => key(address, port)))
    }
    return system
  }
  return (
    channel: unknown,
    event: string,
    name: string,
    skip: (...args: never[]) => unknown,
    decideName: () => Outcome,
  ): Outcome => {
    if (typeof getServers !== 'function') return decideName()
    let asksSystem = false
    const outcome = decideSafely(engine, 'net', event, skip, () => {
      const list = Reflect.apply(getServers, channel, []) as ServerList
      const known = systemServers()
      for (const [text, port] of list) {
        if (known.has(key(text, port))) {
          asksSystem = true
          continue
        }
        const address = parseAddress(text)
        // c-ares lists addresses only; anything else is not understood, so it is decided.
        const target = address ? { address, port } : { host: text, port }
        if (engine.isLocal(target)) {
          // A resolver of this machine sends on what it cannot answer: the name is decided.
          if (port === DNS_PORT) asksSystem = true
          continue
        }
        const server = formatNetTarget(target)
        const decided = checkNet(engine, event, target, [name, server], skip, {
          shown: `${resolverName(name)} via DNS server ${server}`,
          suggestion: `'${address ? address.text : text}'`,
        })
        if (!decided.ok) return decided
      }
      return { ok: true }
    })
    if (!outcome.ok || !asksSystem) return outcome
    return decideName()
  }
}

/**
 * internal/dns/promises loaded before install holds the real getaddrinfo. It assigns
 * `req.hostname` before calling it, inside a Promise executor: a throw there is a rejection.
 */
function catchCapturedPromisesLookup(
  engine: Engine,
  approvals: Approvals,
  cares: Record<string, unknown>,
  restores: Restore[],
): void {
  const ReqWrap = cares.GetAddrInfoReqWrap as { prototype: object } | undefined
  if (!ReqWrap) return
  patchProperty(restores, ReqWrap.prototype, 'hostname', {
    configurable: true,
    set(this: object, value: unknown) {
      Object.defineProperty(this, 'hostname', { value, writable: true, enumerable: true, configurable: true })
      if (!engine.active || isApproved(approvals, value) || typeof value !== 'string') return
      // Local names and addresses first: cheaper than the stack below (this setter sees every
      // lookup, the callback ones too).
      let local = false
      try {
        const seen = resolverName(value)
        local = seen === '' || parseAddress(seen) !== null || engine.isLocal({ host: normalizeHost(seen) })
      } catch {
        // Decided by checkName.
      }
      if (local) return
      // Only the promises module calls the captured function; lib/dns.js calls the patched one.
      if (!/internal\/dns\/promises/.test(new Error().stack ?? '')) return
      const outcome = checkName(
        engine,
        'dns.promises.lookup',
        value,
        Object.getOwnPropertyDescriptor(ReqWrap.prototype, 'hostname')?.set as never,
      )
      if (!outcome.ok) raise(outcome.error)
    },
  })
}

/**
 * Where the cares_wrap binding is out of reach (the permission model makes process.binding
 * throw), getaddrinfo and getnameinfo are guarded at the exported functions instead: the name
 * connects of net (which reads `dns.lookup` at call time) and direct lookups are still caught;
 * a reference captured before install is not. c-ares queries keep their native guard.
 */
function installLookupExports(engine: Engine, approvals: Approvals, restores: Restore[]): void {
  const dns = process.getBuiltinModule('node:dns') as typeof import('node:dns')
  type Callback = (error: Error | null, ...rest: unknown[]) => void
  const guardCallback = (name: 'lookup' | 'lookupService', decide: (args: unknown[], skip: never) => Outcome) =>
    patchMethod<(...args: unknown[]) => unknown>(
      restores,
      dns,
      name,
      (real) =>
        function guarded(this: unknown, ...args: unknown[]) {
          if (engine.active && !isApproved(approvals, args[0])) {
            const outcome = decide(args, guarded as never)
            const callback = args[args.length - 1]
            if (!outcome.ok && typeof callback === 'function') {
              process.nextTick(() => (callback as Callback)(outcome.error))
              return {}
            }
          }
          return Reflect.apply(real, this, args)
        },
    )
  const guardPromise = (name: 'lookup' | 'lookupService', decide: (args: unknown[], skip: never) => Outcome) =>
    patchMethod<(...args: unknown[]) => Promise<unknown>>(
      restores,
      dns.promises,
      name,
      (real) =>
        function guarded(this: unknown, ...args: unknown[]) {
          if (engine.active && !isApproved(approvals, args[0])) {
            const outcome = decide(args, guarded as never)
            if (!outcome.ok) return Promise.reject(outcome.error)
          }
          return Reflect.apply(real, this, args)
        },
    )
  const lookup = (event: string) => (args: unknown[], skip: never) => checkName(engine, event, args[0], skip)
  // The port as Node validates it, without calling a valueOf the caller gave twice.
  const service = (args: unknown[], skip: never) =>
    checkAddress(engine, 'dns.lookupService', args[0], typeof args[1] === 'number' ? args[1] : undefined, skip)
  guardCallback('lookup', lookup('dns.lookup'))
  guardCallback('lookupService', service)
  guardPromise('lookup', lookup('dns.promises.lookup'))
  guardPromise('lookupService', service)
}
