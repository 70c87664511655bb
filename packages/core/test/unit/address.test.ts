import { describe, expect, test } from 'vitest'
import { parseAddress } from '../../src/rules/address.js'

describe('parseAddress: every spelling of an address decides the same way', () => {
  test.each([
    ['127.0.0.1', '127.0.0.1', 'loopback'],
    ['2130706433', '127.0.0.1', 'loopback'],
    ['0x7f000001', '127.0.0.1', 'loopback'],
    ['0x7f.1', '127.0.0.1', 'loopback'],
    ['127.1', '127.0.0.1', 'loopback'],
    ['0177.0.0.1', '127.0.0.1', 'loopback'],
    ['127.000.000.001', '127.0.0.1', 'loopback'],
    ['3405803781', '203.0.113.5', 'reserved'],
    ['0xcb.0.0x71.5', '203.0.113.5', 'reserved'],
    ['::1', '::1', 'loopback'],
    ['[::1]', '::1', 'loopback'],
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', '127.0.0.1', 'loopback'],
    ['::FFFF:203.0.113.5', '203.0.113.5', 'reserved'],
    ['169.254.169.254', '169.254.169.254', 'linkLocal'],
    ['10.1.2.3', '10.1.2.3', 'private'],
    ['fe80::1%lo', 'fe80::1', 'linkLocal'],
    ['0.0.0.0', '0.0.0.0', 'unspecified'],
    ['::', '::', 'unspecified'],
    ['0', '0.0.0.0', 'unspecified'],
    ['::ffff:0.0.0.0', '0.0.0.0', 'unspecified'],
    // The rest of 0.0.0.0/8 is routed as unicast by Linux: not this machine.
    ['0.1.2.3', '0.1.2.3', 'reserved'],
    ['0.0.0.1', '0.0.0.1', 'reserved'],
    ['66051', '0.1.2.3', 'reserved'],
    ['::ffff:0.1.2.3', '0.1.2.3', 'reserved'],
  ])('%s is %s (%s)', (input, text, range) => {
    const address = parseAddress(input)
    expect(address?.text).toBe(text)
    expect(address?.range).toBe(range)
  })

  test('the IPv4-compatible ::127.0.0.1 is not loopback (the kernel reads it as ::7f00:1)', () => {
    const address = parseAddress('::127.0.0.1')
    expect(address?.kind).toBe('ipv6')
    expect(address?.range).not.toBe('loopback')
  })

  test('NAT64 of loopback is not loopback', () => {
    expect(parseAddress('64:ff9b::7f00:1')?.range).toBe('rfc6052')
  })

  test.each(['example.com', 'localhost', '127.0.0.1.', '', '1.2.3.4.5', 'foo.localhost'])(
    '%j is not an address',
    (input) => {
      expect(parseAddress(input)).toBeNull()
    },
  )
})

test('RANGE_NAMES lists every range ipaddr.js knows', async () => {
  const { RANGE_NAMES } = await import('../../src/rules/address.js')
  const ipaddr = (await import('ipaddr.js')).default
  const names = [
    ...Object.keys((ipaddr.IPv4.prototype as unknown as { SpecialRanges: object }).SpecialRanges),
    ...Object.keys((ipaddr.IPv6.prototype as unknown as { SpecialRanges: object }).SpecialRanges),
  ]
  for (const name of names) expect(RANGE_NAMES.has(name), name).toBe(true)
})
