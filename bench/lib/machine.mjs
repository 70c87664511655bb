// What the figures were measured on: the machine, the Node binary, the frameworks and peers.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'

const require = createRequire(import.meta.url)

function osName() {
  try {
    const release = fs.readFileSync('/etc/os-release', 'utf8')
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)
    if (pretty) return `${pretty[1]}, kernel ${os.release()}`
  } catch {
    // Not Linux, or no os-release: the platform name will do.
  }
  return `${os.type()} ${os.release()}`
}

function versionOf(name) {
  try {
    return require(`${name}/package.json`).version
  } catch {
    return 'not installed'
  }
}

/** The machine and versions, for the report. `node` is the binary the runs use. */
export function describeMachine(node) {
  const cpus = os.cpus()
  const nodeVersion = spawnSync(node, ['-v'], { encoding: 'utf8' }).stdout.trim()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: osName(),
    node: nodeVersion,
    versions: Object.fromEntries(
      ['vitest', 'jest', 'babel-jest', 'nock', 'jest-offline', 'handlebars', '@leakgate/core'].map((name) => [
        name,
        versionOf(name),
      ]),
    ),
  }
}
