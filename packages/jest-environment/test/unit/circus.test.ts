import { describe, expect, test } from 'vitest'
import {
  type DescribeBlock,
  declarationFrame,
  fullName,
  hasProjectFrame,
  holdsError,
  isGeneratorFunction,
  leakFirst,
  type TestEntry,
} from '../../src/circus.js'

const root: DescribeBlock = { type: 'describeBlock', name: 'ROOT_DESCRIBE_BLOCK', children: [], hooks: [] }
const outer: DescribeBlock = { type: 'describeBlock', name: 'payments', parent: root, children: [], hooks: [] }
const inner: DescribeBlock = { type: 'describeBlock', name: 'cards', parent: outer, children: [], hooks: [] }

function entry(name: string, parent: DescribeBlock, extra: Partial<TestEntry> = {}): TestEntry {
  return { type: 'test', name, parent, fn: () => {}, concurrent: false, errors: [], ...extra }
}

describe('fullName', () => {
  test('joins describe blocks with " > ", without the root block', () => {
    expect(fullName(entry('charges', inner))).toBe('payments > cards > charges')
    expect(fullName(entry('top level', root))).toBe('top level')
  })
})

describe('holdsError', () => {
  test('finds an error on its own or as the first of circus’s [error, asyncError] pair', () => {
    const error = new Error('x')
    expect(holdsError([error], error)).toBe(true)
    expect(holdsError([[error, new Error('where')]], error)).toBe(true)
    expect(holdsError([new Error('x')], error)).toBe(false)
  })

  test('finds it as the cause of another (fetch) or among the errors an AggregateError holds', () => {
    const error = new Error('ours')
    expect(holdsError([new TypeError('fetch failed', { cause: error })], error)).toBe(true)
    expect(holdsError([[new Error('outer', { cause: new AggregateError([error]) }), undefined]], error)).toBe(true)
    expect(holdsError([new TypeError('fetch failed', { cause: new Error('ours') })], error)).toBe(false)
  })

  test('a cause that loops back on itself ends the search', () => {
    const a = new Error('a')
    const b = new Error('b', { cause: a })
    ;(a as { cause?: unknown }).cause = b
    expect(holdsError([a], new Error('x'))).toBe(false)
  })
})

describe('leakFirst', () => {
  test("fetch's TypeError caused by ours: ours on top, caused by a copy of the TypeError (no cycle)", () => {
    const ours = new Error('blocked net.connect')
    const thrown = new TypeError('fetch failed', { cause: ours })
    const top = leakFirst(thrown, [ours]) as Error & { cause: Error }
    expect(top.message).toBe('blocked net.connect')
    expect(top.stack).toBe(ours.stack)
    expect(top.cause.message).toBe('fetch failed')
    expect(top.cause.name).toBe('TypeError')
    expect(top.cause.stack).toBe(thrown.stack)
    expect(top.cause.cause).toBeUndefined()
    expect(thrown.cause).toBe(ours)
  })

  test('any other error is left alone', () => {
    const ours = new Error('ours')
    expect(leakFirst(new TypeError('fetch failed', { cause: new Error('other') }), [ours])).toBeUndefined()
    expect(leakFirst(ours, [ours])).toBeUndefined()
    expect(leakFirst('a string', [ours])).toBeUndefined()
  })
})

describe('hasProjectFrame and declarationFrame', () => {
  test('a stack needs an "at file:line:column" line outside node_modules; "called at" rows are no frames', () => {
    expect(hasProjectFrame('LeakgateError: blocked\n\n  called at  tests/a.test.js:3:4\n')).toBe(false)
    expect(hasProjectFrame('LeakgateError: blocked\n    at /abs/tests/a.test.js:3:4')).toBe(true)
    expect(hasProjectFrame('LeakgateError: blocked\n    at /p/node_modules/jest-runtime/build/index.js:1:2')).toBe(
      false,
    )
    expect(hasProjectFrame(undefined)).toBe(false)
  })

  test('the declaration is the first frame outside node_modules and Node', () => {
    const asyncError = {
      stack:
        'Error: \n    at _addTest (/p/node_modules/jest-circus/build/index.js:1:1)\n' +
        '    at Object.<anonymous> (/p/tests/a.test.js:12:1)\n    at node:internal/x:1:1',
    }
    expect(declarationFrame({ asyncError })).toBe('    at Object.<anonymous> (/p/tests/a.test.js:12:1)')
    expect(declarationFrame({})).toBeUndefined()
  })
})

test('isGeneratorFunction tells generator tests (run through co) apart', () => {
  expect(isGeneratorFunction(function* () {})).toBe(true)
  expect(isGeneratorFunction(async function* () {})).toBe(true)
  expect(isGeneratorFunction(async () => {})).toBe(false)
  expect(isGeneratorFunction(() => {})).toBe(false)
})
