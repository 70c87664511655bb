import type { Engine, Outcome } from '../engine.js'
import { BLOCKED_CODES, LeakgateError } from '../errors.js'
import type { RuleCategory as Category } from '../events.js'
import type { DecideRequest } from '../policy.js'

// If the guard's own code fails on a call, the call is still decided: an interceptor runs its
// reading and deciding inside `decideSafely`, and an error there (a bug, or a platform the
// guard did not expect: a polyfill that broke a builtin, a throwing Error.prepareStackTrace)
// becomes a decision on an unreadable call. Only a rule that reads nothing of the call allows
// it (`true`, `'*'`, `{ from }`); otherwise it is a violation: refused in enforce mode, recorded
// in report mode. Never a crash of the caller, never a silent allow.

type Skip = (...args: never[]) => unknown

/** Runs `decide`; an error thrown by the guard's own code becomes a decision. */
export function decideSafely(
  engine: Engine,
  category: Category,
  event: string,
  skip: Skip,
  decide: () => Outcome,
): Outcome {
  try {
    return decide()
  } catch (error) {
    return decideUnreadable(engine, category, event, skip, describe(error))
  }
}

/** Decides a call the guard could not read, on nothing but the rules that read nothing. */
export function decideUnreadable(engine: Engine, category: Category, event: string, skip: Skip, why: string): Outcome {
  const target = `<leakgate could not read this call: ${why}>`
  const request: DecideRequest =
    category === 'net'
      ? { category, target: { host: target, anyPort: true } }
      : category === 'exec'
        ? { category, commands: [{ file: '', args: [], unreadable: true }] }
        : { category }
  try {
    return engine.check({ category, event, target, decide: request, args: [], suggestion: 'true', skip })
  } catch (again) {
    // The engine itself failed: nothing can be recorded. Closed in enforce mode.
    if (engine.mode !== 'enforce') return { ok: true }
    const message = `blocked ${event}: leakgate could not read this call (${why}; then ${describe(again)})`
    return { ok: false, error: new LeakgateError(BLOCKED_CODES[category], message) }
  }
}

function describe(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`
    return String(error)
  } catch {
    return 'an error that cannot be shown'
  }
}
