import { StackCapture } from '../attribution.js'
import type { CheckRequest, Engine, Outcome } from '../engine.js'
import { previewCode } from '../redact.js'
import { matchBenignShape } from '../rules/benign.js'
import { matchBenignSite, realmIntrinsics } from '../rules/benign-sites.js'
import { compilingFrame, isTrustedOperation } from '../trusted-operations.js'
import { type CodeGeneration, codeGenerationOf } from './code-generation.js'
import { disguise, disguiseToString, patchProperty, type Restore } from './patch.js'
import { raise } from './raise.js'
import { callerSite, captureSites } from './trampoline.js'

// Code generation inside one realm (a global object and its intrinsics): the Function family
// and eval. Every realm has its own: Jest's test context and Vitest's vm pools each need this.
//
// - `Function`, `AsyncFunction`, `GeneratorFunction`, `AsyncGeneratorFunction`: replaced as SES
//   does, on the global and on each prototype's `.constructor` (non-writable but configurable),
//   so `(async () => {}).constructor('...')` is caught too; `instanceof Function` keeps working
//   because the replacement shares the real prototype.
// - `eval`: a wrapper would turn a direct `eval(x)` into an indirect one (local scope lost), so
//   the global `eval` becomes an accessor instead. Looking the name up runs the getter, which
//   decides by caller and returns the real %eval% when allowed (a direct eval stays direct, with
//   its scope) or a function that decides when called: a reference never called fails nothing.
//   Report mode decides the same way (eval-sites.ts), keeping a direct eval direct.
//
// Cannot see: an `eval` or `Function` reference captured before the realm was tamed, unless
// `inspectEval` is on (inspect-eval.ts detects it after the fact).

type Skip = (...args: never[]) => unknown

/** Where an eval was looked up or compiled from, to match the two (see inspect-eval.ts). */
export function siteKey(frame: { file: string; line: number } | undefined): string | undefined {
  return frame ? `${frame.file}:${frame.line}` : undefined
}
type AnyConstructor = new (...args: unknown[]) => unknown

/**
 * Frames a code generator's check captures first (StackCapture.probe): the compiling frame (for
 * trust and the trampoline) and, usually, the package a `{ from }` rule names are among them;
 * the full capture is taken only when a question reads further (no rule met yet, a record built).
 */
const PROBE_DEPTH = 4

/**
 * Decides one piece of generated code. The framework's own code generation is trusted by
 * operation (trusted-operations.ts); `untrusted`: the caller has decided trust already (a vm
 * compile, with the file it names), or there is none to give (a data: module).
 */
export function checkCode(
  engine: Engine,
  event: string,
  code: string,
  args: readonly unknown[],
  skip: Skip,
  stack?: StackCapture,
  extra: Pick<CheckRequest, 'detected' | 'benign'> & { untrusted?: boolean } = {},
): Outcome {
  const capture = stack ?? new StackCapture(engine.filter, skip)
  const { untrusted, ...rest } = extra
  if (!untrusted && isTrustedOperation(capture, engine.filter, code)) return { ok: true }
  return engine.check({
    ...rest,
    category: 'eval',
    event,
    target: previewCode(code),
    decide: { category: 'eval' },
    args,
    suggestion: () => {
      const owner = capture.packages()[0]
      if (owner) return `{ from: '${owner}' }`
      // The project's own code generating code on purpose (a template engine in src/): that file.
      const file = engine.projectSourceOf(capture)
      return file ? `{ project: '${file}' }` : 'true'
    },
    skip,
    stack: capture,
  })
}

/** An argument as the real constructor converts it (ToString: a Symbol throws, as there). */
function toSource(value: unknown): string {
  return `${value as string}`
}

/** Calls a real code generator as if from the caller's frame (trampoline.ts). */
export function callAsCaller(
  codegen: CodeGeneration,
  sites: readonly NodeJS.CallSite[],
  call: (target: never, second: never, third: never) => unknown,
  target: unknown,
  second: unknown,
  third: unknown,
): unknown {
  codegen.compileDepth++
  try {
    const trampolines = codegen.trampolines
    if (!trampolines) return (call as (a: unknown, b: unknown, c: unknown) => unknown)(target, second, third)
    return trampolines.call(callerSite(sites), call as never, target, second, third)
  } finally {
    codegen.compileDepth--
  }
}

