import { describe, expect, test } from 'vitest'
import { matchBenignShape } from '../../src/rules/benign.js'

// The known-benign generators are matched by the code they generate (issue 10.8): each shape
// exactly as the packages build it, and near misses that must not match (anything a caller could
// use to run code of its own).

/** What depd 2 passes to `new Function` for a wrapped function of this arity. */
function depd(arity: number): [string[], string] {
  const args = Array.from({ length: arity }, (_, i) => `arg${i}`).join(', ')
  return [
    ['fn', 'log', 'deprecate', 'message', 'site'],
    `"use strict"\nreturn function (${args}) {log.call(deprecate, message, site)\nreturn fn.apply(this, arguments)\n}`,
  ]
}

/** What function-bind passes to `Function` for a bound function of this arity. */
function functionBind(arity: number): [string[], string] {
  const args = Array.from({ length: arity }, (_, i) => `$${i}`).join(',')
  return [['binder'], `return function (${args}){ return binder.apply(this,arguments); }`]
}

const name = (params: readonly string[], body: string, event = 'Function') =>
  matchBenignShape(event, params, body)?.name

describe('matchBenignShape', () => {
  test.each([0, 1, 2, 3, 12])("depd's deprecation wrapper of arity %i", (arity) => {
    const [params, body] = depd(arity)
    expect(name(params, body)).toBe("depd's deprecation wrapper")
  })

  test.each([0, 1, 3])("function-bind's bound function of arity %i", (arity) => {
    const [params, body] = functionBind(arity)
    expect(name(params, body)).toBe("function-bind's bound function")
  })

  test.each(['return this', 'return this;', ' return this ', '"use strict"; return this', "'use strict';return this;"])(
    'the global object: %j',
    (body) => {
      expect(name([], body)).toBe('the global object (return this)')
    },
  )

  test.each([
    'return async function () {}',
    'return function* () {}',
    'return function*() {}',
    'return async function* () {}',
    '"use strict"; return (async function () {}).constructor;',
    '"use strict"; return (function* () {}).constructor;',
    '"use strict"; return (async function* () {}).constructor;',
  ])('a syntax probe: %j', (body) => {
    expect(name([], body)).toBe('a syntax probe for a function constructor')
  })

  test("regenerator-runtime's global", () => {
    expect(name(['r'], 'regeneratorRuntime = r')).toBe("regenerator-runtime's global")
  })

  // real-require 1.0.0 (src/index.js:4, under pino 10's transports and thread-stream's worker):
  // `new Function('modulePath', 'return import(modulePath)')`, and the same trampoline as
  // TypeScript-compiled CommonJS writes it to keep an `import()`.
  test.each([
    [['modulePath'], 'return import(modulePath)'],
    [['specifier'], 'return import(specifier);'],
    [['m'], '"use strict"; return import(m)'],
  ])('a dynamic import() trampoline: %j %j', (params, body) => {
    expect(name(params, body)).toBe('a dynamic import() trampoline')
  })

  test('parameters given as one string are read as names', () => {
    expect(name(['fn, log', 'deprecate,message', ' site'], depd(1)[1])).toBe("depd's deprecation wrapper")
  })

  test.each([
    ['return this.process', []],
    ['return this; fetch("x")', []],
    ['return globalThis', []],
    ['return this', ['a']],
    [
      '"use strict"\nreturn function (arg0) {log.call(deprecate, message, site)\nreturn fn.apply(this, arguments)\n}; require("child_process")',
      depd(1)[0],
    ],
    [
      '"use strict"\nreturn function (arg0) {log.call(deprecate, message, site)\nreturn fn.apply(this, arguments)\n}',
      ['fn', 'log', 'deprecate', 'message'],
    ],
    [
      '"use strict"\nreturn function (x = require("fs")) {log.call(deprecate, message, site)\nreturn fn.apply(this, arguments)\n}',
      depd(1)[0],
    ],
    ['return function ($0,$1){ return binder.apply(this,arguments); process.exit() }', ['binder']],
    ['return function (a){ return binder.apply(this,arguments); }', ['binder']],
    ['return async function () { await x }', []],
    ['return (async function () {}).constructor("evil")', []],
    ['regeneratorRuntime = r; r()', ['r']],
    ['return import(modulePath).then((m) => m.run())', ['modulePath']],
    ['return import(modulePath); process.exit()', ['modulePath']],
    ['return import("data:text/javascript,process.exit()")', ['modulePath']],
    ['return import(a, b)', ['a']],
    ['return import(modulePath)', ['modulePath', 'b']],
    ['return import(modulePath)', ['x = process.exit()']],
    ['return 1', []],
  ] as [string, string[]][])('not benign: %j (%j)', (body, params) => {
    expect(name(params, body)).toBeUndefined()
  })

  test('only the Function constructor generates these shapes', () => {
    expect(name([], 'return this', 'AsyncFunction')).toBeUndefined()
    expect(name([], 'return this', 'eval')).toBeUndefined()
    expect(name([], 'return this', 'vm.Script')).toBeUndefined()
  })

  test('code past any shape length is not scanned', () => {
    expect(name([], `return this${' '.repeat(5000)}`)).toBeUndefined()
  })
})
