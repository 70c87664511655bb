import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { describeRun, runJest, SMOKE, testResult } from './support/run-jest.js'

// Whatever compiles the test file, the call site and Jest's code frame are the source's line.

const LEAK = 'a command from TypeScript fails the test at its own line'

describe.skipIf(SMOKE)('transforms', () => {
  for (const transform of ['ts-jest', 'swc']) {
    test(`${transform}: the call site is the TypeScript line`, async () => {
      const run = await runJest('jest-transforms', [], { config: `jest.${transform}.config.cjs` })
      const why = describeRun(run)
      expect(run.code, why).toBe(1)
      const file = 'tests/typed.test.ts'
      expect(testResult(run, file, 'allowAudit imported from @leakgate/jest-environment, typed')?.status, why).toBe(
        'passed',
      )
      const message = testResult(run, file, LEAK)?.failureMessages.join('\n') ?? ''
      expect(message, why).toContain('called at  tests/typed.test.ts:27:')
      // Jest's code frame (console output) is the TypeScript source line.
      expect(run.output).toMatch(/> 27 \|\s+execFileSync\(command\.file, \[\.\.\.command\.args\]\)/)
      const violation = run.report?.events.find((event) => !event.decision.allowed)
      expect(violation?.callSite?.line).toBe(27)
      expect(run.report?.summary).toMatchObject({ violations: 1, allowed: 1 })
    })
  }

  for (const provider of ['babel', 'v8']) {
    test(`--coverage with ${provider}: instrumentation is not flagged, a test's leak is, at its line`, async () => {
      const coverage = fs.mkdtempSync(path.join(os.tmpdir(), `leakgate-coverage-${provider}-`))
      try {
        const run = await runJest('jest-coverage', [
          '--coverage',
          `--coverageProvider=${provider}`,
          `--coverageDirectory=${coverage}`,
        ])
        const why = describeRun(run)
        expect(run.code, why).toBe(1)
        expect(run.results?.numPassedTests, why).toBe(2)
        const leak = testResult(run, 'tests/cart.test.js', 'a leak under coverage is still caught at its line')
        expect(leak?.failureMessages.join('\n')).toContain('called at  tests/cart.test.js:12:')
        expect(run.output).toMatch(/> 12 \|\s+const double = new Function/)
        const events = run.report?.events ?? []
        const violations = events.filter((event) => !event.decision.allowed)
        expect(violations.map((event) => [event.event, event.callSite?.line])).toEqual([['Function', 12]])
        // istanbul's preamble (`new Function('return this')`) is a known-benign shape: listed, allowed.
        for (const event of events.filter((e) => e.decision.allowed)) {
          expect(event.decision).toMatchObject({
            rule: 'benign shape: the global object (return this)',
            source: 'default',
          })
        }
        expect(fs.existsSync(path.join(coverage, 'coverage-summary.json'))).toBe(true)
      } finally {
        fs.rmSync(coverage, { recursive: true, force: true })
      }
    })
  }
})
