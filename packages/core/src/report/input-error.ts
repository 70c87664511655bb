// Errors about the files the gate reads (reports, baselines) and the command line. The CLI
// prints `message` alone, one line that names the file, what is wrong and what to do, and
// exits 2: a broken input must never look like a clean run, nor like a stack trace.

export type InputErrorCode = 'LEAKGATE_REPORT_INVALID' | 'LEAKGATE_BASELINE_INVALID' | 'LEAKGATE_USAGE'

export class LeakgateInputError extends Error {
  readonly code: InputErrorCode
  /** The file at fault, when there is one. */
  readonly file?: string

  constructor(code: InputErrorCode, message: string, file?: string) {
    super(message)
    this.name = 'LeakgateInputError'
    this.code = code
    if (file !== undefined) this.file = file
  }

  static is(error: unknown): error is LeakgateInputError {
    return (
      error instanceof Error &&
      error.name === 'LeakgateInputError' &&
      typeof (error as { code?: unknown }).code === 'string'
    )
  }
}
