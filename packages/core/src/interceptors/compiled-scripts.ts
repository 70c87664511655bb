// How each script was compiled, by the file name its stack frames report. Code the guard compiles
// on a caller's behalf must inherit what the caller's own script has (see trampoline.ts): its
// dynamic `import()` handling and the line/column offsets its positions are reported with.
//
// Node's own loader compiles CommonJS and ESM with its default `import()`: those files are not
// noted (absent means "Node's default"). vm compiles are: a framework loading modules (Vitest's
// `vm.runInThisContext`, Jest's `vm.compileFunction` / `vm.Script` / `vm.SourceTextModule`) or a
// test's own vm use.

/** How `import()` in a script resolves. */
export type ImportOption =
  /** A `vm.Script`'s host-defined option id, as Node passes it to the native constructor. */
  | { kind: 'id'; id: symbol }
  /** `importModuleDynamically` as given to `vm.compileFunction` or `vm.SourceTextModule`. */
  | { kind: 'callback'; value: unknown; identifier?: string }

export interface CompiledScript {
  import: ImportOption
  lineOffset: number
  columnOffset: number
}

/** Enough for the modules of a large suite; the oldest are forgotten first. */
const MAX_SCRIPTS = 8192

export class CompiledScripts {
  private readonly byFile = new Map<string, CompiledScript>()

  note(file: unknown, script: CompiledScript): void {
    if (typeof file !== 'string' || file === '') return
    if (this.byFile.size >= MAX_SCRIPTS && !this.byFile.has(file)) {
      const oldest = this.byFile.keys().next().value
      if (oldest !== undefined) this.byFile.delete(oldest)
    }
    this.byFile.set(file, script)
  }

  /** Node's own loader compiled this file: its default applies again. */
  forget(file: unknown): void {
    if (this.byFile.size > 0 && typeof file === 'string') this.byFile.delete(file)
  }

  get(file: string): CompiledScript | undefined {
    return this.byFile.get(file)
  }

  clear(): void {
    this.byFile.clear()
  }
}

/** An integer option as Node reads it (validateInt32), else 0. */
export function offsetOf(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : 0
}
