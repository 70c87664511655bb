import type { LeakgateReport, ReportEvent } from '@leakgate/core/report'
import { describe, expect, test } from 'vitest'
import { checkExpected, type Expected, type FileOutcome, type RunOutcome, readExpected } from '../support/expected.js'

// The checker every adapter's e2e shares (test/support/expected.ts): it must find each kind of
// difference, or a broken adapter passes its e2e.

const FILE = 'tests/net.test.js'

const expected: Expected = {
  options: {},
  files: {
    [FILE]: {
      status: 'fail',
      fileViolations: [{ category: 'eval', event: 'Function', phase: 'import' }],
      tests: {
        leaks: { status: 'fail', violations: [{ category: 'net', event: 'net.connect', target: '127.0.0.2:*' }] },
        allowed: {
          status: 'pass',
          allowed: [{ category: 'net', event: 'net.connect', target: '127.0.0.2:*', source: 'test' }],
        },
      },
    },
  },
  allowedAnywhere: [{ category: 'eval', event: 'Function', source: 'config' }],
}

function event(
  overrides: Partial<ReportEvent> & { test?: string; phase?: ReportEvent['scope']['phase'] },
): ReportEvent {
  const { test, phase = 'test', ...rest } = overrides
  return {
    category: 'net',
    event: 'net.connect',
    target: '127.0.0.2:4000',
    scope: { phase, file: FILE, ...(test === undefined ? {} : { test }) },
    decision: { allowed: false, reason: 'no-rule' },
    mode: 'enforce',
    blocked: true,
    count: 1,
    framework: 'test',
    firstSeen: '2026-01-01T00:00:00.000Z',
    ...rest,
  } as ReportEvent
}

const goodEvents = (): ReportEvent[] => [
  event({ category: 'eval', event: 'Function', target: 'return 1', phase: 'import' }),
  event({ test: 'leaks' }),
  event({ test: 'allowed', decision: { allowed: true, rule: '127.0.0.2:*', source: 'test' } as never }),
  event({
    test: 'allowed',
    category: 'eval',
    event: 'Function',
    decision: { allowed: true, rule: "'benign'", source: 'config' } as never,
  }),
]

interface Fake {
  fileFailure?: string
  tests?: Record<string, { status: string; failure: string }>
  events?: ReportEvent[]
  files?: boolean
}

function run(fake: Fake = {}): RunOutcome {
  const tests = fake.tests ?? {
    leaks: { status: 'fail', failure: 'LeakgateError: blocked net.connect to "127.0.0.2:4000" (LEAKGATE_NET_BLOCKED)' },
    allowed: { status: 'pass', failure: '' },
  }
  const outcome: FileOutcome = {
    failure: fake.fileFailure ?? 'LeakgateError: blocked Function of "return 1" (LEAKGATE_EVAL_BLOCKED)',
    test: (name) => tests[name],
  }
  return {
    runner: 'Fake',
    report: { events: fake.events ?? goodEvents() } as LeakgateReport,
    files: fake.files === false ? undefined : (file) => (file === FILE ? outcome : undefined),
  }
}

describe('checkExpected', () => {
  test('a run as expected has no problems', () => {
    expect(checkExpected(run(), expected)).toEqual([])
  })

  test('no results, or no report, is said and nothing else is checked', () => {
    expect(checkExpected(run({ files: false }), expected)).toEqual(['no Fake results: the run did not get that far'])
    expect(checkExpected({ ...run(), report: undefined }, expected)).toEqual(['no leakgate report was written'])
  })

  test('a missing violation, and an unexpected one (a false positive)', () => {
    const events = goodEvents()
    events[1] = event({ test: 'leaks', target: '203.0.113.5:80' })
    expect(checkExpected(run({ events }), expected)).toEqual([
      `${FILE} > leaks (violation): missing {"category":"net","event":"net.connect","target":"127.0.0.2:*"}`,
      `${FILE} > leaks: unexpected net net.connect "203.0.113.5:80" at ${FILE} > leaks > test: violation`,
    ])
  })

  test('each expected event claims one report event: a second one is unexpected', () => {
    const events = [...goodEvents(), event({ test: 'leaks', target: '127.0.0.2:4001' })]
    expect(checkExpected(run({ events }), expected)).toEqual([
      `${FILE} > leaks: unexpected net net.connect "127.0.0.2:4001" at ${FILE} > leaks > test: violation`,
    ])
  })

  test('a file-level violation is of its phase and test', () => {
    const events = goodEvents()
    events[0] = event({ category: 'eval', event: 'Function', target: 'return 1', phase: 'hook' })
    expect(checkExpected(run({ events }), expected)).toEqual([
      `${FILE} (file, violation): missing {"category":"eval","event":"Function","phase":"import"}`,
      `${FILE}: unexpected file-level eval Function "return 1" at ${FILE} > hook: violation`,
    ])
  })

  test('allowedAnywhere covers allowed events only', () => {
    const events = [...goodEvents(), event({ test: 'allowed', category: 'eval', event: 'Function' })]
    expect(checkExpected(run({ events }), expected)).toEqual([
      `${FILE} > allowed: unexpected eval Function "127.0.0.2:4000" at ${FILE} > allowed > test: violation`,
    ])
  })

  test("a test's outcome, and a failure that does not show its violation", () => {
    const problems = checkExpected(
      run({
        tests: {
          leaks: { status: 'fail', failure: 'AssertionError: expected 1 to be 2' },
          allowed: { status: 'fail', failure: 'Error: boom' },
        },
      }),
      expected,
    )
    expect(problems).toEqual([
      `${FILE} > leaks: Fake's failure does not show the net.connect violation`,
      `${FILE} > allowed: expected pass, got fail\nError: boom`,
    ])
  })

  test('a file that should fail, one that should not, and one that failed for another reason', () => {
    expect(checkExpected(run({ fileFailure: '' }), expected)).toEqual([
      `${FILE}: the file should fail as a whole; Fake ran it`,
    ])
    const passing: Expected = { ...expected, files: { [FILE]: { ...expected.files[FILE]!, status: undefined } } }
    expect(checkExpected(run(), passing)[0]).toBe(
      `${FILE}: the file should not fail: "LeakgateError: blocked Function of \\"return 1\\" (LEAKGATE_EVAL_BLOCKED)"`,
    )
    expect(checkExpected(run({ fileFailure: 'SyntaxError: Unexpected token' }), expected)).toEqual([
      `${FILE}: failed to run: SyntaxError: Unexpected token`,
      `${FILE}: the file's failure does not mention Function`,
    ])
  })

  test('a file left out says why, and its events are not checked', () => {
    const other: Expected = {
      ...expected,
      files: { ...expected.files, 'tests/snap.test.js': { tests: { a: { status: 'pass' } } } },
    }
    const events = [...goodEvents(), event({ scope: { phase: 'test', file: 'tests/snap.test.js', test: 'a' } })]
    expect(checkExpected(run({ events }), other)).toEqual([
      "tests/snap.test.js: not in Fake's results",
      'unexpected net net.connect "127.0.0.2:4000" at tests/snap.test.js > a > test: violation',
    ])
    expect(checkExpected(run({ events }), other, { skipFiles: { 'tests/snap.test.js': 'no snapshots here' } })).toEqual(
      [],
    )
  })

  test('reads the shared fixtures', () => {
    expect(Object.keys(readExpected('leaky').files)).toContain('tests/net.test.js')
    expect(readExpected('clean').files).toBeDefined()
  })
})
