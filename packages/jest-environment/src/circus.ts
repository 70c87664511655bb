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
