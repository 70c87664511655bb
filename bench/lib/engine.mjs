// The engine's per-call costs: the core's own benchmark (packages/core/bench/engine.mjs), run
// as is with --json, so that its method (CPU per call, guarded and passive rounds alternating
// in one process) stays in one place.
import { spawnSync } from 'node:child_process'
import path from 'node:path'

export function measureEngine({ root, node, rounds }) {
  const script = path.join(root, 'packages/core/bench/engine.mjs')
  const result = spawnSync(node, [script, '--json', '--rounds', String(rounds)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  })
  if (result.status !== 0) throw new Error(`packages/core/bench/engine.mjs failed:\n${result.stderr}`)
  return JSON.parse(result.stdout)
}
