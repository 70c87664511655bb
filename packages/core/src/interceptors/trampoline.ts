import { captureSites as captureRawSites } from '../attribution.js'
import type { CompiledScript, CompiledScripts, ImportOption } from './compiled-scripts.js'

const vm = process.getBuiltinModule('node:vm')

// Code the guard lets through must mean what it means without the guard. V8 gives code compiled
// by `Function` (and its siblings) or by an indirect `eval` two things from the JavaScript frame
// that called it: the referrer of its `import()` (the base a relative specifier resolves
// against, and the loader that resolves it) and the `eval at <fn> (<file>:<line>:<col>)` origin
// of its stack frames. Called from a wrapper, that frame is leakgate's: `new Function('m',
// 'return import(m)')('./x.mjs')` would resolve against leakgate's dist file (Prettier's CLI does
// exactly this).
//
// So the real constructor is called from a trampoline: a one-line function compiled once per
// call site, in a script named like the caller's file, with the caller's `import()` handling
// (Node's default loader, or the vm options the caller's own script was compiled with), and the
// call placed at the caller's line and column under the caller's function name. V8 then takes
// the trampoline's frame for the caller's. Builtin frames (Reflect.construct, Array#map) are
// skipped, as V8 skips them.
//
// Not reproduced: a caller that is itself generated code (its origin is the root file of its
// `eval at` chain, so `import()` resolves as without the guard, but the nested origin text is
// flattened), and a caller on line 1 left of the trampoline's own text (the column is
// approximate). V8 caches compiled strings by the calling frame's bytecode offset; the
// trampolines vary theirs so two files compiling the same string do not share one origin.

type Call = (target: unknown, second: unknown, third: unknown) => unknown
type Trampoline = (call: Call, target: unknown, second: unknown, third: unknown) => unknown

interface ContextifyScriptClass {
  new (...args: unknown[]): object
}

/** The platform functions trampolines are compiled with, captured before they are patched. */
export interface RealCompilers {
  compileFunction: typeof vm.compileFunction
  ContextifyScript: ContextifyScriptClass | undefined
  runInContext: ((...args: unknown[]) => unknown) | undefined
}

interface Site {
  file: string
  line: number
  column: number
  name: string
  /** Positions are raw script positions already (from an `eval at` origin). */
  raw: boolean
}

const MAX_TRAMPOLINES = 4096
/** `eval at <name> (<file>:<line>:<column>)` at the root of an origin chain. */
const EVAL_ROOT = /eval at ([^()]*?) \(([^()]+):(\d+):(\d+)\)+$/

function siteOf(callSite: NodeJS.CallSite): Site | undefined {
  const file = callSite.getFileName()
  if (file) {
    return {
      file,
      line: callSite.getLineNumber() ?? 1,
      column: callSite.getColumnNumber() ?? 1,
      name: callSite.getFunctionName() ?? '',
      raw: false,
    }
  }
  if (!callSite.isEval()) return undefined
  const root = EVAL_ROOT.exec(callSite.getEvalOrigin() ?? '')
  if (!root) return undefined
  const name = root[1] === '<anonymous>' ? '' : (root[1] as string)
  return { file: root[2] as string, line: Number(root[3]), column: Number(root[4]), name, raw: true }
}

/** The frame V8 takes as the compiling caller: the first JavaScript frame with a script. */
export function callerSite(sites: readonly NodeJS.CallSite[]): NodeJS.CallSite | undefined {
  for (const site of sites) if (site.getFileName() || site.isEval()) return site
  return undefined
}

/** The top frames below `skip`, cheaply: for when no stack was captured to decide. */
export function captureSites(skip: (...args: never[]) => unknown): NodeJS.CallSite[] {
  return captureRawSites(skip, 3)
}

export class Trampolines {
  private readonly cache = new Map<string, Trampoline | null>()
  private warned = false

  constructor(
    private readonly scripts: CompiledScripts,
    private readonly real: RealCompilers,
  ) {}

  /** `call(target, second, third)` as if made from `callSite` (Reflect.construct or Reflect.apply). */
  call(callSite: NodeJS.CallSite | undefined, call: Call, target: unknown, second: unknown, third: unknown): unknown {
    const trampoline = callSite ? this.forSite(callSite) : undefined
    return trampoline ? trampoline(call, target, second, third) : call(target, second, third)
  }

  clear(): void {
    this.cache.clear()
  }

