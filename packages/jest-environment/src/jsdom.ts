import { loadBaseEnvironment, refusingEnvironment, unsupportedBase } from './base.js'
import { type EnvironmentClass, makeLeakgateEnvironment } from './environment.js'
import { inTestRealm, unavailableInTestRealm } from './realm.js'

// `testEnvironment: '@leakgate/jest-environment/jsdom'`: jest-environment-jsdom with leakgate.
// The window is the test's realm: its eval/Function, inline <script> and on* attributes are
// audited; jsdom's own window setup (browser/Window.js) is trusted.

export { allowAudit } from '@leakgate/core'

const ENTRY = '@leakgate/jest-environment/jsdom'

function createJsdomEnvironment(): EnvironmentClass {
  if (inTestRealm()) {
    return class {
      constructor() {
        unavailableInTestRealm(ENTRY)
      }
    } as unknown as EnvironmentClass
  }
  // An unsupported Jest is refused before its environment is loaded (Jest 24 to 27 construct
  // environments differently and crashed inside ours; Jest 28 ran without any test failing).
  // Before Jest 28 jest-environment-jsdom came with jest, nested where a project cannot resolve
  // it: then jest's own version says it (not 'install jest-environment-jsdom@30').
  const refusal = unsupportedBase('jest-environment-jsdom') ?? unsupportedBase('jest')
  if (refusal) return refusingEnvironment(refusal)
  const Base = loadBaseEnvironment(
    'jest-environment-jsdom',
    () =>
      new Error(
        `${ENTRY} needs jest-environment-jsdom, which is not installed (since Jest 28 it is a separate package).\n` +
          'Install the version that matches your jest, e.g.: npm i -D jest-environment-jsdom@30\n' +
          `Or use testEnvironment: '@leakgate/jest-environment' for tests that need no DOM.`,
      ),
  )
  return makeLeakgateEnvironment(Base)
}

/** jest-environment-jsdom with leakgate. */
export const TestEnvironment: EnvironmentClass = createJsdomEnvironment()
export default TestEnvironment
