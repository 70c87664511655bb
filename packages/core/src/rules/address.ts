import type * as IpAddr from 'ipaddr.js'

// ipaddr.js is loaded on first use: most test files never parse an address that is not in the
// cache, and the worker start-up budget is small (so is its require function: the CJS build's
// shim of `import.meta.url` costs a Node 20 worker ~1 ms at load).
let lib: typeof IpAddr | undefined
function ipaddrLib(): typeof IpAddr {
  const builtin = process.getBuiltinModule('node:module') as typeof import('node:module')
  lib ??= builtin.createRequire(import.meta.url)('ipaddr.js') as typeof IpAddr
  return lib
}

// Canonical addresses. Every spelling that the platform would connect to as the same address
// must decide the same way: `2130706433`, `0x7f.1`, `127.1` and `0177.0.0.1` are all 127.0.0.1
// to glibc's inet_aton and to WHATWG URL, and ipaddr.js parses them identically.

export interface Address {
  /** Canonical text: `127.0.0.1`, `::1`, `fe80::1` (zone dropped). */
  text: string
  kind: 'ipv4' | 'ipv6'
  /** ipaddr.js range name: `loopback`, `private`, `unicast`, ... */
  range: string
  parsed: IpAddr.IPv4 | IpAddr.IPv6
}

const cache = new Map<string, Address | null>()
const CACHE_LIMIT = 4096

/** Parses any IP spelling; null when the string is not an IP address (a hostname). */
export function parseAddress(input: string): Address | null {
  const hit = cache.get(input)
  if (hit !== undefined) return hit
  const result = parseUncached(input)
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(input, result)
  return result
}

function parseUncached(input: string): Address | null {
  let text = input.trim()
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1)
  const zone = text.indexOf('%')
  if (zone !== -1) text = text.slice(0, zone)
  // Letters beyond hex digits (and the `x` of 0x) mean a hostname: no need to load ipaddr.js.
  if (text === '' || /[g-wyz_]/i.test(text)) return null
  const ipaddr = ipaddrLib()
  if (!ipaddr.isValid(text)) return null
  // A bare number or `0x..` is an IP to inet_aton only in IPv4 form; ipaddr.js agrees.
  let parsed: IpAddr.IPv4 | IpAddr.IPv6 = ipaddr.parse(text)
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as IpAddr.IPv6
    if (v6.isIPv4MappedAddress()) {
      // ipaddr.js 2.x reads the IPv4-*compatible* `::127.0.0.1` as mapped `::ffff:7f00:1`; the kernel
      // treats it as the IPv6 address ::7f00:1, which is not loopback. Only a written `ffff:` maps.
      if (/\d+\.\d+\.\d+\.\d+$/.test(text) && !/ffff:\d+\.\d+\.\d+\.\d+$/i.test(text)) {
        const parts = v6.parts.slice()
        parts[5] = 0
        parsed = new ipaddr.IPv6(parts)
      } else {
        parsed = v6.toIPv4Address()
      }
    }
  }
  const canonical = parsed.toString()
  return {
    text: canonical,
    kind: parsed.kind(),
    range: rangeOf(parsed, canonical),
    parsed,
  }
}

/**
 * ipaddr.js names all of 0.0.0.0/8 `unspecified`, but only 0.0.0.0 itself connects to this machine:
 * Linux (since 5.3) routes the rest of 0.0.0.0/8 as unicast, out through the default route. They
 * are special-purpose addresses (RFC 6890), what ipaddr.js calls `reserved`.
 */
function rangeOf(parsed: IpAddr.IPv4 | IpAddr.IPv6, canonical: string): string {
  const range = parsed.range()
  return range === 'unspecified' && parsed.kind() === 'ipv4' && canonical !== '0.0.0.0' ? 'reserved' : range
}

/** Every range name ipaddr.js 2.x can return, both families (a unit test keeps this in step). */
export const RANGE_NAMES: ReadonlySet<string> = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'carrierGradeNat',
  'private',
  'reserved',
  'as112',
  'amt',
  'uniqueLocal',
  'ipv4Mapped',
  'deprecatedSiteLocal',
  'discard',
  'rfc6145',
  'rfc6052',
  '6to4',
  'teredo',
  'benchmarking',
  'as112v6',
  'deprecatedOrchid',
  'orchid2',
  'droneRemoteIdProtocolEntityTags',
  'segmentRouting',
  'unicast',
])

export interface Cidr {
  kind: 'ipv4' | 'ipv6'
  parsed: [IpAddr.IPv4 | IpAddr.IPv6, number]
}

/** Parses `10.0.0.0/8` or `2001:db8::/32`; throws a message fragment on a bad CIDR. */
export function parseCidr(text: string): Cidr {
  try {
    const parsed = ipaddrLib().parseCIDR(text)
    return { kind: parsed[0].kind(), parsed }
  } catch {
    throw new Error(`"${text}" is not a valid CIDR range`)
  }
}

export function cidrContains(cidr: Cidr, address: Address): boolean {
  if (cidr.kind !== address.kind) return false
  return address.parsed.match(cidr.parsed as never)
}
