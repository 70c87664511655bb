import { describe, expect, test } from 'vitest'
import { hideOwnFrames, withoutOwnFrames } from '../../src/own-frames.js'

// leakgate's frames (the adapters' wrappers, Engine.runInScope) under a test's own, as they
// appear in the stack of every error a test throws; what is left must be what Node printed.

const OWN = ['/repo/node_modules/@leakgate/core/dist/', '/repo/node_modules/@leakgate/jest-environment/dist/']

const stack = [
  'Error: expect(received).toBe(expected)',
  '    at Object.toBe (/repo/tests/a.test.js:3:17)',
  '    at /repo/node_modules/@leakgate/jest-environment/dist/realm-CoaStYiK.cjs:155:55',
  '    at AsyncLocalStorage.run (node:async_hooks:346:14)',
  '    at Engine.runInScope (/repo/node_modules/@leakgate/core/dist/runtime-btA7fPms.cjs:1428:31)',
  '    at Object.<anonymous> (file:///repo/node_modules/@leakgate/jest-environment/dist/realm-CoaStYiK.mjs:155:21)',
  '    at Promise.then.completed (/repo/node_modules/jest-circus/build/utils.js:298:28)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
].join('\n')

describe('withoutOwnFrames', () => {
  test("drops leakgate's frames and Node's between them; keeps the test's, the runner's and Node's elsewhere", () => {
    expect(withoutOwnFrames(stack, OWN).split('\n')).toEqual([
      'Error: expect(received).toBe(expected)',
      '    at Object.toBe (/repo/tests/a.test.js:3:17)',
      '    at Promise.then.completed (/repo/node_modules/jest-circus/build/utils.js:298:28)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ])
  })

  test('a stack without our frames comes back as the same string; a message line is never a frame', () => {
    const plain = 'TypeError: fetch failed\n    at at /repo/x.js:1:2\n    at async /repo/tests/b.test.js:4:3'
    expect(withoutOwnFrames(plain, OWN)).toBe(plain)
    const message = 'Error: see /repo/node_modules/@leakgate/core/dist/x.cjs:1:2\n    at /repo/a.js:1:1'
    expect(withoutOwnFrames(message, OWN)).toBe(message)
  })
})

describe('hideOwnFrames', () => {
  test('rewrites the stack of the error, its causes and aggregated errors; plain copies too', () => {
    const cause = new Error('inner')
    cause.stack = stack
    const error = new TypeError('outer', { cause: new AggregateError([cause]) })
    error.stack = stack
    const copy = { message: 'serialized', stack }
    hideOwnFrames(error, OWN)
    hideOwnFrames(copy, OWN)
    for (const value of [error.stack, cause.stack, copy.stack]) expect(value).not.toContain('@leakgate')
    expect(Object.keys(error)).toEqual([])
  })

  test('never throws: frozen errors, throwing getters, loops', () => {
    const frozen = Object.freeze(Object.assign(new Error('f'), { stack }))
    expect(() => hideOwnFrames(frozen, OWN)).not.toThrow()
    const getter = Object.defineProperty(new Error('g'), 'stack', {
      get() {
        throw new Error('no')
      },
    })
    expect(() => hideOwnFrames(getter, OWN)).not.toThrow()
    const a = new Error('a')
    const b = new Error('b', { cause: a })
    ;(a as { cause?: unknown }).cause = b
    expect(() => hideOwnFrames(a, OWN)).not.toThrow()
  })
})
