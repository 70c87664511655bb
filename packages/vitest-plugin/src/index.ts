export type { AllowRules, EvalRule, ExecRule, FromRule, NetRule } from '@leakgate/core'
// For tests: the same function as @leakgate/core's (one engine per process, whichever copy).
export { allowAudit } from '@leakgate/core'
export { DEFAULT_REPORT, type LeakgatePluginOptions } from './options.js'
export { leakgate } from './plugin.js'
