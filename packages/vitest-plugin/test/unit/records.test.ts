import { describe, expect, test } from 'vitest'
import { mergeRecords, shownAtImport, unaccounted } from '../../src/records.js'
import { record } from './make-record.js'

describe('mergeRecords', () => {
  test('one occurrence read from the sink and from meta counts once', () => {
    const a = record()
    const b = record({ time: 2_000 })
    expect(mergeRecords([a, b], [{ ...a }])).toEqual([a, b])
  })

  test('identical events at different times or in other workers are different occurrences', () => {
    const a = record()
    expect(mergeRecords([a], [record({ pid: 101 }), record({ time: 5 })])).toHaveLength(3)
  })

  test('identical events in the same millisecond are two occurrences when their ids differ (issue 10.6)', () => {
    const first = record({ id: 'a1.1' })
    const second = record({ id: 'a1.2' })
    // The repeats line of an allowed event: the first line's fields, another count and id.
    const repeats = record({ id: 'a1.3', count: 4 })
    expect(mergeRecords([first, second, repeats], [{ ...first }])).toEqual([first, second, repeats])
  })

  test('meta alone (after --merge-reports) is enough', () => {
    expect(mergeRecords([], [record()])).toHaveLength(1)
  })
})

describe('unaccounted', () => {
  test('violations that failed no test or file', () => {
    const failed = record()
    const orphan = record({ scope: { phase: 'late', file: 'tests/a.test.js', test: 'a' }, time: 9_000 })
    const allowedEvent = record({ decision: { allowed: true, reason: 'rule', rule: 'echo', source: 'test' }, time: 3 })
    expect(unaccounted([failed, orphan, allowedEvent], [failed])).toEqual([orphan])
  })
})

describe('shownAtImport', () => {
  test('an import-time violation whose error failed its file', () => {
    const thrown = record({ scope: { phase: 'import', file: 'tests/a.test.js' } })
    const swallowed = record({ scope: { phase: 'import', file: 'tests/b.test.js' }, target: 'echo b', time: 2 })
    const late = record({ scope: { phase: 'late', file: 'tests/a.test.js', test: 'a' }, time: 3 })
    const errors = new Map([
      ['tests/a.test.js', [`${thrown.message}\n\n  test       tests/a.test.js (while importing the file)`]],
      ['tests/b.test.js', ['SyntaxError: Unexpected token']],
    ])
    expect(shownAtImport([thrown, swallowed, late], errors)).toEqual([thrown])
  })
})
