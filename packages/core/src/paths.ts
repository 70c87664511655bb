const path = process.getBuiltinModule('node:path')

// path.relative normalises both paths on every call; reports and messages ask about the same
// few files over and over.
const relatives = new Map<string, string>()

/** `file` relative to `root` with forward slashes, or unchanged when outside the root or not a path. */
export function relativeTo(root: string, file: string): string {
  if (!path.isAbsolute(file)) return file
  const key = `${root}\u0000${file}`
  let out = relatives.get(key)
  if (out === undefined) {
    const relative = path.relative(root, file)
    out =
      relative === '' || relative.startsWith('..') || path.isAbsolute(relative)
        ? file
        : relative.split(path.sep).join('/')
    if (relatives.size > 4096) relatives.clear()
    relatives.set(key, out)
  }
  return out
}
