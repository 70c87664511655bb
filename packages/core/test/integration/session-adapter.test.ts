import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { nodes } from '../helpers/probe.js'

// The smallest adapter on the session API (fixtures/tiny-adapter, shown in docs/adapters.md),
// run on each Node with real loopback servers: what it catches, what it allows, what it leaves
// alone. 127.0.0.2 is outside (the run treats only 127.0.0.1 and ::1 as this machine).

const dir = path.resolve(import.meta.dirname, '../fixtures/tiny-adapter')

function run(bin: string, file: string): Record<string, unknown>[] {
  const result = spawnSync(bin, [path.join(dir, 'run.mjs'), path.join(dir, file)], {
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (result.status !== 0) throw new Error(`run.mjs exited ${result.status}\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string)
}

describe.each(nodes)('the tiny adapter on $label', ({ bin }) => {
  test('fails what leaks (swallowed, thrown, on an earlier attempt, late), passes what is allowed or local', {
    timeout: 150_000,
  }, () => {
    const results = run(bin, 'leaky.test.mjs')
    const blocked = expect.stringMatching(/^blocked net\.connect to "127\.0\.0\.2:\d+" \(LEAKGATE_NET_BLOCKED\)$/)
    const failed = { error: blocked, code: 'LEAKGATE_NET_BLOCKED', leakgate: true }
    expect(results).toEqual([
      { test: 'swallows a refusal', ...failed, late: false },
      { test: 'throws the refusal', ...failed, late: false },
      { test: 'is allowed', error: null, code: null, leakgate: false, late: false },
      { test: 'its allowance ended', ...failed, late: false },
      { test: 'stays on this machine', error: null, code: null, leakgate: false, late: false },
      { test: 'leaks once, then retries clean', ...failed, late: false },
      { test: 'starts a timer', error: null, code: null, leakgate: false, late: false },
      { test: 'waits', error: null, code: null, leakgate: false, late: false },
      { test: '(file)', ...failed, late: true },
    ])
  })

  test('a clean file passes whole', { timeout: 150_000 }, () => {
    expect(run(bin, 'clean.test.mjs')).toEqual([
      { test: 'talks to a loopback server', error: null, code: null, leakgate: false, late: false },
      { test: 'computes', error: null, code: null, leakgate: false, late: false },
    ])
  })
})
