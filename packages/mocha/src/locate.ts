import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { MochaClass } from './mocha-types.js'

// The Mocha this process runs: the package the running CLI (bin/mocha.js), or the worker of a
// --parallel run (lib/nodejs/worker.cjs), belongs to, so the classes patched are the very ones
// that run the tests; else the one the project resolves (Mocha used through its API).

export interface FoundMocha {
  Mocha: MochaClass
  version: string | undefined
  dir: string
}

function realpath(file: string): string | undefined {
  try {
    return fs.realpathSync(file)
  } catch {
    return undefined
  }
}

/** Candidate files to resolve `mocha` from, most specific first. */
function origins(): string[] {
  const list: string[] = []
  const main = process.argv[1] && realpath(process.argv[1])
  if (main) list.push(main)
  list.push(path.join(process.cwd(), 'noop.js'))
  return list
}

export function locateMocha(): FoundMocha | undefined {
  for (const origin of origins()) {
    let manifest: string
    try {
      manifest = createRequire(origin).resolve('mocha/package.json')
    } catch {
      continue
    }
    const load = createRequire(manifest)
    const dir = path.dirname(manifest)
    const { version, main } = load(manifest) as { version?: string; main?: string }
    // Mocha 12's `main` is an ES module re-exporting lib/mocha.cjs: require(esm) gives its namespace.
    const loaded = load(path.join(dir, main ?? 'index.js')) as MochaClass | { default: MochaClass }
    const Mocha = typeof loaded === 'function' ? loaded : loaded.default
    if (typeof Mocha === 'function') return { Mocha, version, dir }
  }
  return undefined
}
