import { defineConfig } from 'tsdown'

// index: the preload (`node --test --import @leakgate/node-test`, or `--require`), ESM and
// CommonJS; run: the wrapper around `run()` from node:test. @leakgate/core stays external:
// every copy of it must find the one engine of its process.
export default defineConfig({
  entry: ['src/index.ts', 'src/run.ts'],
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  dts: true,
  shims: true,
  outDir: 'dist',
  deps: { neverBundle: ['@leakgate/core', /^@leakgate\/core\//] },
})
