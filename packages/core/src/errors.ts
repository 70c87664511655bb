import type { AuditRecord } from './events.js'

export type LeakgateErrorCode =
  | 'LEAKGATE_NET_BLOCKED'
  | 'LEAKGATE_EXEC_BLOCKED'
  | 'LEAKGATE_EVAL_BLOCKED'
  | 'LEAKGATE_INVALID_OPTION'
  | 'LEAKGATE_TAMPERED'

/** Recognises our errors across package copies and realms, where `instanceof` fails. */
export const ERROR_BRAND: unique symbol = Symbol.for('leakgate.error') as never

/**
 * Every error leakgate throws. `message` is the full multi-line explanation; `shortMessage` is
 * its first line, which stands alone in runner summaries. A blocked operation carries the
 * recorded event in `event`.
 */
export class LeakgateError extends Error {
  readonly code: LeakgateErrorCode
  declare readonly shortMessage: string
  declare readonly event?: AuditRecord
  declare readonly [ERROR_BRAND]: true

  constructor(code: LeakgateErrorCode, message: string, event?: AuditRecord) {
    super(message)
    Object.defineProperty(this, 'name', {
      value: 'LeakgateError',
      enumerable: false,
      writable: true,
      configurable: true,
    })
    this.code = code
    // Not enumerable: runners print an error's own enumerable properties under its stack.
    Object.defineProperty(this, 'shortMessage', { value: message.split('\n', 1)[0], enumerable: false })
    if (event) Object.defineProperty(this, 'event', { value: event, enumerable: false })
    Object.defineProperty(this, ERROR_BRAND, { value: true })
  }

  /** True for a LeakgateError from any copy of the package or any realm. */
  static is(error: unknown): error is LeakgateError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[ERROR_BRAND] === true
  }
}

export const BLOCKED_CODES = {
  net: 'LEAKGATE_NET_BLOCKED',
  exec: 'LEAKGATE_EXEC_BLOCKED',
  eval: 'LEAKGATE_EVAL_BLOCKED',
  tamper: 'LEAKGATE_TAMPERED',
} as const