function makeGuardedConstructor(
  engine: Engine,
  codegen: CodeGeneration,
  Real: AnyConstructor,
  event: string,
): AnyConstructor {
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    // Each argument converted once, in order, as the real constructor would: what is decided is
    // what compiles (an object's toString could answer differently the second time).
    const sources = args.map(toSource)
    let stack: StackCapture | undefined
    if (engine.active) {
      stack = StackCapture.probe(engine.filter, guarded as Skip, PROBE_DEPTH)
      const params = sources.slice(0, -1)
      const body = sources.length > 0 ? (sources[sources.length - 1] as string) : ''
      // A known-benign shape (rules/benign.ts) is allowed unless strict, and still recorded.
      const shape = engine.policy.strict ? undefined : matchBenignShape(event, params, body)
      const outcome = checkCode(
        engine,
        event,
        params.length > 0 ? `(${params.join(', ')}) => { ${body} }` : body,
        args,
        guarded as Skip,
        stack,
        shape ? { benign: `benign shape: ${shape.name}` } : {},
      )
      if (!outcome.ok) raise(outcome.error)
    }
    const newTarget: unknown = new.target
    const target = (newTarget === undefined || newTarget === guarded ? Real : newTarget) as AnyConstructor
    const sites = stack ? stack.callSites() : captureSites(guarded as Skip)
    return callAsCaller(codegen, sites, Reflect.construct, Real, sources, target)
  }
  Object.defineProperty(guarded, 'name', { value: Real.name, configurable: true })
  Object.defineProperty(guarded, 'length', { value: 1, configurable: true })
  Object.defineProperty(guarded, 'prototype', { value: Real.prototype, writable: false })
  Object.setPrototypeOf(guarded, Object.getPrototypeOf(Real))
  // `Function.toString()` and `Function.prototype.toString.call(Function)` say `[native code]`.
  disguise(guarded, Real)
  return guarded as unknown as AnyConstructor
}

/** The four code-generating constructors of the realm whose global is `global`. */
function realmConstructors(global: typeof globalThis, parts: RealmParts): [string, AnyConstructor][] {
  // A context's global may hold another `Function` (a sandbox's own): its prototype's is the realm's.
  const RealFunction = (parts.functionPrototype?.constructor ?? global.Function) as unknown as AnyConstructor
  const given = parts.siblings
  let siblings: readonly unknown[]
  if (given) {
    siblings = given
  } else if (global === globalThis) {
    siblings = [async () => {}, function* () {}, async function* () {}]
  } else {
    try {
      // Compiled by that realm's own Function, before it is tamed.
      siblings = (
        new RealFunction('return [async function () {}, function* () {}, async function* () {}]') as () => unknown[]
      )()
    } catch {
      siblings = []
    }
  }
  const out: [string, AnyConstructor][] = [['Function', RealFunction]]
  for (const sibling of siblings) {
    const ctor = Object.getPrototypeOf(sibling)?.constructor as AnyConstructor | undefined
    if (typeof ctor === 'function') out.push([ctor.name, ctor])
  }
  return out
}

/** How a realm is tamed: what the caller knows of it already. */
export interface RealmParts {
  /** The realm's own `Function.prototype`, read by code that ran there (not through its global). */
  functionPrototype?: object
  /** An async function, a generator and an async generator made in that realm (by syntax). */
  siblings?: readonly unknown[]
  /**
   * Held weakly (a vm context the code under test made): not in `engine.realms`, whose realms
   * are checked at every test end and kept until uninstall; untamed at uninstall if still alive.
   */
  weak?: boolean
}

/** The `Function.prototype` a realm is known by (each realm is tamed once, whatever its global). */
function functionPrototypeOf(global: typeof globalThis): object | undefined {
  try {
    const proto = (global.Function as { prototype?: unknown } | undefined)?.prototype
    return typeof proto === 'function' ? proto : undefined
  } catch {
    return undefined
  }
}

/** Tames the realm of `global`; returns the function that untames it. */
export function tameRealm(engine: Engine, global: typeof globalThis, parts: RealmParts = {}): () => void {
  const existing = engine.realms.get(global)
  if (existing) return existing
  const proto = parts.functionPrototype ?? functionPrototypeOf(global)
  const known = proto ? engine.tamedRealms.get(proto) : undefined
  if (known) {
    // Tamed already (a context tamed when it was made, now named by an adapter): one taming,
    // held strongly from now on if asked so. What the context's maker did to it since is put
    // right (jsdom copies the context's `eval` onto its window, which is the sandbox: the copy
    // would shadow the accessor).
    for (const restore of known.restores) if (restore.intact && !restore.intact()) restore.repair?.()
    if (!parts.weak) {
      engine.guardedPatches.keepRealm(global, known.restores)
      engine.realms.set(global, known.untame)
    }
    return known.untame
  }
  const restores: Restore[] = []
  const codegen = codeGenerationOf(engine)
  // leakgate's own compile (the hidden constructors of that realm): never the code under test.
  codegen.compileDepth++
  let constructors: [string, AnyConstructor][]
  try {
    constructors = realmConstructors(global, parts)
  } finally {
    codegen.compileDepth--
  }
  // The hidden constructors inherit from Function (%AsyncFunction%.[[Prototype]] is %Function%):
  // theirs is the guarded Function, or `Object.getPrototypeOf(AsyncFunction)` would hand out
  // the real one.
  const RealFunction = constructors[0]?.[1]
  let guardedFunction: AnyConstructor | undefined
  for (const [name, Real] of constructors) {
    const guarded = makeGuardedConstructor(engine, codegen, Real, name)
    if (Real === RealFunction) guardedFunction = guarded
    else if (guardedFunction && Object.getPrototypeOf(guarded) === RealFunction)
      Object.setPrototypeOf(guarded, guardedFunction)
    patchProperty(restores, Real.prototype as object, 'constructor', {
      value: guarded,
      writable: false,
      enumerable: false,
    })
    if (name === 'Function')
      patchProperty(restores, global, 'Function', { value: guarded, writable: true, enumerable: false })
  }
  tameEval(engine, codegen, global, restores)
  // The realm's own `toString` shows the originals' source for the replacements, whichever
  // realm they came from (a context's `Function.prototype.toString.call(net.connect)`).
  const showSource = proto ? disguiseToString(proto) : undefined
  if (showSource) restores.push(showSource)
  const untame = () => {
    if (engine.refuseFromTest('a realm was untamed by the code under test', untame)) return
    for (const restore of restores.reverse()) restore()
    restores.length = 0
    for (const [key, value] of engine.realms) if (value === untame) engine.realms.delete(key)
    if (proto) engine.tamedRealms.delete(proto)
  }
  if (proto) engine.tamedRealms.set(proto, { untame, restores })
  if (!parts.weak) {
    engine.guardedPatches.keepRealm(global, restores)
    engine.realms.set(global, untame)
  }
  return untame
}

