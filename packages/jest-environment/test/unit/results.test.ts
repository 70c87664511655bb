import type { AuditRecord } from '@leakgate/core'
import { describe, expect, test } from 'vitest'
import { assertionName, carriedRecords, type FileResultLike, shownInResults } from '../../src/results.js'

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

describe('shownInResults', () => {
  const results = new Map([
    [
      'tests/a.test.js',
      file([
        { ancestorTitles: ['d'], title: 'a', status: 'failed' },
        { ancestorTitles: [], title: 'b', status: 'passed' },
      ]),
    ],
  ])

  test('a violation whose test failed is shown; one whose test passed is not', () => {
    expect(shownInResults(record({ scope: { file: 'tests/a.test.js', test: 'd > a', phase: 'test' } }), results)).toBe(
      true,
    )
    expect(shownInResults(record({ scope: { file: 'tests/a.test.js', test: 'b', phase: 'test' } }), results)).toBe(
      false,
    )
  })

  test('file-level violations are shown when the suite failed to run', () => {
    const late = record({ scope: { file: 'tests/a.test.js', test: 'b', phase: 'late' } })
    expect(shownInResults(late, results)).toBe(false)
    const failed = new Map([['tests/a.test.js', file([], { message: 'boom' })]])
    expect(shownInResults(late, failed)).toBe(true)
  })

  test('a file Jest has no result for, and no file at all', () => {
    expect(shownInResults(record({ scope: { file: 'tests/other.test.js', phase: 'late' } }), results)).toBe(false)
    expect(shownInResults(record({ scope: { phase: 'late' } }), results)).toBe(false)
  })

  test('assertionName matches leakgate’s test names', () => {
    expect(assertionName({ ancestorTitles: ['a', 'b'], title: 'c', status: 'passed' })).toBe('a > b > c')
  })
})
