import { defineConfig } from 'tsdown'

// index: the plugin and the reporter (Vitest's main process) plus allowAudit for tests;
// setup: the setup file every test file runs first (Vitest's workers). Vitest itself and
// @leakgate/core stay external: the setup file must get the running Vitest, and every copy of
// core must find the one engine of its process.
export default defineConfig({
  entry: ['src/index.ts', 'src/setup.ts'],
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  dts: true,
  shims: true,
  clean: true,
  outDir: 'dist',
  deps: { neverBundle: ['vitest', /^vitest\//, 'vite', '@leakgate/core'] },
})
