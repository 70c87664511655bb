import { didYouMean } from '../suggest.js'
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
  "'host', 'host:port', '*.example.com', '10.0.0.0/8', '[::1]:8080', a named range ('private', 'linkLocal', ...), { from: 'package' } or { project: 'path/*' }"

/** What a resolver reads of a name or address: a C string, which ends at the first NUL. */
export function resolverName(host: string): string {
  const nul = host.indexOf('\u0000')
  return nul === -1 ? host : host.slice(0, nul)
}

const PLAIN_HOST = /^[\p{L}\p{N}_-]+(\.[\p{L}\p{N}_-]+)*$/u

/**
 * A name every resolver reads the same way: labels of letters, digits, `_` and `-`. Anything
 * else (a backslash, which glibc and c-ares read as an escape inside a label; whitespace, after
 * which inet_aton stops reading; control characters) may be looked up as another name or
 * address than the text says, so it matches no host rule and is never local.
 */
export function isPlainHost(host: string): boolean {
  return PLAIN_HOST.test(host)
}

/** Lower-cases a hostname and drops one trailing dot, so rules match `example.com.` too. */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}

/** A rule as messages show it: quoted, and cut short when very long (a pasted blob). */
export function quoteRule(rule: string): string {
  return JSON.stringify(rule.length > 60 ? `${rule.slice(0, 59)}…` : rule)
}

function parsePort(text: string, rule: string): number | undefined {
  if (text === '*') return undefined
  if (text === '') throw new Error(`${quoteRule(rule)} has an empty port after ":" (0-65535 or *)`)
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new Error(`${quoteRule(rule)} has an invalid port ${quoteRule(text)} (0-65535 or *)`)
  }
  return port
}

function withPort<T extends NetMatcher>(matcher: T, port: number | undefined): T {
  if (port !== undefined) matcher.port = port
  return matcher
}

/** The longest host name DNS carries, and the longest label. */
const MAX_HOST = 253
const MAX_LABEL = 63
/** Range names worth a did-you-mean: the short ones (amt, 6to4) are too near ordinary host names. */
const SUGGESTED_RANGES = [...RANGE_NAMES].filter((name) => name.length >= 5)

/** Rules parsed already (matchers are never changed once made): options are normalized at every configure. */
const parsed = new Map<string, NetMatcher>()
const MAX_PARSED = 1024

/** Parses one net rule string. Throws an Error whose message says what is wrong. */
export function parseNetRule(rule: string): NetMatcher {
  const known = parsed.get(rule)
  if (known) return known
  const matcher = parseNewNetRule(rule)
  if (parsed.size < MAX_PARSED) parsed.set(rule, matcher)
  return matcher
}

function parseNewNetRule(rule: string): NetMatcher {
  const text = rule.trim()
  if (text === '') throw new Error('an empty string is not a rule')
  if (text.length > MAX_HOST + 64) {
    throw new Error(`${quoteRule(rule)} is ${text.length} characters long; a host name has at most ${MAX_HOST}`)
  }
  if (text.includes('://')) {
    const url = URL.canParse(text) ? new URL(text) : undefined
    const hint = url ? ` (write '${url.host}')` : ''
    throw new Error(`${quoteRule(rule)} is a URL; a rule names a host, optionally with a port${hint}`)
  }
  const list = /[\s,;]/.exec(text)
  if (list) {
    const parts = text.split(/[\s,;]+/).filter(Boolean)
    const hint = parts.length > 1 ? `: ${parts.map((part) => `'${part}'`).join(', ')}` : ''
    throw new Error(
      `${quoteRule(rule)} holds ${list[0] === ',' ? 'a comma' : list[0] === ';' ? 'a semicolon' : 'a space'}; write one host per rule${hint}`,
    )
  }
  if (text === '*') return { type: 'any' }
  // `[v6]:port`, `[v6]`, `[v6/cidr]:port`
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    if (close === -1) throw new Error(`${quoteRule(rule)} has "[" without "]"`)
    const inner = text.slice(1, close)
    const rest = text.slice(close + 1)
    if (rest !== '' && !rest.startsWith(':')) throw new Error(`${quoteRule(rule)} must be "[address]:port"`)
    const port = rest === '' ? undefined : parsePort(rest.slice(1), rule)
    if (!inner.includes(':')) {
      const bare = `${inner}${rest}`
      throw new Error(`${quoteRule(rule)}: brackets hold an IPv6 address; did you mean '${bare}'?`)
    }
    return withPort(parseAddressLike(inner, rule), port)
  }
  // A bare IPv6 address or IPv6 CIDR (more than one colon, no brackets): no port possible.
  if (text.indexOf(':') !== text.lastIndexOf(':')) {
    checkAmbiguousPort(text, rule)
    return parseAddressLike(text, rule, true)
  }
  const colon = text.indexOf(':')
  const hostPart = colon === -1 ? text : text.slice(0, colon)
  const port = colon === -1 ? undefined : parsePort(text.slice(colon + 1), rule)
  if (hostPart === '*') return withPort({ type: 'any' }, port)
  if (RANGE_NAMES.has(hostPart)) return withPort({ type: 'range', range: hostPart }, port)
  return withPort(parseAddressLike(hostPart, rule), port)
}

