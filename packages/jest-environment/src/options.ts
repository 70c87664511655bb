import { type Engine, install, LeakgateError, type LeakgateOptions } from '@leakgate/core'

// Options come from the Jest config: `testEnvironmentOptions: { leakgate: { ... } }` (also per
// file with a `@jest-environment-options` docblock). Core validates them; a bad one fails every
// suite with a message that says where in the Jest config it was found.

export const OPTIONS_KEY = 'leakgate'

/** The options users set here, in the order the docs list them (core's `sinkDir` is the reporter's). */
const USER_KEYS = ['mode', 'allow', 'local', 'strict', 'inspectEval', 'root']

export interface JestConfigLike {
  globalConfig: { rootDir: string }
  projectConfig: { rootDir: string; testEnvironmentOptions?: Record<string, unknown> }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === null || Object.getPrototypeOf(proto) === null
}

/** The raw `leakgate` entry of the project's testEnvironmentOptions (undefined when absent). */
export function rawOptionsOf(config: JestConfigLike): unknown {
  return config.projectConfig.testEnvironmentOptions?.[OPTIONS_KEY]
}

/** The options to install with: the user's, with the run's rootDir as the default root. */
export function readOptions(config: JestConfigLike): LeakgateOptions {
  const raw = rawOptionsOf(config)
  if (raw === undefined) return { root: config.globalConfig.rootDir }
  if (!isPlainObject(raw)) {
    throw configError(
      `invalid leakgate option (options): expected an object like { mode: 'enforce', allow: { net: [...] } }, got ${describeValue(raw)}`,
    )
  }
  if ('sinkDir' in raw) {
    throw configError(
      'invalid leakgate option sinkDir: the leakgate reporter manages where events go; set its `outputFile` for where the report goes',
    )
  }
  for (const key of Object.keys(raw)) {
    if (!USER_KEYS.includes(key)) {
      throw configError(`invalid leakgate option ${key}: unknown option. Valid options: ${USER_KEYS.join(', ')}`)
    }
  }
  return { root: config.globalConfig.rootDir, ...(raw as LeakgateOptions) }
}

/** install() with a message that points at the Jest config when the options are invalid. */
export function installFromConfig(options: LeakgateOptions): Engine {
  try {
    return install(options)
  } catch (error) {
    if (LeakgateError.is(error) && error.code === 'LEAKGATE_INVALID_OPTION') throw configError(error.message)
    throw error
  }
}

function configError(message: string): LeakgateError {
  const full = `${message}\n\n  in the Jest config:  testEnvironmentOptions: { ${OPTIONS_KEY}: { ... } }`
  const error = new LeakgateError('LEAKGATE_INVALID_OPTION', full)
  // No frames: they would point into this adapter. Jest prints the message, then whatever of the
  // stack follows its first line, so the stack is that line alone.
  Object.defineProperty(error, 'stack', {
    value: `LeakgateError: ${error.shortMessage}`,
    writable: true,
    configurable: true,
  })
  return error
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return 'an array'
  if (value === null || typeof value !== 'object') return String(value)
  return Object.prototype.toString.call(value)
}
