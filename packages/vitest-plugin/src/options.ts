import { LeakgateError, type LeakgateOptions, type Mode, normalizeOptions } from '@leakgate/core'

// The plugin's options: core's (validated by core, in the main process, so a typo fails the
// run at start with a message naming the key) plus where to write the report.

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

/** The options `leakgate()` takes, in the order the docs list them. */
const PLUGIN_KEYS = ['mode', 'allow', 'local', 'strict', 'inspectEval', 'root', 'report']

function invalid(key: string, problem: string): LeakgateError {
  return new LeakgateError('LEAKGATE_INVALID_OPTION', `invalid leakgate option ${key}: ${problem}`)
}

/** Validates the plugin's options. Throws `LEAKGATE_INVALID_OPTION` naming the key. */
export function normalizePluginOptions(options: LeakgatePluginOptions = {}): PluginSettings {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid('(options)', `leakgate() takes an object like { allow: { net: [...] } }, got ${String(options)}`)
  }
  const { report = DEFAULT_REPORT, ...rest } = options
  if ('sinkDir' in rest) {
    throw invalid('sinkDir', 'the Vitest plugin manages its own sink; set `report` for where the report goes')
  }
  for (const key of Object.keys(rest)) {
    if (!PLUGIN_KEYS.includes(key)) throw invalid(key, `unknown option. Valid options: ${PLUGIN_KEYS.join(', ')}`)
  }
  if (report !== false && (typeof report !== 'string' || report === '')) {
    throw invalid('report', `expected a file path or false, got ${JSON.stringify(report) ?? String(report)}`)
  }
  // Validation only: the policy itself is built in each worker. `{}` as env keeps a
  // LEAKGATE_MODE typo from hiding a mistake in the options themselves.
  normalizeOptions(rest, {})
  return { core: JSON.parse(JSON.stringify(rest)) as LeakgateOptions, report }
}

/** The mode the workers will use (env `LEAKGATE_MODE` wins, as in core). */
export function effectiveMode(settings: PluginSettings, env: NodeJS.ProcessEnv = process.env): Mode {
  return normalizeOptions(settings.core, env).mode
}
