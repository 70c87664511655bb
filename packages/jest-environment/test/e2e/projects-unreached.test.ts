import { describe, expect, test } from 'vitest'
import { describeRun, runJest } from './support/run-jest.js'

// fixtures/jest-projects-unreached (issue 10.9): one Jest project without leakgate's environment
// (Jest gives each project only its own testEnvironment). Its files run unguarded: that may be on
// purpose (such a project does not make the run incomplete), but it is never silent: the summary
// names the project and says what to add.

describe('Jest projects without the environment', () => {
  test('the summary names the project that ran unguarded and what to add', async () => {
    const run = await runJest('jest-projects-unreached', [], { timeout: 180_000 })
    expect(run.code, describeRun(run)).toBe(0)
    expect(run.output).toContain(
      'leakgate: the Jest project "web" runs its tests with testEnvironment "jest-environment-node", not leakgate\'s: its 1 test file ran unguarded and is not in the report.',
    )
    expect(run.output).toContain("add testEnvironment: '@leakgate/jest-environment'")
    expect(run.output).not.toContain('the Jest project "api"')
    expect(run.report?.runs[0]?.incomplete).toBeUndefined()
  }, 240_000)
})
