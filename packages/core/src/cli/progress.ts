import type { CliIo } from './io.js'

// A one-line progress indicator on stderr for a large merge (`leakgate report` over many shard
// reports, or big ones): only on a terminal, where it is rewritten in place and cleared at the
// end, so logs and pipes never see it. Redrawn at most every 100 ms.

export const PROGRESS_MIN_FILES = 10
export const PROGRESS_MIN_BYTES = 8 * 1024 * 1024

export interface Progress {
  step(done: number, bytes: number): void
  end(): void
}

const NONE: Progress = { step() {}, end() {} }

export function readingProgress(io: CliIo, total: number, totalBytes: number, now = Date.now): Progress {
  if (!io.stderrIsTTY || (total < PROGRESS_MIN_FILES && totalBytes < PROGRESS_MIN_BYTES)) return NONE
  let last = 0
  let shown = false
  const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
  return {
    step(done, bytes) {
      const time = now()
      if (shown && time - last < 100 && done < total) return
      last = time
      shown = true
      io.stderr(
        `\r\u001b[Kleakgate: reading reports ${done}/${total} (${megabytes(bytes)} of ${megabytes(totalBytes)})`,
      )
    },
    end() {
      if (shown) io.stderr('\r\u001b[K')
    },
  }
}
