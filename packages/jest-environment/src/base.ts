import { unsupportedJestMessage, withCode } from '@leakgate/core'
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

/** What an unsupported Jest gets: thrown where Jest reports it, the whole message, no stack. */
export function unsupportedJest(message: string): Error {
  const error = withCode(new Error(`leakgate: ${message}`), 'LEAKGATE_UNSUPPORTED')
  error.name = 'LeakgateUnsupportedError'
  Object.defineProperty(error, 'stack', {
    value: `${error.name}: ${error.message}`,
    configurable: true,
    writable: true,
  })
  return error
}

/**
 * The refusal for the Jest this environment would run under, read from the base environment
 * package's version (jest-environment-node and -jsdom are versioned with jest); undefined when
 * it is supported or cannot be read.
 */
export function unsupportedBase(name: string): string | undefined {
  const manifest = resolveFromProject(`${name}/package.json`)
  if (!manifest) return undefined
  try {
    return unsupportedJestMessage((ownRequire(manifest) as { version?: string }).version)
  } catch {
    return undefined
  }
}

/** A stand-in environment whose every construction fails with `message` (Jest reports it per file). */
export function refusingEnvironment(message: string): EnvironmentClass {
  return class {
    constructor() {
      throw unsupportedJest(message)
    }
  } as unknown as EnvironmentClass
}
