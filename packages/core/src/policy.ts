import type { LeakgateError } from './errors.js'
import type { RuleCategory as Category, Decision, Mode, RuleSource } from './events.js'
import { MODES, resolveMode } from './mode.js'
import { describeValue, invalidOption } from './option-error.js'
import type { AllowRules, LeakgateOptions } from './options.js'
import { EXEC_FORMS, type ExecCommand, type ExecMatcher, matchExec, parseExecRule } from './rules/exec.js'
import { matchNet, NET_FORMS, type NetMatcher, type NetTarget, parseNetRule } from './rules/net.js'
import { checkProjectPath, matchProject, normalizeProjectPath } from './rules/project.js'
import { didYouMean } from './suggest.js'
import { checkOptionKeys, checkRoot, OPTION_CHECKS, type OptionSpec } from './validate.js'

// Options in, a Policy out; decide() is pure: the same request and rules give the same answer.

interface Compiled<M> {
  /** The rule as the user wrote it, for messages and reports. */
  text: string
  matcher?: M
  from?: string
  /** `{ project }`: a glob on the call site's path, relative to the root. */
  project?: string
  benign?: true
}

export interface CategoryRules<M> {
  all: boolean
  rules: Compiled<M>[]
}

/** The allowances of one level (config, file or test), compiled. */
export interface RuleSet {
  net: CategoryRules<NetMatcher>
  exec: CategoryRules<ExecMatcher>
  eval: CategoryRules<never>
  /** The same rules as plain JSON, to hand to workers and child processes. */
  raw: AllowRules
}

export interface Policy {
  mode: Mode
  config: RuleSet
  local: NetMatcher[]
  /** `local` as written, to hand to children. */
  localText: string[]
  strict: boolean
  inspectEval: boolean
  root: string
  sinkDir?: string
}

export const DEFAULT_LOCAL = ['loopback', 'unspecified', 'localhost', '*.localhost'] as const
const CATEGORIES: readonly Category[] = ['net', 'exec', 'eval']
/** What `local` takes: net rule syntax without ports or `{ from }`. */
const LOCAL_FORMS =
  "'localhost', '*.localhost', '127.0.0.1', '[::1]', '10.0.0.0/8', a named range ('loopback', 'unspecified', 'private', ...)"

/**
 * Packages known to generate code for benign reasons, allowed by the eval rule `'benign'` when
 * one of them is the package that called the generator (the nearest on the stack), never for
 * being somewhere on it: depd (express, body-parser), get-intrinsic (qs, side-channel), ajv
 * and fast-json-stringify (schema compilers), protobufjs codegen, zod 4 (its object parsers, from
 * the schema's keys, each quoted by JSON.stringify; first `new Function('')` to learn whether it
 * may: see rules/benign.ts for why that probe is no shape of its own), find-my-way (Fastify's
 * router: a matcher per route, a params object per route's parameter names, a constraints
 * dispatcher, from the routes the app declares). Generic utilities that call
 * functions they are handed (core-js and regenerator-runtime: polyfills and generator runners)
 * are not on it: what they generate themselves has a benign shape (rules/benign.ts).
 */
export const BENIGN_GENERATORS: readonly string[] = [
  'depd',
  'get-intrinsic',
  'ajv',
  'fast-json-stringify',
  '@protobufjs/codegen',
  '@protobufjs/inquire',
  'zod',
  'find-my-way',
]

function invalid(key: string, problem: string, forms?: string): LeakgateError {
  return invalidOption(key, problem, forms)
}

const describe = describeValue

function compileFrom(value: object, key: string, forms: string): Compiled<never> {
  const keys = Object.keys(value)
  if (keys.length === 1 && keys[0] === 'project') {
    const project = (value as { project?: unknown }).project
    if (typeof project !== 'string') throw invalid(key, `{ project: ${describe(project)} } needs a path`, forms)
    const problem = checkProjectPath(project)
    if (problem) throw invalid(key, `${describe(project)} ${problem}`, forms)
    const glob = normalizeProjectPath(project)
    return { text: `{ project: '${glob}' }`, project: glob }
  }
  const from = (value as { from?: unknown }).from
  if (keys.length !== 1 || typeof from !== 'string' || from.trim() === '') {
    // `{ form: 'ajv' }`, `{ From: 'ajv' }`, `{ projet: 'src' }`: the one key a rule object has, misspelt.
    const [only] = keys
    const meant =
      keys.length === 1 && only !== 'from'
        ? (['from', 'project'] as const).find((name) => didYouMean(only as string, [name]))
        : undefined
    const value1 = meant ? (value as Record<string, unknown>)[only as string] : undefined
    const hint =
      meant && typeof value1 === 'string' && value1.length <= 60 ? `; did you mean { ${meant}: '${value1}' }?` : ''
    throw invalid(key, `${describe(value)} is not a rule${hint}`, forms)
  }
  if (from.length > 214 || !/^(@[a-z0-9._~-]+\/)?[a-z0-9._~-]+$/i.test(from)) {
    throw invalid(key, `${describe(from)} is not an npm package name`, forms)
  }
  return { text: `{ from: '${from}' }`, from }
}

