import { describe, expect, test } from 'vitest'
import {
  type DescribeBlock,
  declarationFrame,
  fullName,
  hasProjectFrame,
  isGeneratorFunction,
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
