// The few shapes of Mocha this adapter touches, written out structurally: the same code runs
// against Mocha 11 (CommonJS) and 12 (ES modules), whose classes are the same in these parts.

/** A callback Mocha passes to `Runnable#run`: called once, with the runnable's error if any. */
export type RunCallback = (error?: unknown) => void

export interface SuiteLike {
  title: string
  root: boolean
  file?: string
  parent?: SuiteLike
  on(event: string, listener: (...args: never[]) => void): unknown
}

export interface RunnableLike {
  title: string
  /** `'test'` or `'hook'`. */
  type: string
  file?: string
  parent?: SuiteLike
  ctx?: { currentTest?: RunnableLike }
  titlePath(): string[]
  isPending(): boolean
  run(callback: RunCallback): void
  /** Tests only: how many attempts came before this one. */
  currentRetry?(): number
  /** Tests only: the test this one is a retry of (Mocha clones a test to retry it). */
  retriedTest?(): RunnableLike | undefined
}

export interface RunnerLike {
  suite: SuiteLike
  on(event: string, listener: (...args: never[]) => void): unknown
  fail(runnable: RunnableLike, error: unknown, force?: boolean): void
}

export interface MochaInstance {
  options: Record<string, unknown> & { isWorker?: boolean; parallel?: boolean }
  suite: SuiteLike
  files: string[]
  loadFiles(fn?: () => void): void
  loadFilesAsync(options?: unknown): Promise<unknown>
  run(fn?: (failures: number) => void): RunnerLike
}

export interface MochaClass {
  new (options?: object): MochaInstance
  prototype: MochaInstance
  Runnable: { prototype: RunnableLike }
  Hook: new (title: string, fn: () => void) => RunnableLike
  version?: string
}
