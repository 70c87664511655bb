import { withCode } from '@leakgate/core'
// What the plugin runs on, and the messages for what it does not.

export const SUPPORTED_VITEST = 'Vitest 3.2, 4.x and 5.x'

/** The problem with this Vitest version, or undefined when it is supported. */
export function checkVitestVersion(version: string | undefined): string | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '')
  if (!match) return undefined // unknown (a fork or a local build): let it run
  const major = Number(match[1])
  const minor = Number(match[2])
  if ((major === 3 && minor >= 2) || major === 4 || major === 5) return undefined
  const advice =
    major < 3 || (major === 3 && minor < 2)
      ? 'Upgrade Vitest to 3.2 or later'
      : 'Check for a newer @leakgate/vitest-plugin'
  return `@leakgate/vitest-plugin supports ${SUPPORTED_VITEST}; this project runs Vitest ${version}. ${advice}, or remove leakgate() from the config.`
}

export const BROWSER_MODE_MESSAGE =
  'Vitest browser mode cannot be guarded: the tests run in a browser, where leakgate has no hook into ' +
  'sockets, processes or code generation. Use leakgate() in Node projects only: with `projects`, list it in ' +
  "each Node project's `plugins` rather than in the root config that browser projects extend."

/** What the plugin throws for an unsupported set-up; Vitest prints it and exits 1. */
export class LeakgateUnsupportedError extends Error {
  override name = 'LeakgateUnsupportedError'
}

export function unsupported(message: string): Error {
  return withCode(new LeakgateUnsupportedError(`leakgate: ${message}`), 'LEAKGATE_UNSUPPORTED')
}
