import type { Stats } from 'node:fs'
import { describeValue, invalidOption } from './option-error.js'
import { outputPathProblem } from './output-path.js'
import { closest } from './suggest.js'

const fs = process.getBuiltinModule('node:fs')
const path = process.getBuiltinModule('node:path')

// The one validator of leakgate's options. Core's keys are checked (and compiled) by
// policy.ts' normalizeOptions through it; each adapter declares the keys it adds with the checks
// below (`report` for Vitest, `outputFile` for the Jest reporter) and the core keys it manages
// itself (`sinkDir`), and never checks a value on its own. Every refusal is one
// LEAKGATE_INVALID_OPTION naming the key, the bad value, the valid forms and what was probably
// meant.

/** What a check may use: where relative paths start (undefined before it is known), and how to refuse. */
export interface CheckContext {
  /** The directory relative paths are resolved against; undefined skips file-system checks. */
  base: string | undefined
  fail(problem: string, forms?: string): never
}

/** Checks one option's value; throws through `context.fail`. */
export type OptionCheck = (value: unknown, key: string, context: CheckContext) => void

export interface OptionSpec {
  /** Keys the adapter adds, each with its check (from OPTION_CHECKS). */
  extra?: Readonly<Record<string, OptionCheck>>
  /** Core keys the adapter manages itself, each refused with what to do instead. */
  managed?: Readonly<Record<string, string>>
  /** False: the object holds only the `extra` keys (a reporter's own options). Default true. */
  core?: boolean
  /** Opens every message; default `invalid leakgate option <key>`. */
  label?: (key: string) => string
  /** What the object should look like, for a value that is not one. */
  example?: string
  /** Directory relative paths are resolved against (output files); undefined skips file-system checks. */
  base?: string
}

/** Core's option keys, in the order the docs list them. */
export const CORE_OPTION_KEYS = ['mode', 'allow', 'local', 'strict', 'inspectEval', 'root', 'sinkDir'] as const

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  // Across realms (Jest hands config objects between contexts): Object.prototype has no prototype.
  const proto = Object.getPrototypeOf(value)
  return proto === null || Object.getPrototypeOf(proto) === null
}

function what(value: unknown): string {
  if (Array.isArray(value)) return `an array (${describeValue(value)})`
  return describeValue(value)
}

/**
 * Checks the shape of an options object: a plain object whose every key is known. Returns the
 * values of the adapter's `extra` keys, checked. Core keys' values are left to the caller
 * (normalizeOptions compiles them).
 */
export function checkOptionKeys(options: unknown, spec: OptionSpec = {}): Record<string, unknown> {
  const label = spec.label
  const fail = (key: string, problem: string, forms?: string): never => {
    throw invalidOption(key, problem, forms, label)
  }
  if (!isPlainObject(options)) {
    fail(
      '(options)',
      `expected an object like ${spec.example ?? "{ mode: 'enforce', allow: { net: [...] } }"}, got ${what(options)}`,
    )
  }
  const record = options as Record<string, unknown>
  const extra = spec.extra ?? {}
  const managed = spec.managed ?? {}
  const core = spec.core === false ? [] : CORE_OPTION_KEYS.filter((key) => !(key in managed))
  const known = [...core, ...Object.keys(extra)]
  for (const key of Object.keys(record)) {
    if (Object.hasOwn(managed, key)) fail(key, managed[key] as string)
    if (known.includes(key)) continue
    const guess = closest(key, [...known, ...Object.keys(managed)])
    const hint = guess ? `; did you mean '${guess}'?` : '.'
    fail(key.length > 60 ? `${key.slice(0, 59)}…` : key, `unknown option${hint} Valid options: ${known.join(', ')}`)
  }
  const out: Record<string, unknown> = {}
  for (const [key, check] of Object.entries(extra)) {
    if (!Object.hasOwn(record, key)) continue
    check(record[key], key, { base: spec.base, fail: (problem, forms) => fail(key, problem, forms) })
    out[key] = record[key]
  }
  return out
}

function checkPath(value: unknown, context: CheckContext, expected = 'a path'): string {
  if (typeof value !== 'string' || value.trim() === '') context.fail(`expected ${expected}, got ${what(value)}`)
  const text = value as string
  if (text.includes('\0')) context.fail(`${describeValue(text)} holds a NUL character; it is not a path`)
  if (text.length > 4096) context.fail(`${describeValue(text)} is longer than any path (4096 characters at most)`)
  return text
}

/** Checks a file leakgate will write, relative to `context.base`: refused at start, not at the end of the run. */
function checkOutputFile(value: unknown, _key: string, context: CheckContext, expected = 'a file path'): void {
  const text = checkPath(value, context, expected)
  if (/[\\/]$/.test(text))
    context.fail(`${describeValue(text)} names a directory; name a file in it (${text}leakgate-report.json)`)
  if (context.base === undefined) return
  const file = path.resolve(context.base, text)
  const problem = outputPathProblem(file, { shownFrom: context.base })
  if (problem) context.fail(`${describeValue(text)} (${file}) ${problem}`)
}

/** The checks an adapter may give its keys. */
export const OPTION_CHECKS = {
  boolean(value: unknown, _key: string, context: CheckContext): void {
    if (typeof value === 'boolean') return
    const quoted = value === 'true' || value === 'false' ? ` (a string: write ${value} without quotes)` : ''
    context.fail(`expected true or false, got ${what(value)}${quoted}`)
  },
  /** A file leakgate writes (a report), relative to the base directory. */
  outputFile: checkOutputFile,
  /** A file leakgate writes, or `false` for none. */
  outputFileOrFalse(value: unknown, key: string, context: CheckContext): void {
    if (value === false) return
    if (value === true) context.fail('expected a file path or false, got true (the report is on by default)')
    checkOutputFile(value, key, context, 'a file path or false')
  },
} satisfies Record<string, OptionCheck>

/** `root`: an absolute path to an existing directory (paths in messages and reports are relative to it). */
export function checkRoot(value: unknown, fail: (problem: string) => never): string {
  const text = checkPath(value, { base: undefined, fail })
  if (!path.isAbsolute(text)) {
    fail(
      `${describeValue(text)} is relative; write an absolute path (path.resolve(${JSON.stringify(text)}) from here is ${path.resolve(text)})`,
    )
  }
  let stat: Stats | undefined
  try {
    stat = fs.statSync(text)
  } catch {
    fail(`${describeValue(text)} does not exist; root is the project's directory`)
  }
  if (!stat?.isDirectory()) fail(`${describeValue(text)} is not a directory; root is the project's directory`)
  return text
}
