import { sha256, utf8 } from './sha256.js'

// Known-benign code generators, allowed by default (issue 10.8) and matched by the SHAPE of the
// code they generate, never by the package that asks: a compromised package generating anything
// else is still caught, and a package generating one of these shapes could have written the
// same code without generating it. Every shape is fixed text with at most a run of numbered
// parameter names in it (an arity); nothing a caller controls beyond that. Allowed events stay
// in the report (rule `benign shape: …`, source `default`); `strict: true` turns them off.
//
// Found in popular packages (each is the generated code, parameters first):
// - `return this` (core-js, lodash, regenerator, babel-plugin-istanbul's coverage preamble,
//   globalThis polyfills): the global object, strict or not;
// - depd 2's deprecation wrapper (express 4.18+, body-parser, send, http-errors): a function of
//   the wrapped one's arity that logs and calls it;
// - function-bind (call-bind, get-intrinsic, es-abstract: under qs and Express 5): a bound
//   function of the target's arity that calls the binder;
// - syntax probes for the hidden constructors (async-function, generator-function,
//   async-generator-function, is-generator-function, get-intrinsic 1.1-1.2): an empty function
//   of that kind, or its `.constructor`;
// - bluebird 3.5-3.7's join helpers, compiled as it loads where there is no `navigator` (Node
//   20; Node 21+ defines one, and bluebird then compiles nothing): for each arity 1 to 8, a
//   holder class, its fulfillment callback and its promise setter (js/release/join.js). Fixed
//   text with the arity written in, matched exactly, by content hash: the three generated lists
//   of the 8 texts are bluebird's own, nothing of a caller's reaches them. (What bluebird
//   compiles later, `promisify`'s wrappers, carries the wrapped function's and method's names:
//   not fixed, so `{ from: 'bluebird' }`.)
// - promise 7-8's `denodeify` (then/promise; under pug, through jstransformer, at import): a
//   function of `a0, a1, …` that calls `fn` with a callback settling the promise, its text
//   regenerated here from the arity and compared whole (lib/node-extensions.js; the arity is
//   `'a' + i` for numbers, or `Math.max(fn.length - 1, 3)`, a number).
// - regenerator-runtime's global assignment in strict-mode bundles: `regeneratorRuntime = r`;
// - a dynamic-import trampoline, `return import(modulePath)` (real-require 0.2/1.0, under pino's
//   transports and thread-stream's worker; TypeScript-compiled CommonJS keeping an `import()`
//   that a bundler or `tsc` would otherwise rewrite): it hands out what the caller's own
//   `import()` would, and a `data:` URL it is given is decided as any `import('data:…')` is.
//
// Not a shape: an empty body (`new Function('')`). It compiles nothing that runs, but its one
// use in the wild is a probe asking whether code may be generated, before generating code that
// is no fixed text: zod 4 (`allowsEval`) then compiles each object schema's parser from its keys.
// Refused, the probe fails as it would under a CSP and the package takes its slower path
// (recorded: the test names zod); allowed as a shape, the probe would pass and the parser's
// compile be refused inside the test's `parse()`, the package's fallback never reached. zod is
// in the opt-in `'benign'` preset instead (policy.ts), which allows both.

export interface BenignShape {
  /** Shown as the allowing rule: `benign shape: <name>`. */
  name: string
  /** The code generators it applies to (`Function`, `AsyncFunction`, …). */
  events: readonly string[]
  /** The parameters, joined by commas without spaces. */
  params: RegExp
  /** The body's shape, or: */
  body?: RegExp
  /** the sha256 (hex) of each text it may be, exactly: `<names>\0<body>` (too long for a pattern). */
  texts?: ReadonlySet<string>
  /** or: the body is this text, rebuilt from the arity its parameter list has. */
  rebuild?: (arity: number) => readonly string[]
}

// promise 7.1-8.3, lib/node-extensions.js: denodeifyWithCount and denodeifyWithoutCount.
const PROMISE_CALLBACK = 'function (err, res) {if (err) { rj(err); } else { rs(res); }}'
const PROMISE_SETTLE =
  'if (res &&(typeof res === "object" || typeof res === "function") &&typeof res.then === "function") {rs(res);}});};'