  private forSite(callSite: NodeJS.CallSite): Trampoline | undefined {
    const site = siteOf(callSite)
    // Node's own code: its scripts have loaders of their own, and it never imports from strings.
    if (!site || site.file.startsWith('node:')) return undefined
    const key = `${site.file}\u0000${site.line}\u0000${site.column}\u0000${site.name}\u0000${site.raw}`
    let trampoline = this.cache.get(key)
    if (trampoline === undefined) {
      try {
        trampoline = this.build(site)
      } catch {
        // A caller this cannot mirror: call from here (the pre-trampoline behaviour).
        trampoline = null
      }
      if (this.cache.size >= MAX_TRAMPOLINES) this.cache.clear()
      this.cache.set(key, trampoline)
    }
    return trampoline ?? undefined
  }

  private build(site: Site): Trampoline {
    const compiled = this.scripts.get(site.file)
    // Positions V8 puts in an `eval at` origin are raw script positions, without the offsets a
    // vm script was compiled with (which frames do include).
    let line = site.line
    let column = site.column
    if (!site.raw && compiled) {
      line -= compiled.lineOffset
      if (line === 1) column -= compiled.columnOffset
    }
    line = Math.min(Math.max(line, 1), 1_000_000)
    column = Math.min(Math.max(column, 1), 1_000_000)
    const option: ImportOption = compiled?.import ?? { kind: 'callback', value: this.defaultLoader() }
    const name = JSON.stringify(site.name)
    // An arrow named by its property key: V8 names the origin after it. The filler (`a = a, `)
    // only lengthens the bytecode before the call (see the header: V8's cache); on line 1 it
    // takes no more room than the caller's column leaves.
    const script = option.kind === 'id' && this.real.ContextifyScript && this.real.runInContext
    const bare = `${script ? '(' : 'return '}{ ${name}: (C, R, a, n) => (`
    const room = line > 1 ? Number.POSITIVE_INFINITY : Math.floor((column - 1 - bare.length) / 7)
    const head = `${bare}${'a = a, '.repeat(Math.max(0, Math.min(this.cache.size % 32, room)))}`
    const body = `${head}${pad(head, line, column)}C(R, a, n)) }${script ? ')' : ''}[${name}]`
    if (script && option.kind === 'id') {
      // The real constructor and run: these must not be decided, and run in this context.
      const built = new (this.real.ContextifyScript as ContextifyScriptClass)(
        body,
        site.file,
        0,
        0,
        undefined,
        false,
        undefined,
        option.id,
      )
      return (this.real.runInContext as (...args: unknown[]) => unknown).call(
        built,
        null,
        -1,
        true,
        false,
        false,
      ) as Trampoline
    }
    const value = option.kind === 'callback' ? option.value : undefined
    const outer = this.real.compileFunction(body, [], {
      filename: site.file,
      ...(value === undefined ? {} : { importModuleDynamically: value as never }),
    })
    // A module's `import()` callback reads the referrer's identifier (Jest's ESM support).
    if (option.kind === 'callback' && option.identifier !== undefined) {
      Object.defineProperty(outer, 'identifier', { value: option.identifier })
    }
    return outer() as Trampoline
  }

  /**
   * `vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER`: `import()` resolved by Node's default loader
   * against the script's file name, as for a file Node loaded itself. Node prints an
   * ExperimentalWarning the first time it is used; the caller never asked for it, so that one
   * warning is spent here, silently (one `import('node:path')`).
   */
  private defaultLoader(): unknown {
    const constant = (vm.constants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } | undefined)
      ?.USE_MAIN_CONTEXT_DEFAULT_LOADER
    if (constant === undefined || this.warned) return constant
    this.warned = true
    const emitWarning = process.emitWarning
    // Reflect.set: a read-only emitWarning (a frozen process) is left as it is, never thrown on.
    const quieted = Reflect.set(process, 'emitWarning', () => {})
    try {
      const probe = this.real.compileFunction('return import("node:path")', [], {
        importModuleDynamically: constant as never,
      }) as () => Promise<unknown>
      probe().catch(() => {})
    } catch {
      // Nothing to silence.
    } finally {
      if (quieted) Reflect.set(process, 'emitWarning', emitWarning)
    }
    return constant
  }
}

/** What puts the call right after `head` at `line`:`column` (1-based) of the script. */
function pad(head: string, line: number, column: number): string {
  if (line > 1) return `${'\n'.repeat(line - 1)}${' '.repeat(column - 1)}`
  return ' '.repeat(Math.max(0, column - 1 - head.length))
}

export type { CompiledScript }
