import { threadId } from 'node:worker_threads'
import { BLOCKED_CODES } from './errors.js'
import type { AuditRecord, CallSite, EventScope, Mode } from './events.js'
import type { FamilyState } from './interceptors/family-state.js'
import { type Restore, verifyRestores } from './interceptors/patch.js'
import { describeTest } from './message.js'

// Tampering is a violation (LEAKGATE_TAMPERED, DESIGN.md "Threat model and integrity"): at the
// end of every test and file the engine checks that the guard is as the adapter armed it, puts
// back what a test disturbed (so later tests stay guarded) and fails the test for it. The engine
// checks its own state (configuration, on switch); this module checks what lies outside it: the
// interceptors' patches, each tamed realm's patches and `Object.prototype`, and the platform's
// stack-capture functions attribution relies on. It also words the violation.

/**
 * The stack-capture functions as loaded, before any test ran: attribution calls these, and a
 * test that replaces them (to make its own frames look like the framework's) is tampering.
 */
const realCaptureStackTrace = Error.captureStackTrace

/**
 * Names leakgate reads from options, rules and its own requests: given to Object.prototype (by a
 * test, or a prototype-pollution bug it runs), they could make a read that finds nothing find
 * something. Reads are of own properties; a test that sets one of these is reported all the same.
 */
const READ_NAMES = [
  ...['mode', 'allow', 'strict', 'inspectEval', 'root', 'local', 'sinkDir', 'net', 'exec', 'eval'],
  ...['from', 'project', 'matcher', 'benign', 'all', 'rules', 'text', 'raw'],
  ...['scope', 'stack', 'packages', 'detected', 'host', 'address', 'port', 'anyPort', 'commands', 'unreadable'],
]

/** The patches that must stay in place while the guard is armed, checked and repaired on demand. */
export class GuardedPatches {
  /**
   * The interceptors' restores: the engine's own list, not a copy. Some patches are made after
   * install (net.ts patches http's Agent at the first connect after `node:http` loaded), and each
   * must be checked like those made at install.
   */
  #interceptors: readonly Restore[] = []
  /** Per tamed realm: its Function family and eval patches. */
  readonly #realms = new WeakMap<object, readonly Restore[]>()
  /** Per tamed realm: its Object.prototype, as it was when tamed. */
  readonly #prototypes = new WeakMap<object, object>()

  /**
   * Keeps the list the interceptors push their restores onto (after installing) as what must stay
   * in place: the list itself, so that a patch pushed onto it later is checked too.
   */
  keepInterceptors(restores: readonly Restore[]): void {
    this.#interceptors = restores
  }

  /** Uninstalled: the interceptors' patches are gone on purpose. */
  releaseInterceptors(): void {
    this.#interceptors = []
  }

  /** Remembers a tamed realm's patches as what must stay in place. */
  keepRealm(global: object, restores: readonly Restore[]): void {
    this.#realms.set(global, restores)
    const proto = (global as { Object?: { prototype?: unknown } }).Object?.prototype
    if (proto && typeof proto === 'object') this.#prototypes.set(global, proto)
  }

  /**
   * Checks every patch of the interceptors and of each realm in `realms` (the patched function
   * still on its module, prototype or global), the realms' `Object.prototype` (no name leakgate
   * reads), and the stack-capture functions. Puts back what was disturbed; returns what it found.
   */
  verify(realms: Iterable<object>): string[] {
    const found = verifyRestores(this.#interceptors)
    const prototypes = [Object.prototype]
    for (const global of realms) {
      const restores = this.#realms.get(global)
      if (restores) found.push(...verifyRestores(restores))
      const proto = this.#prototypes.get(global)
      if (proto && !prototypes.includes(proto)) prototypes.push(proto)
    }
    for (const proto of prototypes) {
      for (const name of READ_NAMES) {
        if (!Object.hasOwn(proto, name)) continue
        found.push(`Object.prototype.${name} was set`)
        try {
          delete (proto as Record<string, unknown>)[name]
        } catch {}
      }
    }
    if (Error.captureStackTrace !== realCaptureStackTrace) {
      found.push('Error.captureStackTrace was replaced')
      try {
        Error.captureStackTrace = realCaptureStackTrace
      } catch {}
    }
    const prepare = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace')
    if (prepare && (!('value' in prepare) || !prepare.writable || !prepare.configurable)) {
      found.push('Error.prepareStackTrace was made an accessor or read-only')
      try {
        Object.defineProperty(Error, 'prepareStackTrace', {
          value: prepare.get ? undefined : prepare.value,
          writable: true,
          configurable: true,
          enumerable: false,
        })
      } catch {}
    }
    return found
  }
}

/**
 * Checks each interceptor family's state (its `verify()`, interceptors/family-state.ts): a
 * counter a test set, which would make the family let a call through undecided. Puts it back;
 * returns what it found. A state whose `verify()` fails was replaced by a test: reported too.
 */
export function verifyFamilyStates(states: Map<string, FamilyState>): string[] {
  const found: string[] = []
  for (const [family, state] of states) {
    try {
      found.push(...state.verify())
    } catch {
      found.push(`the ${family} interceptors' state was replaced`)
    }
  }
  return found
}

/** Where a tampering was seen, as the engine knows it. */
export interface TamperingContext {
  scope: EventScope
  attribution: { callSite?: CallSite; package?: string; via?: CallSite }
  mode: Mode
  origin: 'child' | 'worker' | undefined
}

/** The LEAKGATE_TAMPERED violation for what was `found` disturbed, and its message. */
export function tamperingViolation(
  context: TamperingContext,
  found: readonly string[],
): { record: AuditRecord; message: string } {
  const record: AuditRecord = {
    v: 1,
    category: 'tamper',
    event: 'leakgate.integrity',
    target: found.join('; '),
    scope: context.scope,
    ...context.attribution,
    decision: { allowed: false, reason: 'no-rule' },
    mode: context.mode,
    blocked: false,
    code: BLOCKED_CODES.tamper,
    message: '',
    count: 1,
    pid: process.pid,
    threadId,
    time: Date.now(),
  }
  if (context.origin) record.origin = context.origin
  record.message = `the guard was tampered with (${record.event}): ${record.target} (${record.code})`
  const lines = [record.message, '']
  const test = describeTest(record.scope)
  if (test) lines.push(`  ${'test'.padEnd(10)} ${test}`)
  if (record.callSite) {
    const site = record.callSite
    lines.push(`  ${'called at'.padEnd(10)} ${site.file}:${site.line}:${site.column}`)
  }
  lines.push(
    `  ${'note'.padEnd(10)} leakgate put the guard back; what ran in between was not audited`,
    '',
    '  No rule allows this: remove the code that disturbs the guard (docs/errors/LEAKGATE_TAMPERED.md).',
  )
  return { record, message: lines.join('\n') }
}
