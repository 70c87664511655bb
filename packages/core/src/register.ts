import { install, tameRealm } from './runtime.js'

// `node --require @leakgate/core/register app.js`: leakgate for any Node program, no test
// framework needed. Options come from the environment: LEAKGATE_MODE, and LEAKGATE_OPTIONS
// holding the same JSON object `install()` takes.

const raw = process.env.LEAKGATE_OPTIONS
let options: object | undefined
if (raw) {
  try {
    options = JSON.parse(raw) as object
  } catch (error) {
    throw new Error(`LEAKGATE_OPTIONS is not valid JSON: ${(error as Error).message}`)
  }
}
install(options)
tameRealm(globalThis)
