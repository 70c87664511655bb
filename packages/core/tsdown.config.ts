import fs from 'node:fs'
import path from 'node:path'
import { defineConfig } from 'tsdown'

const RUNTIME =
  /[\\/]src[\\/](?!(?:index|report|session|preload|register|cli|links|style)\.ts$|cli[\\/]|report[\\/]|session[\\/]).*(?<!\.d)\.ts$/

export default defineConfig({
  entry: ['src/index.ts', 'src/report.ts', 'src/session.ts', 'src/preload.ts', 'src/register.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  dts: true,
  shims: true,
  clean: true,
  outDir: 'dist',
  // The CommonJS runtime chunk is loaded through build/runtime-loader.cjs, which keeps a V8 code
  // cache of it made after install (see there): the chunk moves to `<name>.code.cjs` and the
  // loader takes its name, so every entry's `require` of the chunk goes through it.
  onSuccess() {
    const dist = path.resolve('dist')
    const loader = fs.readFileSync(path.resolve('build/runtime-loader.cjs'), 'utf8')
    for (const file of fs.readdirSync(dist)) {
      if (!/^runtime-[\w-]+\.cjs$/.test(file)) continue
      // tsdown may call this once per format: a loader already written stays.
      if (fs.readFileSync(path.join(dist, file), 'utf8').startsWith(loader.slice(0, 80))) continue
      const code = file.replace(/\.cjs$/, '.code.cjs')
      fs.renameSync(path.join(dist, file), path.join(dist, code))
      fs.writeFileSync(path.join(dist, file), loader.replace('__LEAKGATE_CHUNK__', code))
    }
  },
  // Everything a worker loads (the engine, interceptors, rules, messages) goes into one chunk, not
  // one file per shared module: `require('@leakgate/core')` reads 3 files instead of 9 and
  // `@leakgate/core/session` 4 instead of 7. The CLI's and the reports' modules stay out of it.
  outputOptions: {
    // The CommonJS build in strict mode, as the ES module build is: a sloppy function has own
    // `arguments` and `caller` properties on Node 20 and 22, which every patched export would
    // show (and `caller` would hand out the function that called it).
    strict: true,
    codeSplitting: {
      groups: [
        {
          name: (id) => (RUNTIME.test(id) ? 'runtime' : null),
        },
      ],
    },
  },
})
