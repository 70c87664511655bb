import type { AuditRecord } from '@leakgate/core'
import type { ReportEvent } from '@leakgate/core/report'
import { describe, expect, test } from 'vitest'
import { assertionName, carriedRecords, type FileResultLike, unaccountedViolations } from '../../src/results.js'

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  v: 1,
  category: 'net',
  event: 'net.connect',
  target: '127.0.0.2:80',
  scope: { file: 'tests/a.test.js', test: 'a', phase: 'test' },
  decision: { allowed: false, reason: 'no-rule' },
  mode: 'enforce',
  blocked: true,
  message: 'blocked net.connect to "127.0.0.2:80" (LEAKGATE_NET_BLOCKED)',
  count: 1,
  pid: 1,
  threadId: 0,
  time: 1,
  ...over,
})

const event = (over: Partial<AuditRecord> = {}): ReportEvent => {
  const { v: _v, pid: _pid, threadId: _threadId, time: _time, ...rest } = record(over)
  return { ...rest, framework: 'jest', firstSeen: '2025-01-01T00:00:00.000Z' }
}

const file = (tests: FileResultLike['testResults'], testExecError?: unknown): FileResultLike => ({
  testFilePath: '/p/tests/a.test.js',
  testResults: tests,
  ...(testExecError ? { testExecError } : {}),
})

describe('carriedRecords', () => {
  test('reads the event a LeakgateError carries through failureDetails, also as a cause', () => {
    const direct = record({ target: 'a:1' })
    const nested = record({ target: 'b:2' })
    const result = file([
      {
        ancestorTitles: [],
        title: 'a',
        status: 'failed',
        failureDetails: [{ event: direct }, { cause: { event: nested } }],
      },
      { ancestorTitles: [], title: 'b', status: 'failed', failureDetails: [{ message: 'plain' }, null] },
    ])
    expect(carriedRecords(result).map((r) => r.target)).toEqual(['a:1', 'b:2'])
  })

  test('ignores look-alikes', () => {
    const result = file([
      { ancestorTitles: [], title: 'a', status: 'failed', failureDetails: [{ event: { v: 2, event: 'x' } }] },
    ])
    expect(carriedRecords(result)).toEqual([])
  })
})

describe('unaccountedViolations', () => {
  const results = new Map([
    [
      'tests/a.test.js',
      file([
        { ancestorTitles: ['d'], title: 'a', status: 'failed' },
        { ancestorTitles: [], title: 'b', status: 'passed' },
      ]),
    ],
  ])

  test('a violation whose test failed is accounted for; one whose test passed is not', () => {
    const shown = event({ scope: { file: 'tests/a.test.js', test: 'd > a', phase: 'test' } })
    const hidden = event({ scope: { file: 'tests/a.test.js', test: 'b', phase: 'test' } })
    expect(unaccountedViolations([shown, hidden], results)).toEqual([hidden])
  })

  test('file-level violations count when the suite failed to run', () => {
    const late = event({ scope: { file: 'tests/a.test.js', test: 'b', phase: 'late' } })
    expect(unaccountedViolations([late], results)).toEqual([late])
    const failed = new Map([['tests/a.test.js', file([], { message: 'boom' })]])
    expect(unaccountedViolations([late], failed)).toEqual([])
  })

  test('allowed events, report-mode events and unknown files', () => {
    const allowed = event({ decision: { allowed: true, reason: 'rule', rule: 'x', source: 'test' } })
    const reported = event({ mode: 'report', scope: { file: 'tests/a.test.js', test: 'b', phase: 'test' } })
    const elsewhere = event({ scope: { file: 'tests/other.test.js', phase: 'late' } })
    expect(unaccountedViolations([allowed, reported, elsewhere], results)).toEqual([elsewhere])
  })

  test('assertionName matches leakgate’s test names', () => {
    expect(assertionName({ ancestorTitles: ['a', 'b'], title: 'c', status: 'passed' })).toBe('a > b > c')
  })
})