function promiseDenodeify(arity: number): readonly string[] {
  const args = Array.from({ length: arity }, (_, i) => `a${i}`)
  const head = `return function (${args.join(',')}) {var self = this;`
  const withCount = `${head}return new Promise(function (rs, rj) {var res = fn.call(${['self', ...args, PROMISE_CALLBACK].join(',')});${PROMISE_SETTLE}`
  const cases = [...args, 'extra']
    .map((_, index) => `case ${index}:res = fn.call(${['self', ...args.slice(0, index), 'cb'].join(',')});break;`)
    .join('')
  const withoutCount =
    arity < 3
      ? undefined
      : `${head}var args;var argLength = arguments.length;if (arguments.length > ${arity}) {args = new Array(arguments.length + 1);for (var i = 0; i < arguments.length; i++) {args[i] = arguments[i];}}return new Promise(function (rs, rj) {var cb = ${PROMISE_CALLBACK};var res;switch (argLength) {${cases}default:args[argLength] = cb;res = fn.apply(self, args);}${PROMISE_SETTLE}`
  return withoutCount === undefined ? [withCount] : [withCount, withoutCount]
}
const PROMISE_ARITY = /^return function \(((?:a0(?:,a\d{1,3})*)?)\) \{/

const FUNCTION = ['Function']
const NONE = /^$/
const SYNTAX = '(?:async function\\s*\\*?|function\\s*\\*)\\s*\\(\\)\\s*\\{\\s*\\}'

export const BENIGN_SHAPES: readonly BenignShape[] = [
  {
    name: 'the global object (return this)',
    events: FUNCTION,
    params: NONE,
    body: /^\s*(?:(['"])use strict\1;?\s*)?return this;?\s*$/,
  },
  {
    name: "depd's deprecation wrapper",
    events: FUNCTION,
    params: /^fn,log,deprecate,message,site$/,
    body: /^"use strict"\nreturn function \((?:arg0(?:, arg\d{1,3})*)?\) \{log\.call\(deprecate, message, site\)\nreturn fn\.apply\(this, arguments\)\n\}$/,
  },
  {
    name: "function-bind's bound function",
    events: FUNCTION,
    params: /^binder$/,
    body: /^return function \((?:\$0(?:,\$\d{1,3})*)?\)\{ return binder\.apply\(this,arguments\); \}$/,
  },
  {
    name: 'a syntax probe for a function constructor',
    events: FUNCTION,
    params: NONE,
    body: new RegExp(
      `^\\s*(?:(['"])use strict\\1;?\\s*)?return\\s+(?:${SYNTAX}|\\(\\s*${SYNTAX}\\s*\\)\\.constructor)\\s*;?\\s*$`,
    ),
  },
  {
    name: "bluebird's join helpers",
    events: FUNCTION,
    params: /^(?:tryCatch,errorObj,Promise,async|value,holder|promise,holder)$/,
    // Parameters and body of each of bluebird 3.7.2's `new Function` calls at load (3.5.5's are the same).
    texts: new Set([
      '190fa2f6f4bbdd236f278ce888766e4f963eb17164874912b81ee399187536fe',
      '1db4e0dff66ac7c72a92c54c36e22e84d4d84b7be3be2bbb6ebb0ea05ae9908e',
      '2068ebab7c298859b904f64206975c7b09dbd1b42f454db97744274aeb8820de',
      '20e334935de8145dfd3552558fd3ee678ce9c2f6b709a1d7c105a4c948cd65da',
      '328674640878a51b44db4fe39c81ac9149032bab579d8703d94c5f2c34976950',
      '476b82fb255595ec8adfcffc93bf3576c9091008375b249d70759d4c989ba60d',
      '4b8295b15d0f6e1373a0a561902bfba1e8d31202d01a62d2867fa2bf75116525',
      '524acc9aa15247d899a80c0cd47a50fd15306a1795157ccb937cbea9c1f918f6',
      '59b0378118db2d23b0ce5a2d2f0c3cd59d7e5c083b7e9deabfc6a0061f84de64',
      '67d8f7302b9c2c10930283646b0640fecc304aae8c7d915430aebf9e1eee0548',
      '9acb7bf8494171864b7eb36ae57c139480070daf5a8612eb3989012ec0e941a2',
      'a363cbd9c510537da20384e5920b351a80b36ac60fb7ff0452827383bb8a1853',
      'bb937b12a915c5708682904bb220fab2f0224b6d7af1d19a576315d5ca30dbdb',
      'c6c123e78fa22b63c13d6777acb9107e75cce70baa8e2df8a9bce7307c5f40c3',
      'ce706f7833f1f9a0db2333811808e19c804cb8a7169a7b8dd3a1744d2fc9c846',
      'ceef4cab2831dc4e3ad118baae0ad795d0858fa3c07ed60d238f02e2e2e5e147',
      'd58f45e922c431c26641cec942dd453c284e3fd9622dd41b16984dd102c28436',
      'dbbaf40c5d4d55b1c47aba379e48a5044b5a66ef1e8417b352acb4d3e69b7acf',
      'e4f037a26a32e9a2e6a7458cb4979a7b67a3301719ab1471a544850a767eb704',
      'ef69fc1e9b01785b498bef4f831851107d62fb18f87b509531e31596347f5697',
      'f07749d280a62f76e6db66006d598e23e41fd8a9e03ee64a078af5e16271da19',
      'f1a70a24b5bfa193441ba787f216071e6df1c3841c02d6b07c1c21415e97509c',
      'fe8bba2d9a0218006a0ed20cf1db79846f1e1ffc673d0735c42002ecfbd0806f',
      'ffa217927689c78eef21144006b1b40cfb6d251e22021550d672947bf50c9019',
    ]),
  },
  {
    name: "promise's denodeify wrapper",
    events: FUNCTION,
    params: /^Promise,fn$/,
    rebuild: promiseDenodeify,
  },
  {
    name: "regenerator-runtime's global",
    events: FUNCTION,
    params: /^r$/,
    body: /^regeneratorRuntime = r$/,
  },
  {
    name: 'a dynamic import() trampoline',
    events: FUNCTION,
    params: /^[A-Za-z_$][\w$]{0,63}$/,
    body: /^\s*(?:(['"])use strict\1;?\s*)?return\s+import\(\s*[A-Za-z_$][\w$]{0,63}\s*\)\s*;?\s*$/,
  },
]

/** Generated code longer than any shape is not one (and is not scanned). */
const MAX_SHAPE_LENGTH = 4096
/** Fixed texts matched by hash may be longer (bluebird's 8-ary holder class: 6076). */
const MAX_TEXT_LENGTH = 8192

/**
 * The benign shape this generated code has, if any. `params` are the parameter sources as
 * given to the constructor (one may hold several names: `'a, b'`); `body` is the body source.
 */
export function matchBenignShape(event: string, params: readonly string[], body: string): BenignShape | undefined {
  if (body.length > MAX_TEXT_LENGTH) return undefined
  const names =
    params.length === 0
      ? ''
      : params
          .join(',')
          .split(',')
          .map((name) => name.trim())
          .join(',')
  if (names.length > MAX_SHAPE_LENGTH) return undefined
  let digest: string | undefined
  for (const shape of BENIGN_SHAPES) {
    if (!shape.events.includes(event) || !shape.params.test(names)) continue
    if (shape.body) {
      if (body.length <= MAX_SHAPE_LENGTH && shape.body.test(body)) return shape
    } else if (shape.texts) {
      digest ??= sha256(utf8(`${names}\u0000${body}`))
      if (shape.texts.has(digest)) return shape
    } else if (shape.rebuild) {
      const list = PROMISE_ARITY.exec(body)?.[1]
      if (list === undefined) continue
      const arity = list === '' ? 0 : list.split(',').length
      if (shape.rebuild(arity).includes(body)) return shape
    }
  }
  return undefined
}
