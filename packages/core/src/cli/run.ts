import { LeakgateInputError } from '../report/input-error.js'
import { closest } from '../suggest.js'
import { VERSION } from '../version.js'
import { runBaseline } from './baseline-command.js'
import { runDoctor } from './doctor-command.js'
import { MAIN_HELP } from './help.js'
import { runInit } from './init-command.js'
import type { CliIo } from './io.js'
import { runReport } from './report-command.js'
import { usageError } from './usage-error.js'

// The `leakgate` command: dispatch, and the one place errors become exit codes. Input and usage
// errors print their single line and exit 2; anything else is a bug in leakgate, printed with a
// pointer to LEAKGATE_DEBUG=1 for the stack rather than the stack itself.

export const EXIT = { clean: 0, violations: 1, usage: 2 } as const

type Command = (args: readonly string[], io: CliIo) => number | Promise<number>

const COMMANDS: Record<string, Command> = {
  report: runReport,
  baseline: runBaseline,
  doctor: runDoctor,
  init: runInit,
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? rest[0] : undefined
      if (topic && COMMANDS[topic]) return await (COMMANDS[topic] as Command)(['--help'], io)
      io.stdout(MAIN_HELP)
      return name === undefined ? EXIT.usage : EXIT.clean
    }
    if (name === '--version' || name === '-v') {
      io.stdout(`${VERSION}\n`)
      return EXIT.clean
    }
    const command = COMMANDS[name]
    if (!command) {
      const meant = closest(name, Object.keys(COMMANDS))
      const hint = meant ? ` Did you mean \`leakgate ${meant}\`?` : ''
      throw usageError('', `unknown command '${name}'; use ${Object.keys(COMMANDS).join(', ')}.${hint}`)
    }
    return await command(rest, io)
  } catch (error) {
    if (LeakgateInputError.is(error)) {
      io.stderr(`leakgate: ${error.message}\n`)
      return EXIT.usage
    }
    const detail = io.env.LEAKGATE_DEBUG ? `\n${(error as Error).stack}` : ' (set LEAKGATE_DEBUG=1 for the stack)'
    io.stderr(`leakgate: internal error: ${(error as Error).message}${detail}\n`)
    return EXIT.usage
  }
}
