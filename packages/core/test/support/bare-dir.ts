import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// A fresh temporary folder outside any project: neither it nor any folder above it has a
// `node_modules` or a `package.json`, so nothing resolves from it but what a test puts there
// (Node, Jest and the doctor all look up every ancestor). `os.tmpdir()` need not be one: a
// `/tmp/node_modules` another program left makes any package in it resolvable from every folder
// under /tmp, and TMPDIR may point into a checkout. Then the first of the other shared temporary
// folders that is bare is used; none: the test fails saying why (not with a wrong finding).

function projectAbove(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    for (const name of ['node_modules', 'package.json']) {
      if (fs.existsSync(path.join(at, name))) return path.join(at, name)
    }
    if (path.dirname(at) === at) return undefined
  }
}

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK)
    return fs.statSync(dir).isDirectory()
  } catch {
    return false
  }
}

/** A new folder (`prefix` + random) under a temporary folder with no project above it. */
export function bareTemporaryDir(prefix: string): string {
  const candidates = [os.tmpdir(), ...(process.platform === 'win32' ? [] : ['/var/tmp', '/dev/shm'])]
  const found: string[] = []
  for (const candidate of candidates) {
    if (!writable(candidate)) continue
    const real = fs.realpathSync(candidate)
    const project = projectAbove(real)
    if (project === undefined) return fs.mkdtempSync(path.join(real, prefix))
    found.push(project)
  }
  throw new Error(
    `no temporary folder outside any project for this test (found ${found.join(', ')}): ` +
      'point TMPDIR at a folder with no node_modules or package.json above it',
  )
}
