import { LeakgateError, type LeakgateOptions, normalizeOptions, type OptionSpec, withoutFrames } from '@leakgate/core'
import type { Session } from '@leakgate/core/session'
import { openJestSession } from './trust.js'

// Options come from the Jest config: `testEnvironmentOptions: { leakgate: { ... } }` (also per
// file with a `@jest-environment-options` docblock). Core validates them; a bad one fails every
// suite with a message that says where in the Jest config it was found.

export const OPTIONS_KEY = 'leakgate'

/** Core's `sinkDir` is the reporter's: refused here, for core's validator. */
const SPEC: OptionSpec = {
  managed: {
    sinkDir: 'the leakgate reporter manages where events go; set its `outputFile` for where the report goes',
  },
  example: "{ mode: 'enforce', allow: { net: [...] } }",
}

export interface JestConfigLike {
  globalConfig: { rootDir: string }
  projectConfig: { rootDir: string; testEnvironmentOptions?: Record<string, unknown> }
}

/** The raw `leakgate` entry of the project's testEnvironmentOptions (undefined when absent). */
export function rawOptionsOf(config: JestConfigLike): unknown {
  return config.projectConfig.testEnvironmentOptions?.[OPTIONS_KEY]
}

/**
 * The options to install with: the user's, with the run's rootDir as the default root. Checked
 * by core's validator; a mistake throws a message that also says where in the Jest config.
 */
export function readOptions(config: JestConfigLike): LeakgateOptions {
  const raw = rawOptionsOf(config)
  if (raw === undefined) return { root: config.globalConfig.rootDir }
  try {
    normalizeOptions(raw as LeakgateOptions, {}, SPEC)
  } catch (error) {
    if (LeakgateError.is(error) && error.code === 'LEAKGATE_INVALID_OPTION') throw configError(error.message)
    throw error
  }
  return { root: config.globalConfig.rootDir, ...(raw as LeakgateOptions) }
}

/**
 * This process's session with the project's options applied (readOptions), or a message that
 * points at the Jest config when they are invalid. Applied only when they differ from those in
 * force (a docblock's options, or a file after an in-band suspend, apply them again).
 */
export function openSessionFromConfig(config: JestConfigLike): Session {
  const options = readOptions(config)
  try {
    return openJestSession(options)
  } catch (error) {
    if (LeakgateError.is(error) && error.code === 'LEAKGATE_INVALID_OPTION') {
      // A bad LEAKGATE_MODE is in the environment: pointing at the Jest config would send the
      // user to a file that is fine.
      const fromEnv = /^invalid leakgate option LEAKGATE_MODE\b/.test(error.message)
      throw configError(error.message, fromEnv ? ENV_HINT : undefined)
    }
    throw error
  }
}

const ENV_HINT = '  in the environment:  LEAKGATE_MODE=enforce, report or off (or unset it to use the config)'

function configError(
  message: string,
  hint = `  in the Jest config:  testEnvironmentOptions: { ${OPTIONS_KEY}: { ... } }`,
): LeakgateError {
  const full = `${message}\n\n${hint}`
  // No frames: they would point into this adapter. Jest prints the message, then whatever of the
  // stack follows its first line, so the stack is that line alone.
  const error = withoutFrames(new LeakgateError('LEAKGATE_INVALID_OPTION', full))
  Object.defineProperty(error, 'stack', {
    value: `LeakgateError: ${error.shortMessage}`,
    writable: true,
    configurable: true,
  })
  return error
}
