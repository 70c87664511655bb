import { expect, test } from 'vitest'
import { LeakgateError } from '../../src/errors.js'
import type { AuditRecord } from '../../src/events.js'

test('LeakgateError: the first line stands alone; runners do not print the event as a property', () => {
  const event = { event: 'net.connect' } as AuditRecord
  const error = new LeakgateError(
    'LEAKGATE_NET_BLOCKED',
    'blocked net.connect to "x:1" (LEAKGATE_NET_BLOCKED)\n\n  details',
    event,
  )
  expect(error.shortMessage).toBe('blocked net.connect to "x:1" (LEAKGATE_NET_BLOCKED)')
  expect(error.event).toBe(event)
  expect(Object.keys(error)).toEqual(['code'])
  expect('event' in new LeakgateError('LEAKGATE_INVALID_OPTION', 'bad')).toBe(false)
})

test('LeakgateError.is recognises errors across copies and realms by brand', () => {
  const foreign = Object.assign(new Error('x'), { [Symbol.for('leakgate.error')]: true })
  expect(LeakgateError.is(foreign)).toBe(true)
  expect(LeakgateError.is(new Error('x'))).toBe(false)
  expect(LeakgateError.is(null)).toBe(false)
})
