import type { TrustedOperation } from '../trusted-operations.js'

// jsdom compiles code on its own account as it sets a window up, whichever runner created that
// window (Jest's jsdom environment, Vitest's, or a runner's global-jsdom): one list here, which
// an adapter adds to its framework's own. Traced on jsdom 20 to 29 under Jest 29.7 and 30.5 and
// Vitest 3.2, 4.1 and 5.1. Its string timers, `<script>` elements and `on*` attributes run the
// test's code and stay audited: they are no operation.

/**
 * jsdom's frames as it creates a window and matches CSS selectors: never blamed for an event,
 * never the package a `{ from }` rule names. Paths start at `/jsdom/` because
 * jest-environment-jsdom 30 ships its own nested jsdom.
 */
export const JSDOM_PATHS: readonly string[] = [
  '/jsdom/lib/jsdom/browser/Window.js',
  // jsdom's CSS selector engine compiles every selector to a function (querySelector, matches).
  '/node_modules/nwsapi/src/nwsapi.js',
  '/node_modules/@asamuzakjp/nwsapi/src/nwsapi.js',
]

/** The names jsdom's window set-up evaluates: `this` and its globals' names, nothing else. */
const IDENTIFIER = /^(?:this|[A-Za-z_$][\w$]*)$/
/** jsdom's functions that set a window up (20: `setupWindow`, `Window`; 26+: `createWindow`). */
const WINDOW_SETUP = ['exports.createWindow', 'createWindow', 'setupWindow', 'Window']
/** The probe for %AsyncIteratorPrototype% in webidl2js's generated utils. */
const ASYNC_ITERATOR_PROBE = /^\(async function\* \(\) \{\}\)$/

/**
 * jsdom's own code generation: creating its window (`this` and global names only), finding
 * %AsyncIteratorPrototype% with a window's eval as it sets that window up (an iframe's during a
 * test too), and nwsapi compiling a CSS selector.
 */
export const JSDOM_OPERATIONS: readonly TrustedOperation[] = [
  { file: '/jsdom/lib/jsdom/browser/Window.js', fn: WINDOW_SETUP, compiles: 'own', code: IDENTIFIER },
  // jsdom 29: lib/generated/idl/utils.js; 20-26: lib/jsdom/living/generated/utils.js. The same
  // probe in the webidl2js output of the packages jsdom 20 installs on a window.
  ...[
    '/jsdom/lib/generated/idl/utils.js',
    '/jsdom/lib/jsdom/living/generated/utils.js',
    '/node_modules/domexception/lib/utils.js',
    '/node_modules/whatwg-url/lib/utils.js',
  ].map((file): TrustedOperation => ({ file, fn: ['initCtorRegistry'], compiles: 'own', code: ASYNC_ITERATOR_PROBE })),
  { file: '/node_modules/nwsapi/src/nwsapi.js', fn: ['compile'], compiles: 'own' },
  { file: '/node_modules/@asamuzakjp/nwsapi/src/nwsapi.js', fn: ['compile'], compiles: 'own' },
]
