// What a command may touch, passed in so tests run commands in-process with fake streams.

export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  cwd: string
  env: NodeJS.ProcessEnv
  /** Whether stdout is a terminal (colour, when NO_COLOR is unset). */
  stdoutIsTTY: boolean
  /** Whether stderr is a terminal (the progress line of a large merge). */
  stderrIsTTY?: boolean
}

export function processIo(): CliIo {
  const write = (stream: NodeJS.WriteStream) => (text: string) => {
    stream.write(text)
  }
  // `leakgate report | head` closes the pipe early: that is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
    })
  }
  return {
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  }
}

/** Colour when stdout is a terminal and NO_COLOR is unset; FORCE_COLOR (not 0) forces it on. */
export function wantsColor(io: CliIo): boolean {
  const force = io.env.FORCE_COLOR
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false'
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false
  return io.stdoutIsTTY && io.env.TERM !== 'dumb'
}
