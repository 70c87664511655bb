import { describe, expect, test } from 'vitest'
import { parseAddress } from '../../src/rules/address.js'
import { formatNetTarget, matchNet, type NetTarget, normalizeHost, parseNetRule } from '../../src/rules/net.js'

function target(host: string, port?: number): NetTarget {
  const address = parseAddress(host)
  const out: NetTarget = address ? { address } : { host: normalizeHost(host) }
  if (port !== undefined) out.port = port
  return out
}

const matches = (rule: string, host: string, port?: number) => matchNet(parseNetRule(rule), target(host, port))

describe('net rules', () => {
  test('a host matches exactly, any port, case-insensitively, with or without a trailing dot', () => {
    expect(matches('api.example.com', 'api.example.com', 443)).toBe(true)
    expect(matches('api.example.com', 'API.Example.com.', 80)).toBe(true)
    expect(matches('api.example.com', 'example.com', 443)).toBe(false)
    expect(matches('api.example.com', 'api.example.com.evil.test', 443)).toBe(false)
    expect(matches('example.com', 'notexample.com', 443)).toBe(false)
  })

  test('host:port matches only that port; host:* any port', () => {
    expect(matches('api.example.com:443', 'api.example.com', 443)).toBe(true)
    expect(matches('api.example.com:443', 'api.example.com', 80)).toBe(false)
    expect(matches('api.example.com:*', 'api.example.com', 80)).toBe(true)
  })

  test('globs are anchored', () => {
    expect(matches('*.example.com', 'a.example.com', 1)).toBe(true)
    expect(matches('*.example.com', 'a.b.example.com', 1)).toBe(true)
    expect(matches('*.example.com', 'example.com', 1)).toBe(false)
    expect(matches('*.example.com', 'a.example.com.evil.test', 1)).toBe(false)
    expect(matches('api-*.example.com', 'api-eu.example.com', 1)).toBe(true)
    expect(matches('api-*.example.com', 'web-eu.example.com', 1)).toBe(false)
  })

  test('an address rule matches every spelling of that address, never a hostname', () => {
    expect(matches('127.0.0.2', '2130706434', 80)).toBe(true)
    expect(matches('127.0.0.2', '::ffff:127.0.0.2', 80)).toBe(true)
    expect(matches('203.0.113.5:443', '3405803781', 443)).toBe(true)
    expect(matches('127.0.0.2', 'localhost', 80)).toBe(false)
  })

  test('IPv6 with brackets and ports', () => {
    expect(matches('[::1]:8080', '::1', 8080)).toBe(true)
    expect(matches('[::1]:8080', '::1', 8081)).toBe(false)
    expect(matches('::1', '::1', 1)).toBe(true)
    expect(matches('2001:db8::/32', '2001:db8::5', 1)).toBe(true)
    expect(matches('[2001:db8::/32]:443', '2001:db8::5', 443)).toBe(true)
  })

  test('CIDR and named ranges', () => {
    expect(matches('10.0.0.0/8', '10.9.8.7', 5432)).toBe(true)
    expect(matches('10.0.0.0/8', '11.0.0.1', 5432)).toBe(false)
    expect(matches('10.0.0.0/8:5432', '10.9.8.7', 5432)).toBe(true)
    expect(matches('10.0.0.0/8:5432', '10.9.8.7', 80)).toBe(false)
    expect(matches('private', '192.168.1.1', 1)).toBe(true)
    expect(matches('private', '8.8.8.8', 1)).toBe(false)
    expect(matches('linkLocal', '169.254.169.254', 80)).toBe(true)
    expect(matches('loopback', '::1', 80)).toBe(true)
    expect(matches('uniqueLocal', 'fd00::1', 80)).toBe(true)
  })

  test('a DNS lookup has no port: anyPort ignores rule ports', () => {
    const rule = parseNetRule('api.example.com:443')
    expect(matchNet(rule, { host: 'api.example.com' })).toBe(false)
    expect(matchNet(rule, { host: 'api.example.com', anyPort: true })).toBe(true)
  })

  test.each([
    ['', 'an empty string is not a rule'],
    ['example.com:http', 'invalid port "http"'],
    ['example.com:70000', 'invalid port "70000"'],
    ['10.0.0.0/33', 'not a valid CIDR range'],
    ['[::1', '"[" without "]"'],
    ['[::1]x', 'must be "[address]:port"'],
    ['http://example.com', "is a URL; a rule names a host, optionally with a port (write 'example.com')"],
    ['exa mple.com', 'holds a space; write one host per rule'],
    ['exa$mple.com', 'neither a hostname'],
  ])('rejects %j (%s)', (rule, message) => {
    expect(() => parseNetRule(rule)).toThrow(message)
  })

  test('formatNetTarget brackets IPv6', () => {
    expect(formatNetTarget(target('::1', 80))).toBe('[::1]:80')
    expect(formatNetTarget(target('api.example.com', 443))).toBe('api.example.com:443')
    expect(formatNetTarget(target('2130706434', 8080))).toBe('127.0.0.2:8080')
  })

  test('a name that reads as an address once its trailing dot is dropped is a name, shown and allowed with its dot', () => {
    // `127.0.0.1.` is asked of DNS (getaddrinfo takes it for a name), not dialled as 127.0.0.1.
    expect(formatNetTarget(target('127.0.0.1.', 80))).toBe('127.0.0.1.:80')
    expect(formatNetTarget({ host: '203.0.113.5', anyPort: true })).toBe('203.0.113.5.')
    expect(parseNetRule('127.0.0.1.:80')).toEqual({ type: 'host', pattern: '127.0.0.1', port: 80 })
    expect(matches('127.0.0.1.:80', '127.0.0.1.', 80)).toBe(true)
    // The name rule never allows the address, nor the address rule the name.
    expect(matches('127.0.0.1.', '127.0.0.1', 80)).toBe(false)
    expect(matches('127.0.0.1', '127.0.0.1.', 80)).toBe(false)
    expect(() => parseNetRule('127.0.0.256')).toThrow('not a valid IPv4 address')
  })
})
