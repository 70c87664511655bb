import { describe, expect, test } from 'vitest'
import {
  CLEAN_SKIPS,
  checkExpected,
  describeRun,
  ISOLATED,
  type MochaRun,
  readExpected,
  runMocha,
  SMOKE,
} from './support/run-mocha.js'

// The shared suites (fixtures/leaky, fixtures/clean) under the real mocha CLI, against the same
// expected.json as Vitest and Jest, serial and with --parallel workers. leaky dials a
// documentation address and resolves public names: only ever inside the network namespace.

const configurations = SMOKE
  ? [{ label: 'parallel', args: ['--parallel', '--jobs', '2'] }]
  : [
      { label: 'serial', args: [] },
      { label: 'parallel', args: ['--parallel', '--jobs', '2'] },
    ]

describe.skipIf(!ISOLATED)('fixtures/leaky (enforce mode, 127.0.0.2 is outside)', () => {
  const expected = readExpected('leaky')
  for (const { label, args } of configurations) {
    test(`${label}: every test, file and event as expected.json says`, async () => {
      const run = await runMocha('leaky', args)
      expect(checkExpected(run, expected), describeRun(run)).toEqual([])
      expect(run.code, describeRun(run)).not.toBe(0)
      expect(run.report?.runs[0]?.framework).toBe('mocha')
      expect(run.report?.runs[0]?.mode).toBe('enforce')
      expect(run.report?.runs[0]?.incomplete).toBeUndefined()
      expect(run.output).toMatch(/leakgate: \d+ violations \(net \d+, exec \d+, eval \d+\)/)
    })
  }
})

describe.skipIf(!ISOLATED)('fixtures/clean (enforce mode, allow.eval benign)', () => {
  const expected = readExpected('clean')
  for (const { label, args } of configurations) {
    test(`${label}: green, nothing recorded but the benign preset`, async () => {
      const run: MochaRun = await runMocha('clean', args)
      expect(checkExpected(run, expected, { skipFiles: CLEAN_SKIPS }), describeRun(run)).toEqual([])
      expect(run.code, describeRun(run)).toBe(0)
      expect(run.report?.summary.violations).toBe(0)
      expect(run.report?.runs[0]?.incomplete).toBeUndefined()
    })
  }
})
