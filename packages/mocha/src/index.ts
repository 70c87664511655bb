import { locateMocha } from './locate.js'
import { patchMocha } from './plugin.js'

// `mocha --require @leakgate/mocha` (or `require: ['@leakgate/mocha']` in .mocharc): leakgate for
// the Mocha that runs. Options: a `leakgate` key in the Mocha config. Tests may import
// `allowAudit` from here or from `@leakgate/core`.

export type { AllowRules, LeakgateOptions } from '@leakgate/core'
export { allowAudit } from '@leakgate/core'
export type { LeakgateMochaOptions } from './options.js'
export { fileFailureTitle, MOCHA_FRAMEWORK_PATHS } from './plugin.js'

const found = locateMocha()
if (!found) {
  throw new Error(
    '@leakgate/mocha: cannot find the mocha package this process runs. Load it with `mocha --require @leakgate/mocha` ' +
      "(or require: ['@leakgate/mocha'] in .mocharc), with mocha installed in the project.",
  )
}
patchMocha(found.Mocha, found.version)
