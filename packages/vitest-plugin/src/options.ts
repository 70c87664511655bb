import { type LeakgateOptions, type Mode, normalizeOptions, OPTION_CHECKS, type OptionSpec } from '@leakgate/core'

// The plugin's options: core's plus where to write the report. Core's validator checks them
// all (this file only declares the key the plugin adds and the one it manages), in the main
// process, so a mistake fails the run at start with a message naming the key.

export interface LeakgatePluginOptions extends Omit<LeakgateOptions, 'sinkDir'> {
  /**
   * Path of the JSON report, relative to the Vitest root (default `leakgate-report.json`), or
   * `false` for none.
   */
  report?: string | false
}

export interface PluginSettings {
  /** Core options for the workers, without `root` and `sinkDir` (set per project and run). */
  core: LeakgateOptions
  report: string | false
}

export const DEFAULT_REPORT = 'leakgate-report.json'

/** What leakgate() takes beyond core's options, for core's validator. */
export function pluginOptionSpec(root?: string): OptionSpec {
  const spec: OptionSpec = {
    extra: { report: OPTION_CHECKS.outputFileOrFalse },
    managed: { sinkDir: 'the Vitest plugin manages its own sink; set `report` for where the report goes' },
    example: "leakgate({ allow: { net: ['api.example.com:443'] } })",
  }
  if (root !== undefined) spec.base = root
  return spec
}

/**
 * Validates the plugin's options. Throws `LEAKGATE_INVALID_OPTION` naming the key. With `root`
 * (known from the config hook on), the report path is checked on disk too.
 */
export function normalizePluginOptions(options: LeakgatePluginOptions = {}, root?: string): PluginSettings {
  // Validation only: the policy itself is built in each worker. `{}` as env keeps a
  // LEAKGATE_MODE typo from hiding a mistake in the options themselves.
  normalizeOptions(options as LeakgateOptions, {}, pluginOptionSpec(root))
  const { report = DEFAULT_REPORT, ...rest } = options
  return { core: JSON.parse(JSON.stringify(rest)) as LeakgateOptions, report }
}

/** The mode the workers will use (core's resolver: env `LEAKGATE_MODE` wins); a bad value throws. */
export function effectiveMode(settings: PluginSettings, env: NodeJS.ProcessEnv = process.env): Mode {
  return normalizeOptions(settings.core, env).mode
}
