import { describe, expect, test } from 'vitest'
import { describeRun, runJest, SMOKE, testResult } from './support/run-jest.js'

// Every realm the test can reach is audited (the test context's and Jest's outer realm, one
// property away), Jest's own module machinery never is.

describe.skipIf(SMOKE)('realms', () => {
  test('automock, createMockFromModule, isolateModules, resetModules and fake timers: never flagged', async () => {
    const run = await runJest('jest-mocks')
    expect(run.code, describeRun(run)).toBe(0)
    expect(run.results?.numPassedTests).toBe(9)
    expect(run.report?.events).toEqual([])
  })

  test.each([
    ['node', undefined],
    ['jsdom', 'jsdom'],
  ])(
    'the outer realm (%s environment) is tamed: Buffer.constructor is refused, a clean use records nothing',
    async (_, env) => {
      const run = await runJest('outer-realm', [], { env: { LEAKGATE_E2E_ENV: env } })
      const why = describeRun(run)
      expect(run.code, why).toBe(1)
      const file = 'tests/outer-realm.test.js'
      const status = (name: string) => testResult(run, file, name)?.status
      // Refused where it is called (the tests expect the throw), and a violation fails its test.
      expect(status("the outer realm's Function through Buffer.constructor is refused where it is called"), why).toBe(
        'failed',
      )
      expect(status("the outer realm's Function through process.constructor.constructor is refused"), why).toBe(
        'failed',
      )
      expect(status('a refusal swallowed by the test still fails it'), why).toBe('failed')
      expect(status('allowAudit allows it, as for any eval'), why).toBe('passed')
      expect(status('ordinary use of outer realm objects is no event'), why).toBe('passed')
      const events = (run.report?.events ?? []).map((event) => [
        event.scope.test,
        event.event,
        event.target,
        event.blocked,
      ])
      expect(events).toEqual(
        expect.arrayContaining([
          [
            "the outer realm's Function through Buffer.constructor is refused where it is called",
            'Function',
            'return 6 * 7',
            true,
          ],
          [
            "the outer realm's Function through process.constructor.constructor is refused",
            'Function',
            'return 5',
            true,
          ],
          ['a refusal swallowed by the test still fails it', 'Function', 'return 1', true],
          ['allowAudit allows it, as for any eval', 'Function', 'return 2', false],
        ]),
      )
      // Nothing else: Jest's, Babel's and jsdom's own work in that realm is no event.
      expect(events).toHaveLength(4)
      const swallowed = testResult(run, file, 'a refusal swallowed by the test still fails it')
      expect(swallowed?.failureMessages.join('\n')).toContain('called at  tests/outer-realm.test.js:20:')
    },
  )

  test('inspectEval on or off: the outer realm Function (Buffer.constructor) is refused where it is called, once', async () => {
    const [run, off] = await Promise.all([
      runJest('inspect-eval'),
      runJest('inspect-eval', [], { env: { LEAKGATE_E2E_INSPECT: '0' } }),
    ])
    for (const each of [run, off]) {
      const why = describeRun(each)
      expect(each.code, why).toBe(1)
      const file = 'tests/inspect-eval.test.js'
      const status = (name: string) => testResult(each, file, name)?.status
      expect(status('the outer realm Function through Buffer.constructor is refused where it is called'), why).toBe(
        'failed',
      )
      expect(status('a refusal swallowed by the test still fails it'), why).toBe('failed')
      expect(status('allowAudit allows it, as for any eval'), why).toBe('passed')
      expect(status('an allowed direct eval keeps its scope and is counted once'), why).toBe('passed')
      expect(status("the test realm's Function is refused where it is called, as without inspectEval"), why).toBe(
        'failed',
      )
      expect(status('plain code and dynamic imports are not detections'), why).toBe('passed')
      const events = (each.report?.events ?? []).map((event) => [
        event.scope.test,
        event.event,
        event.target,
        event.blocked,
        event.decision.allowed,
      ])
      expect(events).toEqual(
        expect.arrayContaining([
          ['a refusal swallowed by the test still fails it', 'Function', 'return 1', true, false],
          [
            'the outer realm Function through Buffer.constructor is refused where it is called',
            'Function',
            'return 6 * 7',
            true,
            false,
          ],
          [
            "the test realm's Function is refused where it is called, as without inspectEval",
            'Function',
            'return 3',
            true,
            false,
          ],
          ['allowAudit allows it, as for any eval', 'Function', 'return 2', false, true],
          [
            'an allowed direct eval keeps its scope and is counted once',
            'eval',
            '(code not visible: eval looked up)',
            false,
            true,
          ],
        ]),
      )
      expect(events).toHaveLength(5)
      const refused = testResult(
        each,
        file,
        'the outer realm Function through Buffer.constructor is refused where it is called',
      )
      expect(refused?.failureMessages.join('\n')).toContain('called at  tests/inspect-eval.test.js:9:')
    }
  })

  test('ES modules under --experimental-vm-modules: named imports, allowAudit from every entry, data: imports', async () => {
    const run = await runJest('jest-esm', [], { nodeArgs: ['--experimental-vm-modules', '--no-warnings'] })
    const why = describeRun(run)
    expect(run.code, why).toBe(1)
    const file = 'tests/esm.test.js'
    const status = (name: string) => testResult(run, file, name)?.status
    expect(status('a named import of a builtin is still audited'), why).toBe('failed')
    expect(status('allowAudit from @leakgate/core, in an ES module'), why).toBe('passed')
    expect(status('allowAudit from @leakgate/jest-environment, in an ES module'), why).toBe('passed')
    expect(status('the allowAudit global'), why).toBe('passed')
    expect(status('code generation in an ES module test fails it'), why).toBe('failed')
    expect(status('a data: import is code from a string'), why).toBe('failed')
    expect(status('modules Jest loads for a test are not code generation'), why).toBe('passed')
    const events = (run.report?.events ?? []).map((event) => [event.scope.test, event.event, event.decision.allowed])
    expect(events).toEqual([
      ['a data: import is code from a string', 'import(data:)', false],
      ['a named import of a builtin is still audited', 'child_process.execSync', false],
      ['code generation in an ES module test fails it', 'Function', false],
      ['allowAudit from @leakgate/core, in an ES module', 'child_process.execFileSync', true],
      ['allowAudit from @leakgate/jest-environment, in an ES module', 'child_process.execFileSync', true],
      ['the allowAudit global', 'child_process.execFileSync', true],
    ])
    // The call site and Jest's code frame point into the ES module itself.
    expect(testResult(run, file, 'a named import of a builtin is still audited')?.failureMessages.join('\n')).toContain(
      'called at  tests/esm.test.js:7:',
    )
    expect(run.output).toMatch(/>\s+7 \|\s+execSync\('echo named'\)/)
  })
})
