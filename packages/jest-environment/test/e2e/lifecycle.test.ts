import { describe, expect, test } from 'vitest'
import { describeRun, fileResult, runJest, SMOKE, testResult } from './support/run-jest.js'

// Outside a test and across attempts (fixtures/jest-lifecycle, in band, files in name order).
// Every target is loopback (127.0.0.2 is "outside" to the policy and refused before it is dialled).

const failures = (run: Awaited<ReturnType<typeof runJest>>, file: string, name: string) =>
  (testResult(run, file, name)?.failureMessages ?? []).join('\n')

describe.skipIf(SMOKE)('fixtures/jest-lifecycle', () => {
  test('hooks, nesting, retries, test.failing, done callbacks and work that outlives its file', async () => {
    const run = await runJest('jest-lifecycle', ['-i'])
    const why = describeRun(run)
    expect(run.code, why).toBe(1)

    // After teardown: nothing fails in Jest, the report has it, the reporter fails the run.
    expect(testResult(run, 'tests/a-timer.test.js', 'starts a timer that outlives its file')?.status, why).toBe(
      'passed',
    )
    expect(fileResult(run, 'tests/b-waits.test.js')?.status, why).toBe('passed')
    const late = run.report?.events.filter((event) => event.scope.phase === 'late') ?? []
    expect(late.map((event) => [event.scope.file, event.scope.test, event.event, event.target])).toEqual([
      ['tests/a-timer.test.js', 'starts a timer that outlives its file', 'net.connect', '127.0.0.2:9'],
    ])
    expect(run.report?.events.some((event) => event.scope.file === 'tests/b-waits.test.js')).toBe(false)
    expect(run.output).toContain(
      'leakgate: 1 violation failed no test: it happened after its test file had finished. The run fails for it:',
    )
    expect(run.output).toMatch(
      /blocked net\.connect to "127\.0\.0\.2:9".*\n\s+test\s+tests\/a-timer\.test\.js > starts a timer that outlives its file \(after the test ended\)/,
    )

    // beforeEach/afterEach belong to the test, under its describe blocks' names.
    const hooks = 'tests/hooks.test.js'
    expect(failures(run, hooks, 'outer > inner > a leak in its before each fails it')).toContain(
      'echo from-before-each',
    )
    expect(failures(run, hooks, 'outer > inner > a leak in its after each fails it')).toContain('echo from-after-each')
    expect(testResult(run, hooks, 'outer > inner > a clean neighbour passes')?.status).toBe('passed')
    expect(testResult(run, hooks, 'a done callback test keeps working')?.status).toBe('passed')
    // A thrown violation is the test's failure, not added a second time.
    expect(testResult(run, hooks, 'a thrown violation fails the test once')?.failureMessages).toHaveLength(1)
    // afterAll belongs to the file: "Test suite failed to run", with the message and code frame.
    const suite = fileResult(run, hooks)?.message ?? ''
    expect(suite).toContain('Test suite failed to run')
    expect(suite).toContain('blocked child_process.execFileSync of "echo from-after-all" (LEAKGATE_EXEC_BLOCKED)')
    expect(suite).toMatch(/> 32 \| +execFileSync\('echo', \['from-after-all'\]\)/)
    const names = run.report?.events.filter((event) => event.scope.file === hooks).map((event) => event.scope.test)
    expect(names?.sort()).toEqual([
      'a thrown violation fails the test once',
      'outer > inner > a leak in its after each fails it',
      'outer > inner > a leak in its before each fails it',
      undefined,
    ])

    // jest.retryTimes: the clean retry does not hide the first attempt's violation.
    const retries = 'tests/retries.test.js'
    expect(failures(run, retries, 'leaks on its first attempt only')).toContain('echo first-attempt')
    // test.failing: a leak still fails it (shown once, though every attempt leaked), a plain
    // expected failure still passes.
    const failing = testResult(run, retries, 'a failing test that leaks still fails')
    expect(failing?.status).toBe('failed')
    expect(failing?.failureMessages.join('\n').match(/LeakgateError: blocked Function/g)).toHaveLength(1)
    expect(testResult(run, retries, 'a failing test without a leak passes as usual')?.status).toBe('passed')
  })

  test('with every test green, the reporter alone fails the run for a violation after teardown', async () => {
    const run = await runJest('jest-lifecycle', ['-i', 'a-timer', 'b-waits'])
    const why = describeRun(run)
    expect(run.results?.numFailedTests, why).toBe(0)
    expect(run.results?.numFailedTestSuites, why).toBe(0)
    expect(run.results?.success, why).toBe(false)
    expect(run.code, why).toBe(1)
    expect(run.report?.summary.violations).toBe(1)
  })

  test('without the reporter: a violation after teardown is told on stderr, and fails nothing', async () => {
    const run = await runJest('jest-lifecycle', ['-i', 'a-timer', 'b-waits'], { config: 'jest.no-reporter.config.cjs' })
    expect(run.code, describeRun(run)).toBe(0)
    expect(run.report).toBeUndefined()
    expect(run.stderr).toContain('leakgate: a violation after its test file ended (from tests/a-timer.test.js)')
    expect(run.stderr).toContain('Add \'@leakgate/jest-environment/reporter\' to "reporters"')
  })
})
