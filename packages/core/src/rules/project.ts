import { matchGlob } from './glob.js'

// `{ project: 'src/templates/*' }`: the project's own files (issue 10.11). `{ from }` names a
// dependency, so a project whose own code generates code on purpose (a template engine in
// `src/`) had nothing narrower than `eval: true`. This rule allows what is called from the
// project's files matching a glob: the call site (the first frame of the project's own code,
// outside node_modules, the runner and Node), directly or through dependencies it calls.
//
// Paths are relative to the project root (`root`, the runner's root by default), with `/`;
// `*` matches any run of characters, `/` included (`src/templates/*` is every file below it).

/** Why a path is not a project rule; undefined when it is one. */
export function checkProjectPath(path: string): string | undefined {
  if (path.trim() === '') return 'is empty'
  if (path.length > 500) return 'is longer than 500 characters'
  const normalized = normalizeProjectPath(path)
  if (normalized.startsWith('/') || /^[a-z]:\//i.test(normalized))
    return 'is absolute; write it relative to the project root'
  if (normalized.split('/').includes('..')) return 'leaves the project (..)'
  if (normalized.split('/').includes('node_modules')) {
    return `is inside node_modules; for a dependency, write { from: 'package' }`
  }
  return undefined
}

/** `./src\\x.js` → `src/x.js`: the form call sites are compared in. */
export function normalizeProjectPath(path: string): string {
  return path
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
}

/** Does the project file (relative to the root, `/`-separated) match this rule's glob? */
export function matchProject(glob: string, file: string | undefined): boolean {
  return file !== undefined && matchGlob(glob, file)
}
