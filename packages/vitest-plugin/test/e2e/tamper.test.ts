import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './expected.js'
import { cleanup, type RunResult, runFixture } from './harness.js'

// fixtures/tamper (issue 12.9): a test that disturbs the guard fails with LEAKGATE_TAMPERED, and
// the guard is put back for the tests after it, with the real Vitest CLI.

describe('fixtures/tamper (enforce mode)', () => {
  const expected = readExpected('tamper')
  let run: RunResult
  beforeAll(async () => {
    run = await runFixture('tamper', { timeout: 180_000 })
  }, 240_000)
  afterAll(() => cleanup(run))

  test('meets expected.json', () => {
    expect(checkExpected(run, expected), run.output.slice(-3000)).toEqual([])
    expect(run.code, run.output.slice(-3000)).toBe(1)
  })

  test('the failure names what was disturbed and the docs page; the summary counts it', () => {
    expect(run.output).toContain(
      'LeakgateError: the guard was tampered with (leakgate.integrity): Process.prototype.spawn was replaced or removed (LEAKGATE_TAMPERED)',
    )
    expect(run.output).toContain('docs/errors/LEAKGATE_TAMPERED.md')
    expect(run.output).toMatch(/leakgate: 9 violations \(exec 2, tamper 7\)/)
    const tampered = run.report?.events.filter((e) => e.code === 'LEAKGATE_TAMPERED') ?? []
    expect(tampered).toHaveLength(7)
    expect(run.report?.summary.byCategory.tamper).toEqual({ violations: 7, allowed: 0 })
  })
})
