import { type Address, type Cidr, cidrContains, parseAddress, parseCidr, RANGE_NAMES } from './address.js'
import { matchGlob } from './glob.js'

// Network rules, parsed once at install. A request is matched on the hostname as given (before
// DNS) and, separately, on each canonical address it connects to.

export type NetMatcher =
  | { type: 'any'; port?: number }
  | { type: 'host'; pattern: string; port?: number }
  | { type: 'address'; address: Address; port?: number }
  | { type: 'cidr'; cidr: Cidr; port?: number }
  | { type: 'range'; range: string; port?: number }

export interface NetTarget {
  /** Hostname as the caller gave it (lower-cased, no trailing dot), absent for a bare address. */
  host?: string
  /** Canonical address, when known. */
  address?: Address
  port?: number
  /** Ignore rule ports: a DNS lookup has no port, and `host:443` allows resolving `host`. */
  anyPort?: boolean
}

export const NET_FORMS =
  "'host', 'host:port', '*.example.com', '10.0.0.0/8', '[::1]:8080', a named range ('private', 'linkLocal', ...) or { from: 'package' }"

/** Lower-cases a hostname and drops one trailing dot, so rules match `example.com.` too. */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}

function parsePort(text: string, rule: string): number | undefined {
  if (text === '*') return undefined
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new Error(`"${rule}" has an invalid port "${text}" (0-65535 or *)`)
  }
  return port
}

function withPort<T extends NetMatcher>(matcher: T, port: number | undefined): T {
  if (port !== undefined) matcher.port = port
  return matcher
}

/** Parses one net rule string. Throws an Error whose message says what is wrong. */
export function parseNetRule(rule: string): NetMatcher {
  const text = rule.trim()
  if (text === '') throw new Error('an empty string is not a rule')
  if (text.includes('://')) {
    const url = URL.canParse(text) ? new URL(text) : undefined
    const hint = url ? ` (write '${url.host}')` : ''
    throw new Error(`"${rule}" is a URL; a rule names a host, optionally with a port${hint}`)
  }
  if (text === '*') return { type: 'any' }
  // `[v6]:port`, `[v6]`, `[v6/cidr]:port`
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    if (close === -1) throw new Error(`"${rule}" has "[" without "]"`)
    const inner = text.slice(1, close)
    const rest = text.slice(close + 1)
    if (rest !== '' && !rest.startsWith(':')) throw new Error(`"${rule}" must be "[address]:port"`)
    const port = rest === '' ? undefined : parsePort(rest.slice(1), rule)
    return withPort(parseAddressLike(inner, rule), port)
  }
  // A bare IPv6 address or IPv6 CIDR (more than one colon, no brackets): no port possible.
  if (text.indexOf(':') !== text.lastIndexOf(':')) return parseAddressLike(text, rule)
  const colon = text.indexOf(':')
  const hostPart = colon === -1 ? text : text.slice(0, colon)
  const port = colon === -1 ? undefined : parsePort(text.slice(colon + 1), rule)
  if (hostPart === '*') return withPort({ type: 'any' }, port)
  if (RANGE_NAMES.has(hostPart)) return withPort({ type: 'range', range: hostPart }, port)
  return withPort(parseAddressLike(hostPart, rule), port)
}

function parseAddressLike(text: string, rule: string): NetMatcher {
  if (text.includes('/')) return { type: 'cidr', cidr: parseCidr(text) }
  const address = parseAddress(text)
  if (address) return { type: 'address', address }
  if (!/^[a-z0-9*_.-]+$/i.test(text)) {
    throw new Error(`"${rule}" is neither a hostname, an IP address, a CIDR range nor a range name`)
  }
  return { type: 'host', pattern: normalizeHost(text) }
}

/** Does one matcher allow this target? A host pattern needs a host; address forms need an address. */
export function matchNet(matcher: NetMatcher, target: NetTarget): boolean {
  if (matcher.port !== undefined && !target.anyPort && matcher.port !== target.port) return false
  switch (matcher.type) {
    case 'any':
      return true
    case 'host':
      return target.host !== undefined && matchGlob(matcher.pattern, target.host)
    case 'address':
      return target.address !== undefined && target.address.text === matcher.address.text
    case 'cidr':
      return target.address !== undefined && cidrContains(matcher.cidr, target.address)
    case 'range':
      return target.address !== undefined && target.address.range === matcher.range
  }
}

/** Formats a target the way a rule would allow it: `host:port`, `[::1]:8080`, `10.0.0.1:5432`. */
export function formatNetTarget(target: NetTarget): string {
  const name = target.host ?? target.address?.text ?? '?'
  const bracketed = name.includes(':') ? `[${name}]` : name
  return target.port === undefined ? bracketed : `${bracketed}:${target.port}`
}
