import { describe, expect, test } from 'vitest'
import { describePlace, suggestAllowance } from '../../../src/report/display.js'
import type { ReportEvent } from '../../../src/report/model.js'

const event: ReportEvent = {
  category: 'eval',
  event: 'Function',
  target: '(fn, log) => { … }',
  scope: { file: 'tests/app.test.js', phase: 'import' },
  package: 'depd',
  decision: { allowed: false, reason: 'no-rule' },
  mode: 'enforce',
  blocked: true,
  code: 'LEAKGATE_EVAL_BLOCKED',
  message: '',
  count: 1,
  framework: 'vitest',
  firstSeen: '2026-01-01T00:00:00.000Z',
}

describe('suggestAllowance', () => {
  test('in a test: the allowAudit() call', () => {
    expect(suggestAllowance({ ...event, scope: { file: 'tests/app.test.js', test: 't', phase: 'test' } })).toBe(
      "allowAudit({ eval: [{ from: 'depd' }] })",
    )
  })

  test("the file's own top-level code: allowAudit() (at its top) allows it", () => {
    const own = { ...event, callSite: { file: 'tests/app.test.js', line: 3, column: 1 } }
    expect(suggestAllowance(own)).toBe("allowAudit({ eval: [{ from: 'depd' }] })")
  })

  test('a module the file imports: the config, since imports run before the first line', () => {
    expect(suggestAllowance(event)).toBe("allow: { eval: [{ from: 'depd' }] } (in the config)")
    const project = { ...event, callSite: { file: 'src/app.js', line: 2, column: 1 } }
    expect(suggestAllowance(project)).toBe("allow: { eval: [{ from: 'depd' }] } (in the config)")
  })
})

describe('describePlace', () => {
  test('a baseline entry or a capped test: its file and test, the file alone, or outside any file', () => {
    expect(describePlace({ file: 'tests/a.test.js', test: 'client > fetches' })).toBe(
      'tests/a.test.js > client > fetches',
    )
    expect(describePlace({ file: 'tests/a.test.js' })).toBe('tests/a.test.js')
    expect(describePlace({ test: 'global setup' })).toBe('global setup')
    expect(describePlace({})).toBe('(outside any test file)')
  })
})
