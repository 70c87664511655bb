// Node's builtin modules as they are now, without loading one: `process.getBuiltinModule()`
// loads what it names (compiling `node:http2` or `node:inspector` costs milliseconds), so code
// that only needs to recognise an object among the builtins asks first whether it is loaded.

let seen = 0
const loaded = new Set<string>()
/** Public ids whose exports are an internal module's, loaded without the public id being listed. */
const LOADED_AS: Record<string, string> = { 'dns/promises': 'internal/dns/promises' }

/** Is the builtin `id` (`http`, `dns/promises`) loaded in this thread? */
export function isBuiltinLoaded(id: string): boolean {
  // Node's list of the builtins it loaded, in order (append-only): read once per new entry.
  const list = (process as unknown as { moduleLoadList?: readonly string[] }).moduleLoadList
  // Not there (another runtime): say loaded, and let the caller load it, as it did before.
  if (!Array.isArray(list)) return true
  for (; seen < list.length; seen++) {
    const entry = list[seen] as string
    if (entry.startsWith('NativeModule ')) loaded.add(entry.slice('NativeModule '.length))
  }
  return loaded.has(id) || (Object.hasOwn(LOADED_AS, id) && loaded.has(LOADED_AS[id] as string))
}

/** Exports of loaded builtins, by id (a builtin's exports object never changes). */
const exportsById = new Map<string, unknown>()

/** The exports of the builtin `id` if it is loaded already; never loads it. */
export function loadedBuiltin(id: string): unknown {
  if (exportsById.has(id)) return exportsById.get(id)
  if (!isBuiltinLoaded(id)) return undefined
  let exports: unknown
  try {
    exports = process.getBuiltinModule(`node:${id}`)
  } catch {
    return undefined
  }
  exportsById.set(id, exports)
  return exports
}

/**
 * Can this thread require Node's internal modules (`--expose-internals`)? Asked of Node itself,
 * so every spelling it accepts (`--expose_internals`; `--expose-internals=false` exposes them too)
 * answers the same.
 */
export function internalsExposed(): boolean {
  return process.getBuiltinModule('node:module').isBuiltin('internal/test/binding')
}
