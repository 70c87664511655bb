import type { Engine } from './engine.js'
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

/**
 * The program is the code under test: uninstall() or install() from it is tampering, and so is
 * anything that disturbs the guard (LEAKGATE_TAMPERED). Checked when the process exits: each
 * one is printed on stderr and, in enforce mode, the exit code becomes 1.
 */
function guardUntilExit(engine: Engine): void {
  if (engine.policy.mode === 'off') return
  engine.seal()
  process.on('exit', function checkGuard() {
    const found = engine.verifyIntegrity()
    if (found.length > 0) engine.recordTampering(engine.tracker.run, found, checkGuard)
    const tampered = engine.tracker.run.violations.filter((record) => record.category === 'tamper')
    if (tampered.length === 0) return
    for (const record of tampered)
      process.stderr.write(`leakgate: ${engine.errorFor(record)?.message ?? record.message}\n`)
    engine.recorder.flush()
    if (engine.policy.mode === 'enforce') process.exitCode = 1
  })
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
  const engine = install(options)
  tameRealm(globalThis)
  guardUntilExit(engine)
} catch (error) {
  if (LeakgateError.is(error) && error.code === 'LEAKGATE_INVALID_OPTION') {
    const where =
      raw !== undefined && !error.message.includes('(environment)') ? '\n\n  in LEAKGATE_OPTIONS (environment)' : ''
    refuse(`${error.message}${where}`)
  }
  throw error
}
