import type { EnvironmentClass } from './environment.js'
import { ownRequire, resolveFromProject } from './resolve.js'

/** Loads a Jest environment package's class, or throws `missing()` when it is not installed. */
export function loadBaseEnvironment(name: string, missing: () => Error): EnvironmentClass {
  const file = resolveFromProject(name)
  if (!file) throw missing()
  const exports = ownRequire(file) as { TestEnvironment?: EnvironmentClass; default?: EnvironmentClass }
  const Base = exports.TestEnvironment ?? exports.default
  if (typeof Base !== 'function') throw new TypeError(`${name} (${file}) does not export a test environment class`)
  return Base
}
