import { sha256 } from './sha256.js'

const fs = process.getBuiltinModule('node:fs')
const path = process.getBuiltinModule('node:path')
const url = process.getBuiltinModule('node:url')

// Known-benign DIRECT evals, allowed by default where `eval` is looked up (rules/benign.ts has
// the shapes of the Function family; the reasons are the same). A direct `eval(x)` needs the real
// %eval% at its lookup, before its code is known (realm.ts tameEval): what is proven here is the
// call SITE, and through it the code. A site is one `eval(` of one published file, proven by:
// - the lookup's caller is a script named after a file (not code compiled from a string), at the
//   line and column of that `eval(`;
// - the whole file, read once per path through the fs captured at load, has the content hash of
//   one of the published versions; in it, the code that `eval(` compiles is fixed text with at
//   most an arity in it, from the package's own locals.
//
// What a test could do with it, knowing it is there:
// - copy the file elsewhere, or require it again: the `eval(` still compiles the package's fixed
//   text, in the copy's own scope (its own locals): nothing the package itself does not;
// - call the package's function with its own argument: what reaches the text is a number (see
//   each site), and the one prototype method the text goes through is checked at the lookup
//   (`String.prototype.substr` for depd: replaced, it would put the caller's text in the
//   parameter list, so a replaced one refuses as before);
// - compile other text under the file's name, or rewrite the file between its load and the
//   lookup, so that another `eval(` sits there: that needs code compiled undecided already (a
//   module loaded from a file is trusted as such, Trust and cost), which could do what it likes
//   without the real eval. Such a script is what a test that writes a file and requires it has.
//
// Found in popular packages:
// - depd 1.x's `wrapfunction` (express <= 4.17, body-parser 1.19, http-errors 1.x under koa 2's
//   http-assert): `eval('(function (' + args + ') {\n"use strict"\nlog.call(deprecate, message,
//   site)\nreturn fn.apply(this, arguments)\n})')`, `args` being `createArgumentsString(fn.length)`:
//   `', arg' + i` for numbers `i` from 0 while `i < arity`, then `.substr(2)`; a length that is
//   no number compares as one (NaN: no names) or throws (a Symbol), so `args` is `arg0, arg1, …`.

export interface BenignSite {
  /** Shown as the allowing rule: `benign shape: <name>`. */
  name: string
  /** The code its `eval(` compiles, for the report (the arity elided). */
  code: string
  /** The file's base name. */
  basename: string
  /** sha256 of the whole file (hex) → the `eval(`'s 1-based line and column. */
  versions: ReadonlyMap<string, { line: number; column: number }>
  /** What the generated text goes through that a caller could replace: still the realm's own? */
  intact(realm: RealmIntrinsics): boolean
}

/** What a realm's sites depend on, captured when it is tamed (before the code under test runs). */
export interface RealmIntrinsics {
  stringPrototype: object | undefined
  substr: unknown
}

const getOwn = Reflect.getOwnPropertyDescriptor

/** Read from the realm's `String.prototype` when it is tamed. */
export function realmIntrinsics(global: typeof globalThis): RealmIntrinsics {
  try {
    const stringPrototype = (global.String as { prototype?: unknown } | undefined)?.prototype
    if (typeof stringPrototype !== 'object' || stringPrototype === null)
      return { stringPrototype: undefined, substr: undefined }
    return { stringPrototype, substr: getOwn(stringPrototype, 'substr')?.value }
  } catch {
    return { stringPrototype: undefined, substr: undefined }
  }
}

const DEPD_CODE =
  '(function (arg0, …) {\n"use strict"\nlog.call(deprecate, message, site)\nreturn fn.apply(this, arguments)\n})'

export const BENIGN_SITES: readonly BenignSite[] = [
  {
    name: "depd's deprecation wrapper",
    code: DEPD_CODE,
    basename: 'index.js',
    // `npm pack depd@<version>`: package/index.js.
    versions: new Map([
      ['70adeb01ba230d56f6a3922d4154307c4b8e57f267eef6a210b786a9bfe51eb4', { line: 410, column: 22 }], // 1.0.0
      ['72ef058e4d1e575f18921b21f9c78a2e5860772c25cb931da518fd5f02a3a4b9', { line: 417, column: 22 }], // 1.0.1
      ['432ad340b0086573d3e0fecf3643946a38097cf6a02d9b36b5fec278c3c122ae', { line: 409, column: 22 }], // 1.1.0
      ['ddd58904ac9a22618dde870eb6aeee95071815f69dba8c2d2233ab29b4742dfa', { line: 408, column: 22 }], // 1.1.1
      ['244dbbca14b8aa9c9b6be04912283ab704b92f11dcb9b23beb2ba81402fecc99', { line: 410, column: 22 }], // 1.1.2
    ]),
    intact(realm) {
      const proto = realm.stringPrototype
      if (proto === undefined || typeof realm.substr !== 'function') return false
      const own = getOwn(proto, 'substr')
      return own !== undefined && own.value === realm.substr
    },
  },
]

// Captured at load, before the code under test runs: a replaced `fs.readFileSync` must not
// vouch for a file.
const readFileSync = fs.readFileSync

/** Lines any site is on: a lookup elsewhere costs one set lookup. */
const LINES: ReadonlySet<number> = new Set(
  BENIGN_SITES.flatMap((site) => [...site.versions.values()].map((at) => at.line)),
)

/** path → the file's sha256, or null when it cannot be read. */
const hashes = new Map<string, string | null>()
const MAX_HASHES = 1024

function fileHash(file: string): string | null {
  let known = hashes.get(file)
  if (known === undefined) {
    try {
      known = sha256(Reflect.apply(readFileSync, fs, [file]) as Uint8Array)
    } catch {
      known = null
    }
    if (hashes.size >= MAX_HASHES) hashes.clear()
    hashes.set(file, known)
  }
  return known
}

/** The benign site this lookup of `eval` (its caller's call site) is, if any. */
export function matchBenignSite(site: NodeJS.CallSite | undefined, realm: RealmIntrinsics): BenignSite | undefined {
  if (!site || site.isEval()) return undefined
  const line = site.getLineNumber()
  if (line === null || !LINES.has(line)) return undefined
  const column = site.getColumnNumber()
  const name = site.getFileName()
  if (typeof name !== 'string') return undefined
  let file: string
  try {
    file = name.startsWith('file://') ? url.fileURLToPath(name) : name
  } catch {
    return undefined
  }
  if (!path.isAbsolute(file)) return undefined
  const base = path.basename(file)
  for (const candidate of BENIGN_SITES) {
    if (candidate.basename !== base) continue
    const digest = fileHash(file)
    if (digest === null) return undefined
    const at = candidate.versions.get(digest)
    if (at && at.line === line && at.column === column && candidate.intact(realm)) return candidate
  }
  return undefined
}
