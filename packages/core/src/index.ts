import type { AuditHook } from './engine.js'
import type { AllowRules } from './options.js'
import { getEngine } from './runtime.js'

export type { ChildContext } from './child-context.js'
export type { AuditHook, AuditInfo, CheckRequest, Engine, Outcome } from './engine.js'
export { ERROR_CODES, type LeakgateCode, withCode } from './error-codes.js'
export { ERROR_BRAND, LeakgateError, type LeakgateErrorCode } from './errors.js'
export type {
  AuditRecord,
  CallSite,
  Category,
  Decision,
  EventScope,
  Mode,
  Phase,
  RuleSource,
} from './events.js'
export { MAX_EVENTS_PER_TEST, MAX_LISTED_VIOLATIONS } from './limits.js'
export {
  describeTest,
  formatRecordedViolation,
  formatShortMessage,
  formatViolation,
  moreViolationsLine,
  retellViolation,
} from './message.js'
export { isMode, MODES, resolveMode } from './mode.js'
export { describeValue, withoutFrames } from './option-error.js'
export type {
  AllowRules,
  EvalRule,
  ExecRule,
  FromRule,
  LeakgateOptions,
  NetRule,
  ProjectRule,
} from './options.js'
export { outputPathProblem } from './output-path.js'
export { hideOwnFrames, withoutOwnFrames } from './own-frames.js'
export {
  BENIGN_GENERATORS,
  compileRules,
  DEFAULT_LOCAL,
  type DecideRequest,
  decide,
  isLocal,
  type Level,
  normalizeOptions,
  type Policy,
  type RuleSet,
} from './policy.js'
export { occurrenceKey, readRecords, recordKey } from './recorder.js'
export { redactErrorFields } from './redact.js'
export { parseAddress } from './rules/address.js'
export { getEngine, guardModuleClass, install, tameRealm, uninstall } from './runtime.js'
export { Scope } from './scope.js'
export { closest, didYouMean } from './suggest.js'
export {
  isSupportedVersion,
  SUPPORTED_FRAMEWORKS,
  type SupportedFramework,
  unsupportedJestMessage,
} from './support.js'
export type { TrustedOperation } from './trusted-operations.js'
export {
  type CheckContext,
  CORE_OPTION_KEYS,
  checkOptionKeys,
  OPTION_CHECKS,
  type OptionCheck,
  type OptionSpec,
} from './validate.js'

/**
 * Allows operations for the current scope: the running test, or the whole file when called at
 * its top level, or the run when called outside any file. Rules merge with what is allowed
 * already. Throws `LEAKGATE_INVALID_OPTION` on a malformed rule.
 *
 * ```ts
 * allowAudit({ net: ['staging.example.com:443'], exec: ['git'], eval: [{ from: 'ajv' }] })
 * ```
 */
export function allowAudit(rules: AllowRules): void {
  const engine = getEngine()
  engine.tracker.resolve().allow(rules)
  engine.rulesEpoch++
}

/**
 * Adds a hook that sees every audited event before the policy decides, like Python's
 * `sys.addaudithook`; throwing refuses the operation. Operations on this machine and the test
 * framework's own code generation are never audited. Returns a function that removes the hook.
 */
export function addAuditHook(hook: AuditHook): () => void {
  if (typeof hook !== 'function') {
    throw new TypeError(`addAuditHook() needs a function, got ${typeof hook}`)
  }
  const engine = getEngine()
  engine.hooks.push(hook)
  return () => {
    const at = engine.hooks.indexOf(hook)
    if (at !== -1) engine.hooks.splice(at, 1)
  }
}

/** Raises an event of your own, like Python's `sys.audit`: every audit hook sees it. */
export function audit(event: string, ...args: unknown[]): void {
  getEngine().audit(event, args)
}
export { VERSION } from './version.js'
