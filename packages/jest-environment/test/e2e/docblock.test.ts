import { describe, expect, test } from 'vitest'
import { describeRun, runJest } from './support/run-jest.js'

// fixtures/jest-docblock: a per-file environment docblock (Jest's pragma) replaces the config's
// testEnvironment for its file. Naming leakgate's environment keeps the file guarded; naming
// another (`node`, `jsdom`, as many projects' DOM tests do) runs it without the guard, so the run
// is incomplete, never green, and the reason says which docblock and what to write instead.
// (Vitest reads that pragma anywhere in its own test files, strings too: this file never spells it.)
const PRAGMA = ['@jest', 'environment'].join('-')

describe('per-file environment docblocks', () => {
  test("another environment's docblock: the run is incomplete, naming it and the fix; leakgate's: guarded", async () => {
    const run = await runJest('jest-docblock', [], { timeout: 180_000 })
    const results = new Map(
      run.results?.testResults.map((file) => [file.name.split('/').at(-1), file.assertionResults[0]?.status]),
    )
    // Guarded: the config's environment and leakgate's own docblock catch the spawn.
    expect(results.get('config-environment.test.js'), describeRun(run)).toBe('failed')
    expect(results.get('leakgate-jsdom-docblock.test.js'), describeRun(run)).toBe('failed')
    // Not guarded: their spawn went through, and the run says why it cannot be green.
    expect(results.get('node-docblock.test.js'), describeRun(run)).toBe('passed')
    expect(results.get('jsdom-docblock.test.js'), describeRun(run)).toBe('passed')
    expect(run.code).toBe(1)
    const problems = run.report?.runs[0]?.incomplete?.problems ?? []
    expect(
      problems
        .map((problem) => [problem.file, problem.reason, problem.detail])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    ).toEqual([
      [
        'tests/jsdom-docblock.test.js',
        'not-started',
        `the guard never started in this file: its docblock picks \`${PRAGMA} jsdom\`, which replaces leakgate's testEnvironment for this file: write \`${PRAGMA} @leakgate/jest-environment/jsdom\` there`,
      ],
      [
        'tests/node-docblock.test.js',
        'not-started',
        `the guard never started in this file: its docblock picks \`${PRAGMA} node\`, which replaces leakgate's testEnvironment for this file: write \`${PRAGMA} @leakgate/jest-environment\` there, or remove the docblock`,
      ],
    ])
    expect(run.output).toContain('leakgate: the run is incomplete: 2 test files of 4 not audited')
  }, 240_000)
})
