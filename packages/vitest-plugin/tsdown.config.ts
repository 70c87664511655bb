import { defineConfig } from 'tsdown'

// index: the plugin and the reporter (Vitest's main process) plus allowAudit for tests, as ESM
// and CommonJS with types. The setup files run in Vitest's workers, loaded by path through
// Vite: ESM only, one for Vitest 4.1+ (around hooks) and one for 3.2/4.0 (vitest/suite).
// Vitest itself and @leakgate/core stay external: a setup file must get the running Vitest,
// and every copy of core must find the one engine of its worker.
const neverBundle = ['vitest', /^vitest\//, 'vite', '@leakgate/core']

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    platform: 'node',
    target: 'node20',
    dts: true,
    shims: true,
    clean: false, // the build script empties dist: two configs write there
    outDir: 'dist',
    deps: { neverBundle },
  },
  {
    entry: { 'setup-modern': 'src/setup/modern.ts', 'setup-legacy': 'src/setup/legacy.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    clean: false,
    outDir: 'dist',
    deps: { neverBundle },
  },
])
