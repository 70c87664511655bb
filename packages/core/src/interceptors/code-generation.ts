import type { Engine } from '../engine.js'
import { EvalSources } from './eval-sites.js'
import { familyState } from './family-state.js'
import type { Trampolines } from './trampoline.js'

// What the code generation interceptors share: the vm and module wrappers (code.ts,
// module-loader.ts), the realm taming (realm.ts) and the inspector (inspect-eval.ts), which must
// skip what the others decided already.

export class CodeGeneration {
  /** Nesting depth of code generation leakgate decided (the inspector skips what it compiles). */
  compileDepth = 0
  /** `file:line` of the last `eval` lookup that handed out the real eval (see inspect-eval.ts). */
  evalLookup: string | undefined
  /** Sources of compiled scripts that may look `eval` up, in report mode (see eval-sites.ts). */
  readonly evalSources = new EvalSources()
  /** Calls the real code generators as if from their caller (see trampoline.ts). */
  trampolines: Trampolines | undefined
  /** The inspector session of `inspectEval`, while it runs. */
  evalInspector: { stop(): void } | undefined

  /** What a test left disturbed (checked and put back at the end of every test). */
  verify(): string[] {
    if (this.compileDepth === 0) return []
    this.compileDepth = 0
    return ["the code generation interceptors' compile depth was changed"]
  }
}

/** The code generation state of this engine. */
export function codeGenerationOf(engine: Engine): CodeGeneration {
  return familyState(engine, 'code', () => new CodeGeneration())
}