function compileCategory<M>(
  value: unknown,
  key: string,
  forms: string,
  parse: (rule: string) => Compiled<M>,
): CategoryRules<M> {
  if (value === undefined || value === false) return { all: false, rules: [] }
  if (value === true) return { all: true, rules: [] }
  if (!Array.isArray(value)) {
    // One rule where a list belongs: the fix is the same rule in brackets.
    const hint =
      typeof value === 'string' && value.length <= 60
        ? `; did you mean [${JSON.stringify(value).replace(/^"|"$/g, "'")}]?`
        : ''
    throw invalid(key, `expected true or an array of rules, got ${describe(value)}${hint}`, forms)
  }
  const rules = value.map((rule: unknown, i): Compiled<M> => {
    const at = `${key}[${i}]`
    if (typeof rule === 'string') {
      try {
        return parse(rule)
      } catch (error) {
        throw invalid(at, (error as Error).message, forms)
      }
    }
    if (rule !== null && typeof rule === 'object') return compileFrom(rule, at, forms)
    const hint = rule === true ? `; did you mean ${key}: true (everything in this category)?` : ''
    throw invalid(at, `${describe(rule)} is not a rule${hint}`, forms)
  })
  return { all: false, rules }
}

const EVAL_FORMS =
  "true, { from: 'package' }, { project: 'src/templates/*' } (the project's own files) or 'benign' (the known-benign preset)"

function parseEvalRule(rule: string): Compiled<never> {
  if (rule === 'benign') return { text: "'benign'", benign: true }
  const typo = didYouMean(rule, ['benign'])
  if (typo) throw new Error(`${describe(rule)} is not an eval rule${typo}`)
  // Most often a package name, meant as `{ from }`: say so.
  const hint = /^(@[a-z0-9._~-]+\/)?[a-z0-9._~-]+$/i.test(rule) ? ` (for a package, write { from: '${rule}' })` : ''
  throw new Error(`${describe(rule)} is not an eval rule${hint}`)
}

const parseNet = (rule: string): Compiled<NetMatcher> => ({ text: rule, matcher: parseNetRule(rule) })
const parseExec = (rule: string): Compiled<ExecMatcher> => ({ text: rule, matcher: parseExecRule(rule) })

/** Compiles an `allow` object. `key` names it in errors (`allow`, `allowAudit()`). */
export function compileRules(value: unknown, key = 'allow'): RuleSet {
  if (value === undefined) value = {}
  value = ownOnly(value)
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(key, `expected an object like { net: [...], exec: [...], eval: [...] }, got ${describe(value)}`)
  }
  for (const name of Object.keys(value)) {
    if (!(CATEGORIES as readonly string[]).includes(name)) {
      const shown = name.length > 60 ? `${name.slice(0, 59)}…` : name
      throw invalid(`${key}.${shown}`, `unknown category${didYouMean(name, CATEGORIES)}`, 'net, exec, eval')
    }
  }
  const raw = value as AllowRules
  return {
    net: compileCategory(raw.net, `${key}.net`, NET_FORMS, parseNet),
    exec: compileCategory(raw.exec, `${key}.exec`, EXEC_FORMS, parseExec),
    eval: compileCategory(raw.eval, `${key}.eval`, EVAL_FORMS, parseEvalRule),
    raw: JSON.parse(JSON.stringify(raw)) as AllowRules,
  }
}

/**
 * A copy of options or rules holding their own properties only (objects without a prototype,
 * arrays without holes): what `Object.prototype` or `Array.prototype` inherits is not an option.
 * A test that sets `Object.prototype.net = true` must not make the next `allowAudit({})` allow
 * every connection. Other values (functions, class instances) are kept as they are.
 */
export function ownOnly<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > 16) return value
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    for (let i = 0; i < value.length; i++) copy.push(Object.hasOwn(value, i) ? ownOnly(value[i], depth + 1) : undefined)
    return copy as T
  }
  // A plain object of any realm (Jest's test context has its own Object.prototype).
  const proto = Object.getPrototypeOf(value)
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return value
  if (Object.prototype.toString.call(value) !== '[object Object]') return value
  const copy = Object.create(null) as Record<string, unknown>
  for (const key of Object.keys(value)) copy[key] = ownOnly((value as Record<string, unknown>)[key], depth + 1)
  return copy as T
}

