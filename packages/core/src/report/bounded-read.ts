import fs from 'node:fs'

// Reading a file the gate was pointed at, bounded: only a regular file, and at most `limit`
// bytes. `leakgate report /dev/zero` must not read until the machine runs out of memory, and a
// named pipe must not block the CI job waiting for a writer.

/** Why a file could not be read: one phrase, to follow the file's name in a message. */
export class ReadProblem extends Error {
  constructor(
    readonly kind: 'missing' | 'directory' | 'special' | 'too-large' | 'unreadable',
    message: string,
    /** The file's size, when known (too-large). */
    readonly size?: number,
  ) {
    super(message)
  }
}

/** `1.5 MiB`, `64 MiB`, `812 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}

/** What a non-regular file is, in words. */
export function describeFileType(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory'
  if (stat.isCharacterDevice()) return 'a character device'
  if (stat.isBlockDevice()) return 'a block device'
  if (stat.isFIFO()) return 'a named pipe'
  if (stat.isSocket()) return 'a socket'
  return 'not a regular file'
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (absent on Windows,
// where FIFOs are not files anyway).
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)
const CHUNK = 1 << 16

/**
 * The bytes of a regular file, at most `limit` of them. Throws ReadProblem otherwise. The
 * size is checked before reading and again while reading: /proc files say 0 and have content.
 */
export function readBoundedFile(file: string, limit: number): Buffer {
  let fd: number
  try {
    fd = fs.openSync(file, OPEN_FLAGS)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new ReadProblem('missing', 'no such file')
    if (code === 'EISDIR') throw new ReadProblem('directory', 'is a directory')
    if (code === 'EACCES' || code === 'EPERM') throw new ReadProblem('unreadable', 'cannot be read (permission denied)')
    if (code === 'ENOTDIR') throw new ReadProblem('missing', 'no such file (a part of the path is not a directory)')
    throw new ReadProblem('unreadable', `cannot be read (${(error as Error).message})`)
  }
  try {
    const stat = fs.fstatSync(fd)
    if (stat.isDirectory()) throw new ReadProblem('directory', 'is a directory')
    if (!stat.isFile()) throw new ReadProblem('special', `is ${describeFileType(stat)}`)
    if (stat.size > limit) throw new ReadProblem('too-large', `is ${formatBytes(stat.size)}`, stat.size)
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total))
      const read = fs.readSync(fd, chunk, 0, chunk.length, null)
      if (read === 0) break
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read))
      total += read
      if (total > limit) throw new ReadProblem('too-large', `is more than ${formatBytes(limit)}`)
    }
    return Buffer.concat(chunks, total)
  } catch (error) {
    if (error instanceof ReadProblem) throw error
    throw new ReadProblem('unreadable', `cannot be read (${(error as Error).message})`)
  } finally {
    fs.closeSync(fd)
  }
}
