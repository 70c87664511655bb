import { createRequire } from 'node:module'
import path from 'node:path'

// Jest's packages are the project's own: resolved from the directory Jest runs in first (the
// copy that matches the project's jest), then from this package (its peer dependencies). The order matters when this package is linked into a project
// (npm link, a workspace, a test matrix): its own resolution would find another Jest.

export const ownRequire = createRequire(import.meta.url)

/** The file `name` resolves to for this project, or undefined when it is not installed. */
export function resolveFromProject(name: string, roots: readonly (string | undefined)[] = []): string | undefined {
  for (const base of [...roots, process.cwd()]) {
    if (!base) continue
    try {
      return createRequire(path.join(base, 'noop.js')).resolve(name)
    } catch {
      // not installed there
    }
  }
  try {
    return ownRequire.resolve(name)
  } catch {
    return undefined
  }
}
