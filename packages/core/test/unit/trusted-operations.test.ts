import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { FrameFilter, StackCapture } from '../../src/attribution.js'
import { compilingFrame, isTrustedOperation, namesRealFile } from '../../src/trusted-operations.js'

// The operation is the function that asked (the first frame below the vm API and leakgate),
// never a framework frame further down; a module operation needs a real file.

const here = fileURLToPath(import.meta.url)

function filterWith(...operations: FrameFilter['operations']): FrameFilter {
  const filter = new FrameFilter()
  filter.frameworkPaths.push('/trusted-operations.test.ts')
  filter.operations.push(...operations)
  return filter
}

describe('isTrustedOperation', () => {
  test('the function that compiles is the operation, a builtin frame before it does not hide it', () => {
    const filter = filterWith({ file: '/trusted-operations.test.ts', fn: ['compileOwn'], compiles: 'own' })
    function capture(): StackCapture {
      return new StackCapture(filter, capture)
    }
    function compileOwn(): StackCapture {
      const [stack] = [0].map(capture)
      return stack as StackCapture
    }
    expect(compilingFrame(compileOwn(), filter)?.fn).toBe('compileOwn')
    expect(isTrustedOperation(compileOwn(), filter, 'this')).toBe(true)
  })

  test('a wrapper of the same framework calling the generator is not the operation', () => {
    const filter = filterWith({ file: '/trusted-operations.test.ts', fn: ['compileOwn'], compiles: 'own' })
    function capture(): StackCapture {
      return new StackCapture(filter, capture)
    }
    function mock(impl: () => StackCapture): StackCapture {
      return impl()
    }
    function compileOwn(): StackCapture {
      return mock(capture)
    }
    expect(isTrustedOperation(compileOwn(), filter, 'this')).toBe(false)
  })

  test('a module operation needs the compile named after a real file', () => {
    const filter = filterWith({ file: '/trusted-operations.test.ts', fn: ['loadModule'], compiles: 'module' })
    function capture(): StackCapture {
      return new StackCapture(filter, capture)
    }
    function loadModule(): StackCapture {
      return capture()
    }
    expect(isTrustedOperation(loadModule(), filter, 'code', here)).toBe(true)
    expect(isTrustedOperation(loadModule(), filter, 'code', `file://${here}`)).toBe(true)
    expect(isTrustedOperation(loadModule(), filter, 'code', `${here}.missing`)).toBe(false)
    expect(isTrustedOperation(loadModule(), filter, 'code', 'data:text/javascript,1')).toBe(false)
    expect(isTrustedOperation(loadModule(), filter, 'code', undefined)).toBe(false)
  })

  test('a module operation trusts the ids of modules the framework serves itself, those only', () => {
    const filter = filterWith({
      file: '/trusted-operations.test.ts',
      fn: ['loadModule'],
      compiles: 'module',
      ids: /^\/@vite\/env$/,
    })
    function capture(): StackCapture {
      return new StackCapture(filter, capture)
    }
    function loadModule(): StackCapture {
      return capture()
    }
    expect(isTrustedOperation(loadModule(), filter, 'code', '/@vite/env')).toBe(true)
    expect(isTrustedOperation(loadModule(), filter, 'code', '/@vite/env?x')).toBe(false)
    expect(isTrustedOperation(loadModule(), filter, 'code', '/@id/virtual:made-up')).toBe(false)
  })

  test('an operation with fixed code trusts that code only', () => {
    const filter = filterWith({ file: '/trusted-operations.test.ts', fn: '*', compiles: 'own', code: /^this$/ })
    function capture(): StackCapture {
      return new StackCapture(filter, capture)
    }
    function setUp(): StackCapture {
      return capture()
    }
    expect(isTrustedOperation(setUp(), filter, 'this')).toBe(true)
    expect(isTrustedOperation(setUp(), filter, 'process.exit()')).toBe(false)
    expect(isTrustedOperation(setUp(), filter, undefined)).toBe(false)
  })

  test('no operation, no trust, whatever the frames', () => {
    const filter = filterWith()
    function capture(): StackCapture {
      return new StackCapture(filter, capture)
    }
    expect(isTrustedOperation(capture(), filter, 'this')).toBe(false)
  })
})

test('namesRealFile: a path or file: URL of an existing file, nothing else', () => {
  expect(namesRealFile(here)).toBe(true)
  expect(namesRealFile(`file://${here}`)).toBe(true)
  expect(namesRealFile(`${here}?v=1`)).toBe(false)
  expect(namesRealFile('/')).toBe(false)
  expect(namesRealFile('relative.js')).toBe(false)
  expect(namesRealFile('')).toBe(false)
  expect(namesRealFile(undefined)).toBe(false)
  expect(namesRealFile({ toString: () => here })).toBe(false)
})
