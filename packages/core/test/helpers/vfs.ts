import { spawnSync } from 'node:child_process'

/** Does this Node have `node:vfs` behind `--experimental-vfs`? (Older ones refuse the flag.) */
export function hasVfs(bin: string): boolean {
  const out = spawnSync(bin, ['--experimental-vfs', '-p', "typeof process.getBuiltinModule('node:vfs')"], {
    env: { ...process.env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  })
  return out.status === 0 && out.stdout.trim() === 'object'
}