/** The union of two rule sets (allowances merge, never replace). */
export function mergeRules(a: RuleSet, b: RuleSet): RuleSet {
  const merge = <M>(x: CategoryRules<M>, y: CategoryRules<M>): CategoryRules<M> => ({
    all: x.all || y.all,
    rules: [...x.rules, ...y.rules],
  })
  const raw: AllowRules = {}
  for (const category of CATEGORIES) {
    const left = Object.hasOwn(a.raw, category) ? a.raw[category] : undefined
    const right = Object.hasOwn(b.raw, category) ? b.raw[category] : undefined
    if (left === true || right === true) raw[category] = true
    else if (left || right) (raw as Record<string, unknown>)[category] = [...(left ?? []), ...(right ?? [])]
  }
  return { net: merge(a.net, b.net), exec: merge(a.exec, b.exec), eval: merge(a.eval, b.eval), raw }
}

export const EMPTY_RULES: RuleSet = compileRules({})

function readMode(value: unknown, key: string): Mode {
  if (MODES.includes(value as Mode)) return value as Mode
  const hint = typeof value === 'string' ? didYouMean(value, MODES) : ''
  throw invalid(key, `${describe(value)} is not a mode${hint}`, MODES.join(', '))
}

/** The options' keys and their checks, as core sees them. */
const CORE_SPEC: OptionSpec = {}

/**
 * Validates and compiles options. Throws LEAKGATE_INVALID_OPTION naming the key, the bad value,
 * the valid forms and what was probably meant. `spec` declares the keys an adapter adds or
 * manages (see validate.ts); their values are checked, and left out of the policy.
 */
export function normalizeOptions(
  options: LeakgateOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  spec: OptionSpec = CORE_SPEC,
): Policy {
  options = ownOnly(options)
  checkOptionKeys(options, spec)
  if (options.mode !== undefined) readMode(options.mode, 'mode')
  if (env.LEAKGATE_MODE) readMode(env.LEAKGATE_MODE, 'LEAKGATE_MODE (environment)')
  const mode = resolveMode([options.mode], env)
  for (const key of ['strict', 'inspectEval'] as const) {
    if (options[key] !== undefined) {
      OPTION_CHECKS.boolean(options[key], key, {
        base: undefined,
        fail: (problem) => {
          throw invalid(key, problem)
        },
      })
    }
  }
  const local: unknown = options.local ?? DEFAULT_LOCAL
  if (!Array.isArray(local)) {
    const hint = typeof local === 'string' && local.length <= 60 ? `; did you mean ['${local}']?` : ''
    throw invalid('local', `expected an array, got ${describe(local)}${hint}`, LOCAL_FORMS)
  }
  const localMatchers = (local as unknown[]).map((rule, i) => {
    if (typeof rule !== 'string') throw invalid(`local[${i}]`, `${describe(rule)} is not a string`, LOCAL_FORMS)
    let matcher: NetMatcher
    try {
      matcher = parseNetRule(rule)
    } catch (error) {
      throw invalid(`local[${i}]`, (error as Error).message, LOCAL_FORMS)
    }
    // A local entry is decided without the port: one with a port would never match anything.
    if (matcher.port !== undefined) {
      throw invalid(
        `local[${i}]`,
        `${describe(rule)} has a port; local names hosts and addresses, not ports`,
        LOCAL_FORMS,
      )
    }
    if (matcher.type === 'any') {
      throw invalid(
        `local[${i}]`,
        `${describe(rule)} makes every host local, so no connection would be audited; to allow every host, write allow: { net: true }`,
        LOCAL_FORMS,
      )
    }
    return matcher
  })
  const root =
    options.root === undefined
      ? process.cwd()
      : checkRoot(options.root, (problem) => {
          throw invalid('root', problem)
        })
  const sinkDir = options.sinkDir ?? env.LEAKGATE_SINK_DIR
  if (options.sinkDir !== undefined && (typeof options.sinkDir !== 'string' || options.sinkDir.trim() === '')) {
    throw invalid('sinkDir', `expected a path, got ${describe(options.sinkDir)}`)
  }
  const policy: Policy = {
    mode,
    config: compileRules(options.allow, 'allow'),
    local: localMatchers,
    localText: [...(local as string[])],
    strict: options.strict ?? false,
    inspectEval: options.inspectEval ?? false,
    root,
  }
  if (sinkDir) policy.sinkDir = sinkDir
  return policy
}

