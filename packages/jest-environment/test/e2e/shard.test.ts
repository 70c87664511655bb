import { type LeakgateReport, mergeReports } from '@leakgate/core/report'
import { describe, expect, test } from 'vitest'
import { checkExpected, readExpected } from './support/expected.js'
import { describeRun, ISOLATED, type JestRun, runJest, SMOKE } from './support/run-jest.js'

// --shard: each shard's reporter writes its part (with the shard in the run info); merged, the
// parts are the whole leaky suite exactly as expected.json says.

describe.skipIf(SMOKE || !ISOLATED)('--shard', () => {
  test('two shards, merged, match fixtures/leaky/expected.json', async () => {
    const parts: JestRun[] = []
    for (const shard of ['1/2', '2/2']) parts.push(await runJest('leaky', ['-i', `--shard=${shard}`]))
    for (const [i, part] of parts.entries()) {
      expect(part.report?.runs[0]?.shard, describeRun(part)).toEqual({ index: i + 1, count: 2 })
      expect(part.results?.testResults.length).toBeGreaterThan(0)
    }
    const files = parts.flatMap((part) => part.report?.runs[0]?.files ?? [])
    expect(new Set(files).size).toBe(files.length)
    const { report } = mergeReports(
      parts.map((part, i) => ({ file: `shard-${i + 1}.json`, report: part.report as LeakgateReport })),
    )
    const [first, second] = parts as [JestRun, JestRun]
    const whole: JestRun = {
      ...first,
      results: first.results && {
        ...first.results,
        // Each part may have run in its own copy of the fixture (a matrix runner dir).
        testResults: [
          ...first.results.testResults,
          ...(second.results?.testResults ?? []).map((file) => ({
            ...file,
            name: file.name.replace(second.fixtureDir, first.fixtureDir),
          })),
        ],
      },
      report,
    }
    expect(checkExpected(whole, readExpected('leaky'))).toEqual([])
  })
})
