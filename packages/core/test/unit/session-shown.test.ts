import { describe, expect, test } from 'vitest'
import { LeakgateError } from '../../src/errors.js'
import type { AuditRecord } from '../../src/events.js'
import { isShown, leakFirst, retold } from '../../src/session/shown.js'

// What a runner already shows, for the session's "violations still to show": live errors (Jest)
// and the plain objects a runner serialized them to (Vitest), causes and aggregates included.

const record = (id: string, test = 'A'): AuditRecord => ({
  v: 1,
  category: 'net',
  event: 'net.connect',
  target: '203.0.113.5:443',
  scope: { file: 'a.test.js', test, phase: 'test' },
  decision: { allowed: false, reason: 'no-rule' },
  mode: 'enforce',
  blocked: true,
  code: 'LEAKGATE_NET_BLOCKED',
  message: 'blocked net.connect to "203.0.113.5:443" (LEAKGATE_NET_BLOCKED)',
  count: 1,
  pid: 1,
  threadId: 0,
  time: 0,
  id,
})

const violation = (r: AuditRecord) =>
  new LeakgateError(
    'LEAKGATE_NET_BLOCKED',
    `${r.message}\n\n  test       a.test.js > ${r.scope.test}\n\n  To allow it in this test:  allowAudit({ net: ['203.0.113.5:443'] })`,
    r,
  )

describe('isShown', () => {
  const r = record('1-0-1')
  const error = violation(r)

  test('the very error, as a cause, in an aggregate, or a serialized copy of it', () => {
    expect(isShown([error], r, error)).toBe(true)
    expect(isShown([new TypeError('fetch failed', { cause: error })], r, error)).toBe(true)
    expect(isShown([new AggregateError([new Error('x'), error])], r, error)).toBe(true)
    expect(isShown([{ name: 'LeakgateError', message: 'changed', event: { ...r } }], r, error)).toBe(true)
  })

  test('a cycle of causes ends', () => {
    const a = new Error('a') as Error & { cause?: unknown }
    const b = new Error('b', { cause: a })
    a.cause = b
    expect(isShown([a], r, error)).toBe(false)
    a.cause = new AggregateError([b, error])
    expect(isShown([a], r, error)).toBe(true)
  })

  test('an error that carries its message (a library kept the reason)', () => {
    expect(isShown([new Error(`The service was stopped: ${error.message}`)], r, error)).toBe(true)
  })

  test('nothing else: another violation, an unrelated error, no errors', () => {
    const other = record('1-0-2', 'B')
    expect(isShown([violation(other)], r, error)).toBe(false)
    expect(isShown([new Error('expected 1 to be 2')], r, error)).toBe(false)
    expect(isShown([], r, error)).toBe(false)
    expect(isShown([null, 'text', 3], r, error)).toBe(false)
  })
})

describe('leakFirst', () => {
  const error = violation(record('1-0-1'))

  test("a live error caused by ours: ours on top (brand, prototype, fields kept), the code's error as its cause", () => {
    const thrown = new TypeError('fetch failed', { cause: error })
    const top = leakFirst(thrown) as LeakgateError & { cause: Error }
    expect(LeakgateError.is(top)).toBe(true)
    expect(top).toBeInstanceOf(LeakgateError)
    expect(top.message).toBe(error.message)
    expect(top.event).toBe(error.event)
    expect(top.cause.message).toBe('fetch failed')
    expect(top.cause.name).toBe('TypeError')
    expect(top.cause.cause).toBeUndefined()
    expect(thrown.cause).toBe(error)
  })

  test('a serialized copy: the fields the message says already go', () => {
    const serialized = {
      name: 'TypeError',
      message: 'fetch failed',
      cause: { name: 'LeakgateError', message: error.message, code: error.code, event: {}, shortMessage: 'x' },
    }
    expect(leakFirst(serialized)).toEqual({
      name: 'LeakgateError',
      message: error.message,
      cause: { name: 'TypeError', message: 'fetch failed' },
    })
  })

  test('nothing to do: ours itself, an error with another cause, no error', () => {
    expect(leakFirst(error)).toBeUndefined()
    expect(leakFirst(new Error('x', { cause: new Error('y') }))).toBeUndefined()
    expect(leakFirst(undefined)).toBeUndefined()
  })
})

describe('retold', () => {
  const earlier = record('1-0-1', 'starts the service')
  const message = violation(earlier).message

  test("an error carrying an earlier test's violation names that test", () => {
    const thrown = new Error(`The service is no longer running: ${message}`)
    const copy = retold(thrown, new Map([[message, earlier]])) as Error
    expect(copy).toBeInstanceOf(Error)
    expect(copy).not.toBe(thrown)
    expect(copy.message).toContain('To allow it in the test that started it ("starts the service")')
    expect(copy.message).not.toContain('To allow it in this test')
    expect(thrown.message).toContain('To allow it in this test')
  })

  test('an error that carries none is left alone', () => {
    expect(retold(new Error('other'), new Map([[message, earlier]]))).toBeUndefined()
    expect(retold(new Error(message), new Map())).toBeUndefined()
  })
})