/** What decide() needs to know about one request. */
export type DecideRequest =
  | { category: 'net'; target: NetTarget }
  | { category: 'exec'; commands: ExecCommand[] }
  | { category: 'eval' }

export interface Level {
  source: RuleSource
  rules: RuleSet
}

/** Is this target this machine? (loopback, unspecified, localhost ... per `local`). */
export function isLocal(target: NetTarget, local: readonly NetMatcher[]): boolean {
  const bare: NetTarget = target.port === undefined ? target : { ...target, port: undefined as never }
  delete bare.port
  return local.some((matcher) => matchNet(matcher, bare))
}

/**
 * Decides a request against the levels, most specific first (test, file, config).
 * `packages` lists the npm packages on the call stack, nearest first; it is called only when a
 * `{ from }` rule needs it, because it costs a stack capture. Given as `PackageFacts`, each
 * question is put to the stack itself, which reads only as far as the answer needs.
 */
export function decide(
  request: DecideRequest,
  levels: readonly Level[],
  packages: (() => readonly string[]) | PackageFacts,
  projectFile: () => string | undefined = () => undefined,
): Decision {
  let list: readonly string[] | undefined
  const listed = (read: () => readonly string[]) => {
    list ??= read()
    return list
  }
  const facts: PackageFacts =
    typeof packages === 'function'
      ? { includes: (name) => listed(packages).includes(name), nearest: () => listed(packages)[0] }
      : packages
  const stack: StackFacts = { packages: facts, projectFile }
  if (request.category === 'exec') {
    let first: Decision | undefined
    for (const command of request.commands) {
      const one = decideOne(levels, 'exec', stack, (m) => matchExec(m as ExecMatcher, command))
      if (!one.allowed) return one
      first ??= one
    }
    return first ?? { allowed: false, reason: 'no-rule' }
  }
  if (request.category === 'net') {
    return decideOne(levels, 'net', stack, (m) => matchNet(m as NetMatcher, request.target))
  }
  return decideOne(levels, 'eval', stack, () => false)
}

/**
 * The npm packages on the stack (between the operation and the project's own code), asked one
 * question at a time: a stack can answer from its first frames when the package is there.
 */
export interface PackageFacts {
  /** Is this package on the way? */
  includes(name: string): boolean
  /** The nearest one (the package that called the operation), if any. */
  nearest(): string | undefined
}

/** What `{ from }` and `{ project }` rules read of the call stack, asked only when one is met. */
interface StackFacts {
  packages: PackageFacts
  /** The call site's file relative to the root (`/`-separated), if it is the project's own. */
  projectFile: () => string | undefined
}

function decideOne(
  levels: readonly Level[],
  category: Category,
  stack: StackFacts,
  match: (matcher: unknown) => boolean,
): Decision {
  const fromMatches = (from: string) => stack.packages.includes(from)
  // The package that called the generator, not one it was merely called through.
  const generatorIsBenign = () => {
    const nearest = stack.packages.nearest()
    return nearest !== undefined && BENIGN_GENERATORS.includes(nearest)
  }
  let file: string | undefined | null = null
  const projectMatches = (glob: string) => {
    if (file === null) file = stack.projectFile()
    return matchProject(glob, file)
  }
  for (const level of levels) {
    const rules = level.rules[category] as CategoryRules<unknown>
    if (rules.all) return { allowed: true, reason: 'rule', rule: 'true', source: level.source }
    for (const rule of rules.rules) {
      // Own properties only (a polluted Object.prototype.matcher must not match anything).
      const ok = Object.hasOwn(rule, 'matcher')
        ? match(rule.matcher)
        : Object.hasOwn(rule, 'benign') && rule.benign
          ? generatorIsBenign()
          : Object.hasOwn(rule, 'project') && rule.project !== undefined
            ? projectMatches(rule.project)
            : Object.hasOwn(rule, 'from') && fromMatches(rule.from as string)
      if (ok) return { allowed: true, reason: 'rule', rule: rule.text, source: level.source }
    }
  }
  return { allowed: false, reason: 'no-rule' }
}

/** The rules that apply, for the message's `policy` line: at most `max`, most specific first. */
export function listRules(levels: readonly Level[], category: Category, max = 5): string[] {
  const all: string[] = []
  for (const level of levels) {
    const rules = level.rules[category] as CategoryRules<unknown>
    if (rules.all) all.push('true')
    for (const rule of rules.rules) all.push(rule.text)
  }
  return all.length > max ? [...all.slice(0, max), `… ${all.length - max} more`] : all
}
