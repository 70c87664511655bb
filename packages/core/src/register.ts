import { LeakgateError } from './errors.js'
import { install, tameRealm } from './runtime.js'

// `node --require @leakgate/core/register app.js`: leakgate for any Node program, no test
// framework needed. Options come from the environment: LEAKGATE_MODE, and LEAKGATE_OPTIONS
// holding the same JSON object `install()` takes.
//
// Bad options stop the program before it runs, with the message alone on stderr and exit
// code 1: a guard that cannot be configured must not let the program run unguarded, and an
// uncaught-exception dump of leakgate's own frames would bury the one line that matters.

function refuse(message: string): never {
  process.stderr.write(`leakgate: ${message}\n`)
  process.exit(1)
}

const raw = process.env.LEAKGATE_OPTIONS
let options: object | undefined
if (raw) {
  try {
    options = JSON.parse(raw) as object
  } catch (error) {
    refuse(
      `invalid leakgate option LEAKGATE_OPTIONS (environment): not valid JSON (${(error as Error).message.split('\n', 1)[0]}). Write a JSON object like {"mode":"report","allow":{"exec":["git"]}}.`,
    )
  }
}
try {
  install(options)
  tameRealm(globalThis)
} catch (error) {
  if (LeakgateError.is(error) && error.code === 'LEAKGATE_INVALID_OPTION') {
    const where =
      raw !== undefined && !error.message.includes('(environment)') ? '\n\n  in LEAKGATE_OPTIONS (environment)' : ''
    refuse(`${error.message}${where}`)
  }
  throw error
}