const LOOKED_UP = '(code not visible: eval looked up)'

function tameEval(engine: Engine, codegen: CodeGeneration, global: typeof globalThis, restores: Restore[]): void {
  const realEval = global.eval
  if (typeof realEval !== 'function') return
  const intrinsics = realmIntrinsics(global)
  let assigned: unknown
  const checkedEval = function evalChecked(code: unknown) {
    if (typeof code !== 'string') return code
    const stack = StackCapture.probe(engine.filter, checkedEval as Skip, PROBE_DEPTH)
    const outcome = checkCode(engine, 'eval', code, [code], checkedEval as Skip, stack)
    if (!outcome.ok) raise(outcome.error)
    // Allowed between lookup and call (a rule added in between): run it, indirectly.
    return callAsCaller(codegen, stack.callSites(), Reflect.apply, realEval, undefined, [code])
  }
  Object.defineProperty(checkedEval, 'name', { value: 'eval' })
  disguise(checkedEval, realEval)
  const getter = function eval_() {
    if (assigned !== undefined) return assigned
    if (!engine.active) return realEval
    const stack = StackCapture.probe(engine.filter, getter as Skip, PROBE_DEPTH)
    // Only an operation that evaluates code of its own gets the real eval: a spy or a mock
    // looking `eval` up (to wrap it) gets what the test would, and decides at the call.
    if (isTrustedOperation(stack, engine.filter, undefined)) return realEval
    // A framework's wrapper looking eval up (a spy keeps what it found, a mock wraps it) gets the
    // eval that decides each call, with its code: even an allowed test's lookup must not leave
    // the real eval in a spy that outlives the test.
    const looker = compilingFrame(stack, engine.filter)
    if (looker !== undefined && engine.filter.isFramework(looker.file)) return checkedEval
    const verdict = engine.peek({ category: 'eval' }, stack)
    // Refused: enforce mode hands out a function that fails when called, so a reference never
    // called fails nothing. Report mode decides the same (eval-sites.ts): the same function
    // (it records and runs the code, indirectly, as any call of a reference is), except for a
    // direct `eval(...)`, which only the real eval keeps direct: recorded here, at its lookup.
    let code = LOOKED_UP
    if (!verdict.allowed && !engine.policy.strict) {
      // A known-benign direct eval (rules/benign-sites.ts): its site proves its code. Allowed
      // and recorded, as a benign shape of the Function family is.
      const benign = matchBenignSite(stack.callSites()[0], intrinsics)
      if (benign) {
        const outcome = checkCode(engine, 'eval', benign.code, [], getter as Skip, stack, {
          benign: `benign shape: ${benign.name}`,
        })
        // Refused all the same (no rule decided it, yet not allowed): the site is a direct
        // call, which fails now as the deciding eval would at once.
        if (!outcome.ok) raise(outcome.error)
        if (codegen.evalInspector) codegen.evalLookup = siteKey(stack.origin())
        return realEval
      }
    }
    if (!verdict.allowed) {
      if (engine.mode === 'enforce') return checkedEval
      const site = codegen.evalSources.classify(stack.callSites()[0])
      if (site.kind === 'reference') return checkedEval
      // The code enforce mode would record at the call, when it is written there.
      if (site.kind === 'call' && site.code !== undefined) code = site.code
    }
    // Allowed, or a direct call in report mode: record the lookup, hand out the real eval. The
    // inspector (inspectEval) knows this call site was decided already.
    checkCode(engine, 'eval', code, [], getter as Skip, stack)
    if (codegen.evalInspector) codegen.evalLookup = siteKey(stack.origin())
    return realEval
  }
  patchProperty(restores, global, 'eval', {
    get: getter,
    set(value: unknown) {
      assigned = value === realEval || value === checkedEval ? undefined : value
    },
    enumerable: false,
  })
}
