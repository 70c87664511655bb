// Anchored glob matching where `*` stands for any run of characters (possibly empty).
// Deliberately not a RegExp built from user text: no escaping bugs, no catastrophic backtracking.

/** True when `pattern` (with `*` wildcards) matches all of `text`. Case-sensitive. */
export function matchGlob(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text
  const parts = pattern.split('*')
  const first = parts[0] as string
  const last = parts[parts.length - 1] as string
  if (!text.startsWith(first)) return false
  if (text.length < first.length + last.length) return false
  if (!text.endsWith(last)) return false
  let position = first.length
  const end = text.length - last.length
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string
    const found = text.indexOf(part, position)
    if (found === -1 || found + part.length > end) return false
    position = found + part.length
  }
  return true
}
