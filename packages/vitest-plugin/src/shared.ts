import type { LeakgateOptions } from '@leakgate/core'

// What the plugin (Vitest's main process) hands to the setup file (every worker) through
// Vitest's `provide`/`inject`. It must survive structured cloning: plain JSON only.

/** The `provide` key. */
export const PROVIDE_KEY = '__leakgate'

export interface WorkerPayload {
  /** Bumped when this shape changes incompatibly. */
  protocol: 1
  /** Core options, validated in the main process; `sinkDir` is set per run. */
  options: LeakgateOptions
}

/**
 * Where Vitest compiles code on its own account (module loading, snapshot files, the vm pools'
 * context set-up). Code generation whose first caller outside Node and leakgate is in one of
 * these is trusted; trust never applies to `net` or `exec`. Verified on Vitest 3.2, 4.1, 5.1
 * (research/frameworks.md §4). jsdom is trusted only for creating its window and compiling CSS
 * selectors: its `<script>` and `on*` attributes run code the test supplies, and stay audited.
 */
export const FRAMEWORK_PATHS: readonly string[] = [
  '/node_modules/vitest/dist/',
  '/node_modules/vite-node/dist/',
  '/node_modules/tinypool/dist/',
  '/node_modules/vite/dist/node/module-runner',
  '/node_modules/@vitest/runner/dist/',
  '/node_modules/@vitest/snapshot/dist/',
  '/node_modules/@vitest/utils/dist/',
  '/node_modules/@vitest/mocker/dist/',
  '/node_modules/@vitest/spy/dist/',
  '/node_modules/@vitest/expect/dist/',
  '/node_modules/@vitest/pretty-format/dist/',
  '/node_modules/@vitest/coverage-v8/dist/',
  '/node_modules/@vitest/coverage-istanbul/dist/',
  '/node_modules/jsdom/lib/jsdom/browser/Window.js',
  // jsdom's CSS selector engine compiles every selector to a function (querySelector, matches).
  '/node_modules/nwsapi/src/nwsapi.js',
  '/node_modules/@asamuzakjp/nwsapi/src/nwsapi.js',
]