/**
 * `::1:80` is the address ::0.1:0.80, but whoever wrote it almost surely meant port 80 of ::1:
 * a bare IPv6 address whose last group is a decimal number and whose rest is an address of
 * its own is refused, with both readings spelt out.
 */
function checkAmbiguousPort(text: string, rule: string): void {
  if (text.includes('/')) return
  const last = text.lastIndexOf(':')
  const group = text.slice(last + 1)
  const rest = text.slice(0, last)
  if (!/^\d{1,5}$/.test(group) || Number(group) > 65535) return
  if (parseAddress(rest)?.kind !== 'ipv6') return
  throw new Error(
    `${quoteRule(rule)} is ambiguous: write '[${rest}]:${group}' for port ${group} of ${rest}, or '[${text}]' for the address`,
  )
}

function parseAddressLike(text: string, rule: string, ipv6Only = false): NetMatcher {
  if (text.includes('/')) return { type: 'cidr', cidr: parseCidr(text) }
  const address = parseAddress(text)
  if (address) return { type: 'address', address }
  if (ipv6Only || text.includes(':')) throw new Error(`${quoteRule(rule)} is not a valid IPv6 address`)
  return { type: 'host', pattern: parseHostPattern(text, rule) }
}

/**
 * A host name or pattern: labels of letters, digits, `-` and `_`, `*` standing for any run of
 * characters; at most 253 characters and 63 per label. Refused with the likely intent: a range
 * name in another case or misspelt, an IPv4 address out of range, a wildcard that says nothing.
 */
function parseHostPattern(text: string, rule: string): string {
  if (!/^[a-z0-9*_.-]+$/i.test(text)) {
    throw new Error(`${quoteRule(rule)} is neither a hostname, an IP address, a CIDR range nor a range name`)
  }
  if (text.length > MAX_HOST + 1) {
    throw new Error(`${quoteRule(rule)} is ${text.length} characters long; a host name has at most ${MAX_HOST}`)
  }
  const labels = (text.endsWith('.') ? text.slice(0, -1) : text).split('.')
  if (labels[0] === '') {
    const rest = text.replace(/^\.+/, '')
    throw new Error(`${quoteRule(rule)} starts with a dot; did you mean '*.${rest}'?`)
  }
  if (labels.includes('')) throw new Error(`${quoteRule(rule)} has an empty label (two dots in a row)`)
  const long = labels.find((label) => label.length > MAX_LABEL)
  if (long)
    throw new Error(`${quoteRule(rule)} has a label of ${long.length} characters; a label has at most ${MAX_LABEL}`)
  if (text.includes('**')) {
    const fixed = text.replace(/\*{2,}/g, '*')
    throw new Error(`${quoteRule(rule)} repeats a wildcard; did you mean '${fixed}'?`)
  }
  if (labels.length > 1 && labels.every((label) => /^\*+$/.test(label))) {
    throw new Error(
      `${quoteRule(rule)} names no domain; write '*' to allow every host, or a domain such as '*.example.com'`,
    )
  }
  // WHATWG URL and inet_aton read a host whose last label is a number as an IPv4 address.
  // With a trailing dot it is a DNS name all the same (`127.0.0.1.`, which the resolver asks
  // DNS for): a host rule, matching that name only, never the address.
  const last = labels[labels.length - 1] as string
  if (/^(\d+|0x[0-9a-f]*)$/i.test(last) && !text.endsWith('.')) {
    throw new Error(`${quoteRule(rule)} is not a valid IPv4 address (four numbers from 0 to 255)`)
  }
  // A single label may be a range name in the wrong case or misspelt; 'localhost' (RFC 6761)
  // never is, and it is in every default `local`: no suggestion computed for it at start-up.
  if (labels.length === 1 && !text.includes('*') && text.toLowerCase() !== 'localhost') {
    const name = [...RANGE_NAMES].find((range) => range.toLowerCase() === text.toLowerCase())
    if (name)
      throw new Error(`${quoteRule(rule)} is not a range name (they are case-sensitive); did you mean '${name}'?`)
    const typo = didYouMean(text, SUGGESTED_RANGES)
    if (typo) {
      const asHost = rule.trim().replace(text, `${text}.`)
      throw new Error(`${quoteRule(rule)} is not a range name${typo} (for a host of that name, write '${asHost}')`)
    }
  }
  return normalizeHost(text)
}

/** Does one matcher allow this target? A host pattern needs a host; address forms need an address. */
export function matchNet(matcher: NetMatcher, target: NetTarget): boolean {
  if (matcher.port !== undefined && !target.anyPort && matcher.port !== target.port) return false
  switch (matcher.type) {
    case 'any':
      return true
    case 'host':
      return target.host !== undefined && isPlainHost(target.host) && matchGlob(matcher.pattern, target.host)
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
  // A name that reads as an address without its trailing dot (`127.0.0.1.`) keeps the dot: it is
  // the name a DNS lookup asks for, and the rule that allows it (parseHostPattern).
  const host = target.host !== undefined && parseAddress(target.host) !== null ? `${target.host}.` : target.host
  const name = host ?? target.address?.text ?? '?'
  const bracketed = name.includes(':') ? `[${name}]` : name
  return target.port === undefined ? bracketed : `${bracketed}:${target.port}`
}
