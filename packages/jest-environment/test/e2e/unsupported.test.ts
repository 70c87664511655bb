import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { describeRun, type JestRun, runJest } from './support/run-jest.js'

// fixtures/jest-unsupported (issue 10.10): a Jest the environment does not support. The version
// check reads the base environment's package.json (jest-environment-node is versioned with
// jest); here a real package.json claiming 28.1.3 stands beside the fixture, as an old install's
// would, and nothing else is faked: the real Jest CLI runs the real environment.

describe('an unsupported Jest is refused, naming the supported versions', () => {
  let run: JestRun
  afterAll(() => {
    if (run) fs.rmSync(path.dirname(path.dirname(run.fixtureDir)), { recursive: true, force: true })
  })

  test('every file fails with the refusal; nothing runs unguarded; the gate refuses the report', async () => {
    // A first run copies the fixture (and is refused by nothing: the real jest-environment-node).
    const first = await runJest('jest-unsupported', [], { copy: true, keep: true, timeout: 180_000 })
    const manifest = path.join(first.fixtureDir, 'node_modules', 'jest-environment-node', 'package.json')
    fs.mkdirSync(path.dirname(manifest), { recursive: true })
    fs.writeFileSync(manifest, JSON.stringify({ name: 'jest-environment-node', version: '28.1.3' }))
    run = await runJest('jest-unsupported', [], { root: path.dirname(first.fixtureDir), timeout: 180_000 })
    expect(first.code, describeRun(first)).toBe(1) // the leak, guarded, on a supported Jest
    expect(run.code, describeRun(run)).toBe(1)
    expect(run.output).toContain(
      'LeakgateUnsupportedError: leakgate: @leakgate/jest-environment supports Jest 29 and 30; this project runs Jest 28.1.3. Upgrade Jest to 29 or 30',
    )
    expect(run.output).not.toContain("Cannot read properties of undefined (reading 'testEnvironmentOptions')")
    expect(run.results?.numRuntimeErrorTestSuites).toBe(1)
    expect(run.results?.numPassedTests).toBe(0)
    expect(run.report?.runs[0]?.incomplete?.problems[0]?.file).toBe('tests/leak.test.js')
  }, 400_000)
})
