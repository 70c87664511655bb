import { LeakgateError } from './errors.js'

// The error every refused option becomes. Its message names the key, the bad value, the valid
// forms and, when one is close, what was probably meant. It carries no stack frames: runners
// print an error's stack, and frames inside leakgate say nothing about the user's config
// (Vitest showed ten of them under "Startup Error"; register mode an uncaught-exception dump).

/** A value as a message shows it: strings quoted and cut short, objects as short JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 60
      ? `${JSON.stringify(value.slice(0, 59))}… (${value.length} characters)`
      : JSON.stringify(value)
  }
  if (Array.isArray(value)) {
    const json = safeJson(value)
    return json !== undefined && json.length <= 80 ? json : `an array of ${value.length}`
  }
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? 'a function' : typeof value === 'symbol' ? 'a symbol' : String(value)
  }
  const json = safeJson(value)
  if (json !== undefined && json.length <= 80) return json
  return Object.prototype.toString.call(value)
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

/** Makes a LeakgateError show as its message alone: no frames, no enumerable `code` dump. */
export function withoutFrames(error: LeakgateError): LeakgateError {
  Object.defineProperty(error, 'code', { value: error.code, enumerable: false, writable: false, configurable: true })
  // An accessor: a runner that prefixes the message (Jest names the reporter) shows it too.
  let assigned: string | undefined
  Object.defineProperty(error, 'stack', {
    get: () => assigned ?? `LeakgateError: ${error.message}`,
    set: (value: string) => {
      assigned = value
    },
    configurable: true,
  })
  // console.error(error) (Vitest's "Startup Error") inspects it: without frames Node would wrap
  // it in brackets. Say it as a sentence instead.
  Object.defineProperty(error, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => `LeakgateError: ${error.message}`,
    configurable: true,
  })
  return error
}

/**
 * `invalid leakgate option allow.net[0]: "loopbak" is not a range name; did you mean
 * 'loopback'? Valid forms: ...`. `label` opens the message (a reporter's options say whose).
 */
export function invalidOption(
  key: string,
  problem: string,
  forms?: string,
  label: (key: string) => string = (name) => `invalid leakgate option ${name}`,
): LeakgateError {
  const end = /[.?]$/.test(problem) ? '' : '.'
  const message = `${label(key)}: ${problem}${forms ? `${end} Valid forms: ${forms}` : ''}`
  return withoutFrames(new LeakgateError('LEAKGATE_INVALID_OPTION', message))
}
