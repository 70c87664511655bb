import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cleanup, copyFixtures, type RunResult, runVitest } from './harness.js'

// fixtures/vitest-projects-unreached (issue 10.9): leakgate() in the root config and inline
// projects without `extends` (a common Vitest 4 shape). Before Vitest 5 those projects do not
// extend the root config: the root plugin never reached them, and the run passed with nothing
// guarded, no report and no word. Now it is refused at start, naming the projects and what to
// add, and the report left behind says the run was refused. From Vitest 5 on, inline projects
// extend the root config by default: the same config is guarded.

const dir = path.join(copyFixtures(['vitest-projects-unreached']), 'vitest-projects-unreached')
const require = createRequire(path.join(dir, 'vitest.config.mjs'))
const vitestMajor = Number(
  (JSON.parse(fs.readFileSync(require.resolve('vitest/package.json'), 'utf8')) as { version: string }).version.split(
    '.',
  )[0],
)

describe('Vitest projects the root plugin cannot reach', () => {
  let run: RunResult
  beforeAll(async () => {
    run = await runVitest(dir, { timeout: 180_000 })
  }, 240_000)
  afterAll(() => cleanup(run))

  test.skipIf(vitestMajor >= 5)('before Vitest 5: refused at start, naming the projects and what to add', () => {
    expect(run.code, run.output.slice(-3000)).toBe(1)
    expect(run.output).toContain('leakgate: the Vitest projects "unit", "api" are not guarded')
    expect(run.output).toContain(
      "Add `extends: true` to each (projects: [{ extends: true, test: { name: 'unit', … } }]), or give each plugins: [leakgate()] of its own.",
    )
    // No test ran unguarded, and the gate cannot take the run for a clean one.
    expect(run.output).not.toContain('a leak the root plugin cannot see')
    expect(run.report?.runs[0]?.incomplete?.problems[0]?.detail).toContain('are not guarded')
  })

  test.skipIf(vitestMajor < 5)('Vitest 5: inline projects extend the root config, so both are guarded', () => {
    expect(run.code, run.output.slice(-3000)).toBe(1)
    expect(run.report?.events.filter((event) => !event.decision.allowed).map((event) => event.target)).toEqual(
      expect.arrayContaining(['echo unit', 'echo api']),
    )
  })
})
