import type { Mode } from './events.js'

// The one place a run's mode is decided, for the workers (normalizeOptions) and for the
// collector in the runner's main process alike: the environment's LEAKGATE_MODE wins over the
// configuration, as everywhere in leakgate.

export const MODES: readonly Mode[] = ['enforce', 'report', 'off']

export function isMode(value: unknown): value is Mode {
  return MODES.includes(value as Mode)
}

/**
 * The mode of a run: `LEAKGATE_MODE` when it names a mode, else the strictest of the modes its
 * projects were configured with (enforce, then report, then off; one not set is enforce), else
 * enforce. A bad value is ignored here: the options' validation refuses it where it is read.
 */
export function resolveMode(configured: Iterable<unknown>, env: NodeJS.ProcessEnv = process.env): Mode {
  if (isMode(env.LEAKGATE_MODE)) return env.LEAKGATE_MODE
  let strictest: Mode | undefined
  for (const value of configured) {
    const mode = isMode(value) ? value : 'enforce'
    if (strictest === undefined || MODES.indexOf(mode) < MODES.indexOf(strictest)) strictest = mode
  }
  return strictest ?? 'enforce'
}
