#!/usr/bin/env node
// The Node versions leakgate supports besides the system one, installed from the npm registry
// as packages (the `node` package ships the binary) into .matrix/node-<major>/ and cached there.
//
//   node scripts/nodes.mjs install   installs what is missing, prints the binaries
//   node scripts/nodes.mjs list      prints the binaries already installed (one per line)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const NODE_VERSIONS = { 22: '22.23.3', 24: '24.21.0', 26: '26.10.0' }
const root = fileURLToPath(new URL('..', import.meta.url))

export function nodeBinary(major) {
  return `${root}.matrix/node-${major}/node_modules/.bin/node`
}

/** Installed Node binaries: the system one first, then each supported major found. */
export function installedNodes() {
  const nodes = [{ label: `node ${process.versions.node.split('.')[0]}`, bin: process.execPath }]
  for (const major of Object.keys(NODE_VERSIONS)) {
    if (String(process.versions.node.split('.')[0]) === major) continue
    const bin = nodeBinary(major)
    if (existsSync(bin)) nodes.push({ label: `node ${major}`, bin })
  }
  return nodes
}

export function installNodes() {
  for (const [major, version] of Object.entries(NODE_VERSIONS)) {
    const bin = nodeBinary(major)
    if (existsSync(bin)) continue
    const dir = `${root}.matrix/node-${major}`
    mkdirSync(dir, { recursive: true })
    writeFileSync(`${dir}/package.json`, '{ "private": true }\n')
    console.log(`installing node ${version} into .matrix/node-${major}`)
    const result = spawnSync('npm', ['install', `node@${version}`, '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: 'inherit',
    })
    if (result.status !== 0 || !existsSync(bin)) {
      console.error(`could not install node ${version}`)
      process.exit(1)
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const command = process.argv[2]
  if (command === 'install') installNodes()
  else if (command !== 'list') {
    console.error('usage: node scripts/nodes.mjs install|list')
    process.exit(2)
  }
  for (const node of installedNodes()) console.log(node.bin)
}
