import { parseArgs } from 'node:util'
import { closest } from '../suggest.js'
import { usageError } from './usage-error.js'

// Flags parsed with node:util parseArgs in strict mode: an unknown flag or a missing value is a
// usage error (exit 2) that names the flag, never a silently ignored typo.

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

export function parseCommandArgs(command: string, args: readonly string[], options: OptionSpec): ParsedArgs {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    })
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const message = (error as Error).message
    const flag = /'.*?(--[\w-]+)/.exec(message)?.[1] ?? /'(-[^'\s]+)'/.exec(message)?.[1]
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const known = [...Object.keys(options), 'help'].map((name) => `--${name}`)
      const meant = flag?.startsWith('--') ? closest(flag, known) : undefined
      const hint = meant ? ` Did you mean '${meant}'?` : ''
      throw usageError(command, `unknown option ${flag ? `'${flag}'` : ''}.${hint}`.replace(' .', '.'))
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw usageError(
        command,
        `${flag ? `option '${flag}'` : 'an option'} ${/argument missing/.test(message) ? 'needs a value' : 'has an invalid value'}.`,
      )
    }
    throw usageError(command, message.split('\n', 1)[0] as string)
  }
}

/** The one value of a string flag (the last one wins when repeated). */
export function stringValue(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name]
  return typeof value === 'string' ? value : undefined
}
