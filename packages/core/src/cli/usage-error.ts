import { LeakgateInputError } from '../report/input-error.js'

/** A command-line mistake: exit code 2 and a pointer to the command's --help. */
export function usageError(command: string, problem: string): LeakgateInputError {
  const help = command ? `leakgate ${command} --help` : 'leakgate --help'
  return new LeakgateInputError('LEAKGATE_USAGE', `${problem} See \`${help}\`.`)
}
