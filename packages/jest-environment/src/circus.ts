// The few shapes of jest-circus's state this adapter touches, written out structurally so the
// same code type-checks against Jest 29 and 30 (their @jest/types differ in details we don't use).

// biome-ignore lint/suspicious/noExplicitAny: test and hook functions take anything
export type BlockFn = (this: unknown, ...args: any[]) => unknown

/** A `test.errors` entry: an error, or circus's `[error, asyncError]` pair. */
export type TestError = unknown | [unknown, unknown]

export interface DescribeBlock {
  type: 'describeBlock'
  name: string
  parent?: DescribeBlock
  children: (DescribeBlock | TestEntry)[]
  hooks: Hook[]
}

export interface TestEntry {
  type: 'test'
  name: string
  parent: DescribeBlock
  fn: BlockFn
  concurrent: boolean
  errors: TestError[]
  mode?: string
  failing?: boolean
  /** Captured by circus where `test()` was called. */
  asyncError?: unknown
}

export interface Hook {
  type: 'beforeAll' | 'beforeEach' | 'afterAll' | 'afterEach'
  fn: BlockFn
}

export interface CircusState {
  currentDescribeBlock: DescribeBlock
  currentlyRunningTest?: TestEntry | null
  unhandledErrors: unknown[]
}

export interface CircusEvent {
  name: string
  test?: TestEntry
  hook?: Hook
  fn?: BlockFn
  testName?: string
  hookType?: Hook['type']
}

/** `describe > nested > test`, as leakgate names tests (the root block is left out). */
export function fullName(test: TestEntry): string {
  const names = [test.name]
  for (let block: DescribeBlock | undefined = test.parent; block?.parent; block = block.parent) {
    names.unshift(block.name)
  }
  return names.join(' > ')
}

/** `error`, its causes and the errors it aggregates (fetch's `TypeError` has ours as its cause). */
function* errorChain(error: unknown, seen = new Set<unknown>()): Generator<unknown> {
  if (error === null || typeof error !== 'object' || seen.has(error) || seen.size > 32) return
  seen.add(error)
  yield error
  const { cause, errors } = error as { cause?: unknown; errors?: unknown }
  yield* errorChain(cause, seen)
  if (Array.isArray(errors)) for (const inner of errors) yield* errorChain(inner, seen)
}

/**
 * True when `errors` (circus's `test.errors` or `state.unhandledErrors`) already holds `error`,
 * itself or as the cause of another: an unmocked `fetch` rejects with `TypeError: fetch failed`
 * whose cause is ours, and that is the one failure to show (Jest prints the cause under it).
 */
export function holdsError(errors: readonly TestError[], error: unknown): boolean {
  return errors.some((entry) => {
    const thrown = Array.isArray(entry) ? entry[0] : entry
    for (const inner of errorChain(thrown)) if (inner === error) return true
    return false
  })
}

/** Each error of `errors` (circus's entries: an error, or `[error, asyncError]`). */
export function errorsOf(errors: readonly TestError[]): unknown[] {
  return errors.map((entry) => (Array.isArray(entry) ? entry[0] : entry))
}

const FRAME = /^\s*at .*:\d+:\d+\)?\s*$/

function isProjectFrame(line: string): boolean {
  return FRAME.test(line) && !line.includes('/node_modules/') && !/\(node:|at node:/.test(line)
}

/**
 * True when a stack has a frame in the project's own code: Jest keeps a frameless message to
 * its first line, and draws its code frame from the first frame outside node_modules.
 */
export function hasProjectFrame(stack: unknown): boolean {
  return typeof stack === 'string' && stack.split('\n').some(isProjectFrame)
}

/**
 * Where the test was declared, as a stack frame line: circus captures `asyncError` at `test()`.
 * Used as the frame of a violation that has no call site of its own (an async socket opened
 * deep inside undici), so Jest still shows the whole message and a code frame.
 */
export function declarationFrame(test: { asyncError?: unknown }): string | undefined {
  const stack = (test.asyncError as { stack?: unknown } | undefined)?.stack
  if (typeof stack !== 'string') return undefined
  return stack.split('\n').find(isProjectFrame)?.trimEnd()
}

const objectTag = Object.prototype.toString

/** Circus runs generator functions through `co`; wrapping one would hide that it is one. */
export function isGeneratorFunction(fn: unknown): boolean {
  const tag = objectTag.call(fn)
  return tag === '[object GeneratorFunction]' || tag === '[object AsyncGeneratorFunction]'
}

/**
 * The failure to show for an error whose cause is one of ours (`TypeError: fetch failed`, the
 * LeakgateError as its cause): ours on top, the code's error as its cause. One failure, which
 * names the leak first, also where causes are dropped (Jest 29's JSON results). Built anew: the
 * code's error keeps its own cause, so the two cannot simply swap (a cycle). Undefined when
 * `thrown` is not such an error.
 */
export function leakFirst(thrown: unknown, ours: readonly Error[]): Error | undefined {
  if (thrown === null || typeof thrown !== 'object') return undefined
  const cause = (thrown as { cause?: unknown }).cause
  const leak = ours.find((error) => error === cause)
  if (!leak) return undefined
  const top = Object.create(Object.getPrototypeOf(leak) as object) as Error
  for (const key of Reflect.ownKeys(leak)) {
    Object.defineProperty(top, key, Object.getOwnPropertyDescriptor(leak, key) as PropertyDescriptor)
  }
  const original = thrown as Error
  const shown = new Error(String(original.message))
  Object.defineProperty(shown, 'name', { value: original.name, configurable: true, writable: true })
  Object.defineProperty(shown, 'stack', { value: original.stack, configurable: true, writable: true })
  Object.defineProperty(top, 'cause', { value: shown, configurable: true, writable: true, enumerable: false })
  return top
}

/**
 * `thrown` as the test shows it when its message carries `message`, the text of an earlier
 * test's violation (a library kept it: esbuild's service fails every later call with "The
 * service is no longer running: …"): a copy whose text has `retold` in its place. Undefined
 * when it does not carry it.
 */
export function retold(thrown: unknown, message: string, retoldMessage: string): Error | undefined {
  if (thrown === null || typeof thrown !== 'object') return undefined
  const original = thrown as Error
  if (typeof original.message !== 'string' || !original.message.includes(message)) return undefined
  const copy = Object.create(Object.getPrototypeOf(original) as object) as Error
  for (const key of Reflect.ownKeys(original)) {
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(original, key) as PropertyDescriptor)
  }
  const swap = (text: unknown) => (typeof text === 'string' ? text.split(message).join(retoldMessage) : text)
  Object.defineProperty(copy, 'message', { value: swap(original.message), configurable: true, writable: true })
  Object.defineProperty(copy, 'stack', { value: swap(original.stack), configurable: true, writable: true })
  return copy
}

/** True when some error of `errors` (or its causes) carries `message` in its own. */
export function carriesMessage(errors: readonly TestError[], message: string): boolean {
  return errors.some((entry) => {
    for (const inner of errorChain(Array.isArray(entry) ? entry[0] : entry)) {
      const text = (inner as { message?: unknown }).message
      if (typeof text === 'string' && text.includes(message)) return true
    }
    return false
  })
}
