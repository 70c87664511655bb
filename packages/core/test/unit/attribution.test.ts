import { describe, expect, test } from 'vitest'
import { FrameFilter, packageOf, StackCapture } from '../../src/attribution.js'

describe('StackCapture', () => {
  test('a builtin frame (no file) before the caller does not hide the caller', () => {
    const filter = new FrameFilter()
    filter.frameworkPaths.push('/attribution.test.ts')
    function capture(): StackCapture {
      return new StackCapture(filter, capture)
    }
    // Array.prototype.map is the first frame above `capture`, and it has no file.
    const [stack] = [0].map(capture)
    expect(stack?.origin()?.file).toMatch(/attribution\.test\.ts$/)
  })

  test('the caller is the first frame outside Node and leakgate', () => {
    const filter = new FrameFilter()
    function capture(): StackCapture {
      return new StackCapture(filter, capture)
    }
    const stack = capture()
    expect(stack.origin()?.file).toMatch(/attribution\.test\.ts$/)
    expect(stack.hasProjectFrame()).toBe(true)
  })
})

test('packageOf names the package of a file, scoped or not, nested node_modules included', () => {
  expect(packageOf('/p/node_modules/ajv/dist/core.js')).toBe('ajv')
  expect(packageOf('/p/node_modules/@scope/pkg/index.js')).toBe('@scope/pkg')
  expect(packageOf('/p/node_modules/a/node_modules/b/x.js')).toBe('b')
  expect(packageOf('/p/src/x.js')).toBeUndefined()
})
