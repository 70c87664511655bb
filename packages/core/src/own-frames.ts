import { fileURLToPath } from 'node:url'

// Each adapter runs every test inside its scope (a wrapper around the test function, the
// engine's runInScope, AsyncLocalStorage.run): those frames sit under the test's own in the
// stack of every error a test throws, assertion failures included. They say nothing about the
// failure, and runners show them (Jest prints every frame outside its own packages). Hidden
// once the test has ended, in the errors the runner is about to print; the code under test
// never sees a changed error.

/** The file of one V8 stack line (`    at fn (file:1:2)`, `    at file:1:2`); undefined otherwise. */
function fileOfFrame(line: string): string | undefined {
  const match = /^\s*at (.*):\d+:\d+\)?\s*$/.exec(line)
  if (!match) return undefined
  let location = match[1] as string
  const open = location.lastIndexOf(' (')
  if (open !== -1) location = location.slice(open + 2)
  else if (location.startsWith('async ')) location = location.slice('async '.length)
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location)
    } catch {
      return location
    }
  }
  return location
}

function isNodeFrame(file: string): boolean {
  return file.startsWith('node:') || file.startsWith('internal/') || file === '<anonymous>'
}

/**
 * The stack without leakgate's frames: a run of frames that are leakgate's own (in `dirs`) or
 * Node's between them (AsyncLocalStorage.run) is dropped when it holds at least one of ours.
 */
export function withoutOwnFrames(stack: string, dirs: readonly string[]): string {
  const lines = stack.split('\n')
  const keep = lines.map(() => true)
  let runStart = -1
  let runHasOwn = false
  const close = (end: number) => {
    if (runStart !== -1 && runHasOwn) for (let i = runStart; i < end; i++) keep[i] = false
    runStart = -1
    runHasOwn = false
  }
  for (let i = 0; i < lines.length; i++) {
    const file = fileOfFrame(lines[i] as string)
    const own = file !== undefined && dirs.some((dir) => file.startsWith(dir))
    if (file !== undefined && (own || isNodeFrame(file))) {
      if (runStart === -1) runStart = i
      runHasOwn ||= own
    } else {
      close(i)
    }
  }
  close(lines.length)
  return keep.every(Boolean) ? stack : lines.filter((_, i) => keep[i]).join('\n')
}

/**
 * Hides leakgate's frames in the stack of `error`, its causes and the errors it aggregates
 * (real errors, or the plain copies a runner made of them). Never throws.
 */
export function hideOwnFrames(error: unknown, dirs: readonly string[], seen = new Set<unknown>()): void {
  if (error === null || typeof error !== 'object' || seen.has(error) || seen.size > 32) return
  seen.add(error)
  try {
    const target = error as { stack?: unknown; cause?: unknown; errors?: unknown }
    const stack = target.stack
    if (typeof stack === 'string') {
      const shorter = withoutOwnFrames(stack, dirs)
      if (shorter !== stack) {
        const own = Object.getOwnPropertyDescriptor(error, 'stack')
        if (!own || 'value' in own) {
          Object.defineProperty(error, 'stack', {
            value: shorter,
            writable: true,
            configurable: true,
            enumerable: own?.enumerable ?? false,
          })
        } else if (own.set) {
          target.stack = shorter
        }
      }
    }
    hideOwnFrames(target.cause, dirs, seen)
    if (Array.isArray(target.errors)) for (const inner of target.errors) hideOwnFrames(inner, dirs, seen)
  } catch {
    // A frozen error, a throwing getter: shown as it is.
  }
}
