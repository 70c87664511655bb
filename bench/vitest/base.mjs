// What every Vitest configuration of the macro suite shares: the suite under bench/suite,
// Vitest's defaults otherwise (pool, workers, isolation), as a user would run it.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../suite', import.meta.url))

/** A Vitest config for the suite, with `plugins` and `setupFiles` added. */
export function suiteConfig({ plugins = [], setupFiles = [] } = {}) {
  return {
    plugins,
    root,
    test: {
      globals: true,
      include: ['tests/**/*.test.js'],
      setupFiles: [...setupFiles, ...probe()],
      // For profiling the workers: LEAKGATE_BENCH_EXECARGV='--cpu-prof --cpu-prof-dir=/tmp/prof'
      // (NODE_OPTIONS refuses --cpu-prof).
      execArgv: process.env.LEAKGATE_BENCH_EXECARGV?.split(' ').filter(Boolean) ?? [],
    },
  }
}

// `npm run bench` measures when each worker is ready with a setup file of its own, last.
function probe() {
  return process.env.LEAKGATE_BENCH_PROBE ? [path.join(root, '..', 'probe', 'ready.js')] : []
}
