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
  body: RegExp
}

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

/**
 * The benign shape this generated code has, if any. `params` are the parameter sources as
 * given to the constructor (one may hold several names: `'a, b'`); `body` is the body source.
 */
export function matchBenignShape(event: string, params: readonly string[], body: string): BenignShape | undefined {
  if (body.length > MAX_SHAPE_LENGTH) return undefined
  const names =
    params.length === 0
      ? ''
      : params
          .join(',')
          .split(',')
          .map((name) => name.trim())
          .join(',')
  if (names.length > MAX_SHAPE_LENGTH) return undefined
  for (const shape of BENIGN_SHAPES) {
    if (shape.events.includes(event) && shape.params.test(names) && shape.body.test(body)) return shape
  }
  return undefined
}
