import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cleanup, type RunResult, runFixture, smoke, testResult } from './harness.js'
import { Scenarios } from './scenarios.js'

// Every realm a test can reach is tamed by default (issue 12.3). In Vitest's vm pools the test
// runs in a context of its own, and the worker's realm is one property away (`Buffer`,
// `process`); in the default pool the test runs in the worker's realm. Either way its Function is
// refused where it is called, and Vitest's own work there (the module runner) is no event;
// coverage in the vm pool, with that realm tamed, is vitest-features' coverage case.

const tail = (run: RunResult) => run.output.slice(-4000)
const brief = (run: RunResult) =>
  (run.report?.events ?? []).map((event) => [event.scope.test, event.event, event.target, event.blocked])

const scenarios = new Scenarios({
  outerForks: () => runFixture('outer-realm'),
  outerVmThreads: () => runFixture('outer-realm', { args: ['--pool=vmThreads'] }),
  inspectEval: () => runFixture('inspect-eval', { args: ['--pool=vmThreads'] }),
  inspectEvalOff: () => runFixture('inspect-eval', { args: ['--pool=vmThreads'], env: { LEAKGATE_E2E_INSPECT: '0' } }),
})

describe.skipIf(smoke)('realms', () => {
  beforeAll(() => scenarios.startAll(2))
  afterAll(async () => (await scenarios.all()).forEach(cleanup))

  test.each([
    ['default pool', 'outerForks'],
    ['vmThreads', 'outerVmThreads'],
  ] as const)('the outer realm (%s): Buffer.constructor is refused, a clean use records nothing', async (_, key) => {
    const run = await scenarios.get(key)
    const file = 'tests/outer-realm.test.js'
    const status = (title: string) => testResult(run, file, title)?.status
    expect(run.code, tail(run)).toBe(1)
    // Refused where it is called (the tests expect the throw), and a violation fails its test.
    expect(status("the outer realm's Function through Buffer.constructor is refused where it is called")).toBe('failed')
    expect(status("the outer realm's Function through process.constructor.constructor is refused")).toBe('failed')
    expect(status('a refusal swallowed by the test still fails it')).toBe('failed')
    expect(status('allowAudit allows it, as for any eval')).toBe('passed')
    expect(status('ordinary use of outer realm objects is no event')).toBe('passed')
    const events = brief(run)
    expect(events).toEqual(
      expect.arrayContaining([
        [
          "the outer realm's Function through Buffer.constructor is refused where it is called",
          'Function',
          'return 6 * 7',
          true,
        ],
        ["the outer realm's Function through process.constructor.constructor is refused", 'Function', 'return 5', true],
        ['a refusal swallowed by the test still fails it', 'Function', 'return 1', true],
        ['allowAudit allows it, as for any eval', 'Function', 'return 2', false],
      ]),
    )
    // Nothing else: Vitest's own work in either realm is no event.
    expect(events, tail(run)).toHaveLength(4)
    const swallowed = testResult(run, file, 'a refusal swallowed by the test still fails it')
    expect(swallowed?.failureMessages?.join('\n')).toContain('called at  tests/outer-realm.test.js:20:')
  })

  test.each([
    ['on', 'inspectEval'],
    ['off', 'inspectEvalOff'],
  ] as const)(
    'inspectEval %s: the vm pool outer realm Function is refused where it is called, once',
    async (_, key) => {
      const run = await scenarios.get(key)
      const file = 'tests/inspect-eval.test.js'
      const status = (title: string) => testResult(run, file, title)?.status
      expect(run.code, tail(run)).toBe(1)
      expect(status('the outer realm Function through Buffer.constructor is refused where it is called')).toBe('failed')
      expect(status('a refusal swallowed by the test still fails it')).toBe('failed')
      expect(status('allowAudit allows it, as for any eval')).toBe('passed')
      expect(status('an allowed direct eval keeps its scope and is counted once')).toBe('passed')
      expect(status("the test realm's Function is refused where it is called, as without inspectEval")).toBe('failed')
      expect(status('plain code and dynamic imports are not detections')).toBe('passed')
      const events = brief(run)
      expect(events).toEqual(
        expect.arrayContaining([
          ['a refusal swallowed by the test still fails it', 'Function', 'return 1', true],
          [
            'the outer realm Function through Buffer.constructor is refused where it is called',
            'Function',
            'return 6 * 7',
            true,
          ],
          [
            "the test realm's Function is refused where it is called, as without inspectEval",
            'Function',
            'return 3',
            true,
          ],
          ['allowAudit allows it, as for any eval', 'Function', 'return 2', false],
          [
            'an allowed direct eval keeps its scope and is counted once',
            'eval',
            '(code not visible: eval looked up)',
            false,
          ],
        ]),
      )
      expect(events, tail(run)).toHaveLength(5)
      const refused = testResult(
        run,
        file,
        'the outer realm Function through Buffer.constructor is refused where it is called',
      )
      expect(refused?.failureMessages?.join('\n')).toContain('called at  tests/inspect-eval.test.js:9:')
    },
  )
})
