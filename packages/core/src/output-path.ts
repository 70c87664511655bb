import type { Stats } from 'node:fs'

const fs = process.getBuiltinModule('node:fs')
const path = process.getBuiltinModule('node:path')

// Is a path somewhere leakgate can write a file? Asked at start (the CLI's --output, the
// reporters' report path), so a path that cannot work is refused with one line before any work
// instead of failing with a raw ENOTDIR stack at the end of a test run.

export interface OutputPathOptions {
  /** Also accept a device (`/dev/null`, `/dev/stdout`): the CLI writes in place; reporters rename into place. */
  allowDevices?: boolean
  /** How paths are shown in messages: relative to this directory when inside it. */
  shownFrom?: string
}

function show(file: string, from: string | undefined): string {
  if (from === undefined) return file
  const relative = path.relative(from, file)
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}

function writable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK)
    return true
  } catch {
    return false
  }
}

/**
 * What is wrong with writing `file` (absolute), as a phrase to follow its name, or undefined
 * when it can be written: it exists as a writable regular file, or it can be created (its
 * nearest existing ancestor is a writable directory).
 */
export function outputPathProblem(file: string, options: OutputPathOptions = {}): string | undefined {
  let stat: Stats | undefined
  try {
    stat = fs.statSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `cannot be written (${(error as Error).message})`
  }
  if (stat) {
    if (stat.isDirectory()) return 'is a directory; name a file'
    if (!stat.isFile() && !(options.allowDevices && stat.isCharacterDevice())) {
      return 'is not a regular file; name a file'
    }
    return writable(file) ? undefined : 'cannot be written (permission denied)'
  }
  // Find the nearest ancestor that exists: it must be a directory we can create things in.
  let dir = path.dirname(file)
  for (;;) {
    let ancestor: Stats | undefined
    try {
      ancestor = fs.statSync(dir)
    } catch {
      // missing: look further up
    }
    if (ancestor) {
      if (!ancestor.isDirectory())
        return `cannot be created: ${show(dir, options.shownFrom)} is a file, not a directory`
      if (!writable(dir))
        return `cannot be created: ${show(dir, options.shownFrom)} is not writable (permission denied)`
      return undefined
    }
    const parent = path.dirname(dir)
    if (parent === dir) return `cannot be created: ${dir} does not exist`
    dir = parent
  }
}
