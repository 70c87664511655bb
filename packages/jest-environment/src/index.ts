import { loadBaseEnvironment, refusingEnvironment, unsupportedBase } from './base.js'
import { type EnvironmentClass, makeLeakgateEnvironment } from './environment.js'
import { inTestRealm, unavailableInTestRealm } from './realm.js'

// `testEnvironment: '@leakgate/jest-environment'`: jest-environment-node with leakgate.
// Tests may import `allowAudit` from here (or use the global, or `@leakgate/core`).

export type { AllowRules, LeakgateOptions } from '@leakgate/core'
export { allowAudit } from '@leakgate/core'
export { type EnvironmentClass, makeLeakgateEnvironment } from './environment.js'
export { JEST_FRAMEWORK_PATHS } from './trust.js'

function createNodeEnvironment(): EnvironmentClass {
  if (inTestRealm()) {
    return class {
      constructor() {
        unavailableInTestRealm('@leakgate/jest-environment')
      }
    } as unknown as EnvironmentClass
  }
  // An unsupported Jest is refused before its environment is loaded (Jest 24 to 27 construct
  // environments differently and crashed inside ours; Jest 28 ran without any test failing).
  const refusal = unsupportedBase('jest-environment-node')
  if (refusal) return refusingEnvironment(refusal)
  const Base = loadBaseEnvironment(
    'jest-environment-node',
    () =>
      new Error(
        '@leakgate/jest-environment needs jest-environment-node (installed with jest). Install it: npm i -D jest-environment-node',
      ),
  )
  return makeLeakgateEnvironment(Base)
}

/** jest-environment-node with leakgate: the class `testEnvironment: '@leakgate/jest-environment'` loads. */
export const TestEnvironment: EnvironmentClass = createNodeEnvironment()
export default TestEnvironment
