import {
  LeakgateError,
  type LeakgateOptions,
  normalizeOptions,
  OPTION_CHECKS,
  type OptionSpec,
  withoutFrames,
} from '@leakgate/core'

// Options come from Mocha's own configuration: a `leakgate` key in .mocharc.* (or in the
// `mocha` key of package.json), which Mocha hands to every Mocha instance as `options.leakgate`,
// in its workers too (--parallel). Core validates them; a mistake fails the run at start with a
// message that also says where the options live.

export const OPTIONS_KEY = 'leakgate'

export interface LeakgateMochaOptions extends Omit<LeakgateOptions, 'sinkDir' | 'root'> {
  /** Path of the JSON report, relative to the current directory (default `leakgate-report.json`), or `false`. */
  report?: string | false
}

export interface MochaSettings {
  /** Core options, with `root` (the current directory). */
  core: LeakgateOptions
  report: string | false
}

export const DEFAULT_REPORT = 'leakgate-report.json'

const SPEC: OptionSpec = {
  extra: { report: OPTION_CHECKS.outputFileOrFalse },
  managed: {
    sinkDir: 'the Mocha plugin manages its own sink; set `report` for where the report goes',
    root: 'the Mocha plugin uses the directory Mocha runs in as the root',
  },
  example: "leakgate: { allow: { net: ['api.example.com:443'] } }",
}

const WHERE =
  '  in the Mocha config:  .mocharc.*  leakgate: { ... }  (or "mocha": { "leakgate": { ... } } in package.json)'
const ENV_HINT = '  in the environment:  LEAKGATE_MODE=enforce, report or off (or unset it to use the config)'

/** The refusal for invalid options: no frames (they would point into this plugin), where to fix it. */
export function optionError(error: LeakgateError): LeakgateError {
  const fromEnv = /^invalid leakgate option LEAKGATE_MODE\b/.test(error.message)
  return withoutFrames(
    new LeakgateError('LEAKGATE_INVALID_OPTION', `${error.message}\n\n${fromEnv ? ENV_HINT : WHERE}`),
  )
}

/**
 * Reads and checks `options.leakgate` of a Mocha instance (undefined: none given). Throws
 * `LEAKGATE_INVALID_OPTION` naming the key, and where to fix it.
 */
export function readOptions(raw: unknown, cwd: string, env: NodeJS.ProcessEnv = process.env): MochaSettings {
  const given = raw === undefined ? {} : raw
  try {
    normalizeOptions(given as LeakgateOptions, env, { ...SPEC, base: cwd })
  } catch (error) {
    if (LeakgateError.is(error) && error.code === 'LEAKGATE_INVALID_OPTION') throw optionError(error)
    throw error
  }
  const { report = DEFAULT_REPORT, ...rest } = given as LeakgateMochaOptions
  return { core: { ...(JSON.parse(JSON.stringify(rest)) as LeakgateOptions), root: cwd }, report }
}
