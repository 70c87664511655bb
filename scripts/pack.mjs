#!/usr/bin/env node
// `npm run pack [-- --out DIR]`: builds the packages and writes their npm tarballs (packs/ by
// default), the install route until they are on the registry. Prints the lines to install them
// with npm, pnpm and yarn. The tests install the same tarballs (packPackages) into fresh projects.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
export const PACKAGES = ['core', 'vitest-plugin', 'jest-environment', 'mocha', 'node-test']

/** Packs each package into `outDir`; returns the tarball paths by package name. */
export function packPackages(outDir, { build = true } = {}) {
  if (build) {
    const built = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' })
    if (built.status !== 0) throw new Error('leakgate: the build failed')
  }
  fs.mkdirSync(outDir, { recursive: true })
  const tarballs = {}
  for (const name of PACKAGES) {
    const dir = path.join(root, 'packages', name)
    const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', outDir], {
      cwd: dir,
      encoding: 'utf8',
    })
    if (packed.status !== 0) throw new Error(`npm pack failed in ${dir}:\n${packed.stderr}`)
    const [info] = JSON.parse(packed.stdout)
    tarballs[info.name] = path.join(outDir, info.filename)
  }
  return tarballs
}

/** The install lines for each package manager, with these tarballs. */
export function installLines(tarballs) {
  const core = tarballs['@leakgate/core']
  const vitest = tarballs['@leakgate/vitest-plugin']
  const jest = tarballs['@leakgate/jest-environment']
  const mocha = tarballs['@leakgate/mocha']
  const nodeTest = tarballs['@leakgate/node-test']
  return [
    'npm (give the core and the adapter together):',
    `  npm i -D ${core} ${vitest}     # Vitest`,
    `  npm i -D ${core} ${jest}       # Jest`,
    `  npm i -D ${core} ${mocha}      # Mocha`,
    `  npm i -D ${core} ${nodeTest}   # node:test`,
    '',
    'pnpm: first add to package.json  "pnpm": { "overrides": { "@leakgate/core": "file:' + core + '" } }',
    `  pnpm add -D ${core} ${vitest}`,
    '',
    'yarn: first add to package.json  "resolutions": { "@leakgate/core": "file:' + core + '" }',
    `  yarn add -D ${core} ${vitest}`,
    '',
    'Then, in your project: npx --no-install leakgate init',
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--out')
  const outDir = path.resolve(at > 0 ? (process.argv[at + 1] ?? 'packs') : path.join(root, 'packs'))
  const tarballs = packPackages(outDir)
  console.log(`leakgate: ${Object.keys(tarballs).length} tarballs in ${outDir}\n`)
  for (const line of installLines(tarballs)) console.log(line)
}
