const fs = process.getBuiltinModule('node:fs')
const path = process.getBuiltinModule('node:path')

// Report mode must record exactly what enforce mode would fail (issue 10.7). Enforce mode hands
// out a refusing function when `eval` is looked up, and only a call of it fails: a reference
// never called (get-intrinsic's `'%eval%': eval`, `typeof eval`) fails nothing. Report mode hands
// out a function that records and runs the code when called, the same decision, except where the
// lookup is a direct `eval(...)` call: only the real %eval% keeps a direct eval's local scope, so
// there the lookup itself is recorded (a call follows at once) and the real eval handed out.
//
// What the lookup is, is read from the source at the caller's position (V8's raw script offset:
// the start of the expression or statement that reads `eval`): the first `eval` written there,
// bare and followed by `(`, is a direct call. Sources are the compiled scripts' own (vm scripts,
// Module#_compile: framework-transformed and wrapped, as V8 holds them) noted in report mode, or
// the file on disk (Node's loader compiles files as they are). Unknown (no source, no `eval`
// written there): treated as a call, as before.

/**
 * A direct call (with its code when that is one plain string literal: what enforce mode would
 * record at the call), a reference, or unknown.
 */
export type EvalSite = { kind: 'call'; code?: string } | { kind: 'reference' } | { kind: 'unknown' }

const UNKNOWN: EvalSite = { kind: 'unknown' }
const REFERENCE: EvalSite = { kind: 'reference' }

/** Scripts kept (only those that mention `eval`, only in report mode); the oldest go first. */
const MAX_SOURCES = 512
/** How far past the position the scanner reads: one statement. */
const SCAN_LIMIT = 4096
const MENTIONS_EVAL = /\beval\b/

export class EvalSources {
  private readonly byFile = new Map<string, string>()
  private readonly sites = new Map<string, EvalSite>()

  /** Keeps a compiled script's source when it may look `eval` up. */
  note(file: unknown, source: unknown): void {
    if (typeof file !== 'string' || file === '' || typeof source !== 'string') return
    this.sites.clear()
    if (!MENTIONS_EVAL.test(source)) {
      this.byFile.delete(file)
      return
    }
    if (this.byFile.size >= MAX_SOURCES && !this.byFile.has(file)) {
      const oldest = this.byFile.keys().next().value
      if (oldest !== undefined) this.byFile.delete(oldest)
    }
    this.byFile.set(file, source)
  }

  /** What the lookup of `eval` at this call site (the getter's caller) is. */
  classify(site: NodeJS.CallSite | undefined): EvalSite {
    // Code compiled from a string (by Function or eval) has no source to read here.
    if (!site || site.isEval()) return UNKNOWN
    const file = site.getFileName() ?? site.getScriptNameOrSourceURL?.()
    const position = (site as { getPosition?: () => number }).getPosition?.()
    if (!file || typeof position !== 'number') return UNKNOWN
    const key = `${file}\u0000${position}`
    let kind = this.sites.get(key)
    if (kind === undefined) {
      const source = this.byFile.get(file) ?? readSource(file)
      kind = source === undefined ? UNKNOWN : classifyEvalSite(source, position)
      if (this.sites.size > 4096) this.sites.clear()
      this.sites.set(key, kind)
    }
    return kind
  }

  clear(): void {
    this.byFile.clear()
    this.sites.clear()
  }
}

function readSource(file: string): string | undefined {
  try {
    const resolved = file.startsWith('file://') ? new URL(file) : file
    if (typeof resolved === 'string' && !path.isAbsolute(resolved)) return undefined
    return fs.readFileSync(resolved, 'utf8')
  } catch {
    return undefined
  }
}

const IDENTIFIER = /[\p{ID_Continue}$\u200c\u200d]/u

/**
 * Reads one statement from `position`: is the first `eval` written there a direct call
 * (`eval(`, bare, not `x.eval(`, not `eval?.(`)? Skips strings, templates and comments.
 */
export function classifyEvalSite(source: string, position: number): EvalSite {
  const end = Math.min(source.length, position + SCAN_LIMIT)
  let depth = 0
  let previous = ''
  let member = false
  let i = position
  const skipSpace = (from: number): number => {
    let at = from
    while (at < end) {
      const c = source[at] as string
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') at++
      else if (c === '/' && source[at + 1] === '/') {
        const nl = source.indexOf('\n', at)
        at = nl === -1 ? end : nl
      } else if (c === '/' && source[at + 1] === '*') {
        const close = source.indexOf('*/', at + 2)
        at = close === -1 ? end : close + 2
      } else break
    }
    return at
  }
  while (i < end) {
    i = skipSpace(i)
    if (i >= end) break
    const c = source[i] as string
    if (c === '"' || c === "'" || c === '`') {
      i++
      while (i < end && source[i] !== c) i += source[i] === '\\' ? 2 : 1
      i++
      previous = c
      continue
    }
    if (IDENTIFIER.test(c)) {
      let j = i + 1
      while (j < end && IDENTIFIER.test(source[j] as string)) j++
      const word = source.slice(i, j)
      if (word === 'eval' && !IDENTIFIER.test(source[i - 1] ?? '')) {
        if (previous === '.') member = true
        else {
          const next = skipSpace(j)
          if (source[next] !== '(') return REFERENCE
          return { kind: 'call', ...literalArgument(source, skipSpace(next + 1), end, skipSpace) }
        }
      }
      previous = 'a'
      i = j
      continue
    }
    if (c === '(' || c === '[' || c === '{') depth++
    else if (c === ')' || c === ']' || c === '}') {
      depth--
      if (depth < 0) break
    } else if (c === ';' && depth === 0) break
    previous = c
    i++
  }
  // `globalThis.eval(...)` is an indirect call, as is any call of a reference.
  return member ? REFERENCE : UNKNOWN
}

/** The code of `eval('...')`: a single string literal without escapes, else nothing. */
function literalArgument(
  source: string,
  at: number,
  end: number,
  skipSpace: (from: number) => number,
): { code?: string } {
  const quote = source[at]
  if (quote !== '"' && quote !== "'") return {}
  const close = source.indexOf(quote, at + 1)
  if (close === -1 || close >= end) return {}
  const code = source.slice(at + 1, close)
  if (code.includes('\\') || code.includes('\n')) return {}
  const after = skipSpace(close + 1)
  return source[after] === ')' || (source[after] === ',' && source[skipSpace(after + 1)] === ')') ? { code } : {}
}
