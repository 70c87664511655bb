import path from 'node:path'

/** `file` relative to `root` with forward slashes, or unchanged when outside the root or not a path. */
export function relativeTo(root: string, file: string): string {
  if (!path.isAbsolute(file)) return file
  const relative = path.relative(root, file)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return file
  return relative.split(path.sep).join('/')
}
