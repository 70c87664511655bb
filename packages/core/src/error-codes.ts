// Every code leakgate gives what it throws or fails a run with, each with its page,
// docs/errors/<code>.md (a test holds the two lists together). A code is what to search for:
// the message can change between versions, the code does not.

export const ERROR_CODES = {
  LEAKGATE_NET_BLOCKED: 'a connection or a name lookup to anything but this machine was refused',
  LEAKGATE_EXEC_BLOCKED: 'a process start was refused',
  LEAKGATE_EVAL_BLOCKED: 'code compiled from a string was refused',
  LEAKGATE_TAMPERED: 'a test disturbed the guard',
  LEAKGATE_INVALID_OPTION: 'an option (or LEAKGATE_MODE) is not valid: refused at start',
  LEAKGATE_UNSUPPORTED: 'the runner, its version or its set-up cannot be guarded: refused at start',
  LEAKGATE_INCOMPLETE_RUN: 'the guard did not see every test file to its end: the gate refuses the report',
  LEAKGATE_REPORT_UNWRITABLE: 'the report could not be written when the run ended: the run fails',
  LEAKGATE_REPORT_INVALID: 'the gate could not use a report file',
  LEAKGATE_BASELINE_INVALID: 'the gate could not use a baseline file',
  LEAKGATE_USAGE: 'the leakgate command line was wrong',
} as const

export type LeakgateCode = keyof typeof ERROR_CODES

/**
 * Gives an error its code, as `error.code`, without changing what a runner prints: not
 * enumerable (runners print an error's own enumerable properties under its stack).
 */
export function withCode<E extends Error>(error: E, code: LeakgateCode): E & { readonly code: LeakgateCode } {
  Object.defineProperty(error, 'code', { value: code, enumerable: false, configurable: true })
  return error as E & { readonly code: LeakgateCode }
}
