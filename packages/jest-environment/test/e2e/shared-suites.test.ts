import { describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './support/expected.js'
import { describeRun, ISOLATED, type JestRun, runJest, SMOKE } from './support/run-jest.js'

// The shared suites (fixtures/leaky, fixtures/clean) against their expected.json, in band and
// with two workers. leaky dials a documentation address and resolves public names: only ever
// inside the network namespace.

const configurations = SMOKE
  ? [{ label: 'two workers', args: ['--maxWorkers=2'] }]
  : [
      { label: 'in band', args: ['-i'] },
      { label: 'two workers', args: ['--maxWorkers=2'] },
    ]

describe.skipIf(!ISOLATED)('fixtures/leaky (enforce mode, 127.0.0.2 is outside)', () => {
  const expected = readExpected('leaky')
  for (const { label, args } of configurations) {
    test(`${label}: every test, suite and event as expected.json says`, async () => {
      const run = await runJest('leaky', args)
      expect(checkExpected(run, expected), describeRun(run)).toEqual([])
      expect(run.code, describeRun(run)).toBe(1)
      expect(run.report?.runs[0]?.framework).toBe('jest')
      expect(run.report?.runs[0]?.mode).toBe('enforce')
      expect(run.output).toMatch(/leakgate: \d+ violations \(net \d+, exec \d+, eval \d+\)/)
    })
  }
})

describe('fixtures/spawn-shapes (refused spawns look like Node’s failed spawns)', () => {
  const expected = readExpected('spawn-shapes')
  for (const { label, args } of configurations) {
    test(`${label}: no runner killed, no hang, no TypeError`, async () => {
      const run = await runJest('spawn-shapes', args)
      expect(run.code, describeRun(run)).toBe(1)
      expect(checkExpected(run, expected), describeRun(run)).toEqual([])
    })
  }
})

describe.skipIf(!ISOLATED)('fixtures/clean (enforce mode, allow.eval benign)', () => {
  const expected = readExpected('clean')
  for (const { label, args } of configurations) {
    test(`${label}: green, nothing recorded but the benign preset`, async () => {
      const run: JestRun = await runJest('clean', args)
      expect(checkExpected(run, expected), describeRun(run)).toEqual([])
      expect(run.code, describeRun(run)).toBe(0)
      expect(run.results?.success).toBe(true)
      expect(run.report?.summary.violations).toBe(0)
    })
  }
})
