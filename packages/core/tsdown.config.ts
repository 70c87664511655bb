import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['src/index.ts', 'src/report.ts', 'src/session.ts', 'src/preload.ts', 'src/register.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  dts: true,
  shims: true,
  clean: true,
  outDir: 'dist',
})
