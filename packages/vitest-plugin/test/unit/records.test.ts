import { describe, expect, test } from 'vitest'
import { record } from '../../../core/test/support/record.js'
import { shownAtImport } from '../../src/records.js'

describe('shownAtImport', () => {
  test('an import-time violation whose error failed its file', () => {
    const thrown = record({ scope: { phase: 'import', file: 'tests/a.test.js' } })
    const swallowed = record({ scope: { phase: 'import', file: 'tests/b.test.js' }, target: 'echo b', time: 2 })
    const late = record({ scope: { phase: 'late', file: 'tests/a.test.js', test: 'a' }, time: 3 })
    const errors = new Map([
      ['tests/a.test.js', [`${thrown.message}\n\n  test       tests/a.test.js (while importing the file)`]],
      ['tests/b.test.js', ['SyntaxError: Unexpected token']],
    ])
    expect([thrown, swallowed, late].filter((r) => shownAtImport(r, errors))).toEqual([thrown])
  })
})
