import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { LeakgateInputError } from '../../../src/report/input-error.js'
import { mergeReports } from '../../../src/report/merge.js'
import type { LeakgateReport } from '../../../src/report/model.js'
import { makeReport, startServer, temporaryDir } from './helpers.js'

// Merging real reports: two Vitest shards and a Jest run of the same project.

let server: Awaited<ReturnType<typeof startServer>>
let root: string
let shard1: LeakgateReport
let shard2: LeakgateReport
let jest: LeakgateReport

beforeAll(async () => {
  server = await startServer()
  root = temporaryDir()
  shard1 = makeReport(
    root,
    server.port,
    [
      { file: 'test/a.test.ts', name: 'a > connects', leaks: ['net', 'net'] },
      { file: 'test/b.test.ts', name: 'b > shells out', leaks: ['exec', 'exec-allowed'] },
    ],
    { shard: { index: 1, count: 2 } },
  )
  shard2 = makeReport(
    root,
    server.port,
    [
      { file: 'test/c.test.ts', name: 'c > compiles', leaks: ['eval'] },
      // the same test name in another file is another test
      { file: 'test/d.test.ts', name: 'a > connects', leaks: ['net'] },
    ],
    { shard: { index: 2, count: 2 } },
  )
  jest = makeReport(root, server.port, [{ file: 'test/a.test.ts', name: 'a > connects', leaks: ['net'] }], {
    framework: 'jest',
    frameworkVersion: '30.5.2',
  })
})

afterAll(async () => {
  await server.close()
  fs.rmSync(root, { recursive: true, force: true })
})

const total = (report: LeakgateReport) => report.events.reduce((sum, event) => sum + event.count, 0)

describe('mergeReports', () => {
  test('shards and frameworks: the union, nothing lost or doubled', () => {
    const { report, skipped } = mergeReports([
      { file: 'shard1.json', report: shard1 },
      { file: 'shard2.json', report: shard2 },
      { file: 'jest.json', report: jest },
    ])
    expect(skipped).toEqual([])
    expect(report.runs.map((run) => `${run.framework}:${run.shard?.index ?? '-'}`)).toEqual([
      'vitest:1',
      'vitest:2',
      'jest:-',
    ])
    expect(total(report)).toBe(total(shard1) + total(shard2) + total(jest))
    expect(report.events).toHaveLength(shard1.events.length + shard2.events.length + jest.events.length)
    expect(report.summary.violations).toBe(
      shard1.summary.violations + shard2.summary.violations + jest.summary.violations,
    )
    expect(report.summary.allowed).toBe(1)
    // the two connects of one test are one group of 2; Vitest's and Jest's stay apart
    const connects = report.events.filter((event) => event.scope.file === 'test/a.test.ts')
    expect(connects.map((event) => [event.framework, event.count])).toEqual([
      ['jest', 1],
      ['vitest', 2],
    ])
    // same leak identity (fingerprint) across frameworks: the baseline treats them as one leak
    expect(connects[0]?.fingerprint).toBe(connects[1]?.fingerprint)
  })

  test('events with the same key in two shards add up', () => {
    const again = structuredClone(shard1)
    again.runs = again.runs.map((run) => ({ ...run, id: `${run.id}-rerun`, shard: { index: 2, count: 2 } }))
    const { report } = mergeReports([
      { file: 'one.json', report: shard1 },
      { file: 'two.json', report: again },
    ])
    expect(report.events).toHaveLength(shard1.events.length)
    expect(total(report)).toBe(2 * total(shard1))
  })

  test('a report given twice, or a merge given with its parts, counts once', () => {
    const merged = mergeReports([
      { file: 'shard1.json', report: shard1 },
      { file: 'shard2.json', report: shard2 },
    ]).report
    const { report, skipped } = mergeReports([
      { file: 'merged.json', report: merged },
      { file: 'shard1.json', report: shard1 },
      { file: 'shard2.json', report: structuredClone(shard2) },
      { file: 'shard2-copy.json', report: structuredClone(shard2) },
    ])
    expect(skipped).toEqual(['shard1.json', 'shard2.json', 'shard2-copy.json'])
    expect(total(report)).toBe(total(merged))
  })

  test('a report sharing only some runs with another is refused', () => {
    const merged = mergeReports([
      { file: 'shard1.json', report: shard1 },
      { file: 'shard2.json', report: shard2 },
    ]).report
    const run = () =>
      mergeReports([
        { file: 'shard1.json', report: shard1 },
        { file: 'merged.json', report: merged },
      ])
    expect(run).toThrow(LeakgateInputError)
    expect(run).toThrow(/merged.json: shares 1 of its 2 runs with shard1.json/)
  })

  test('merging is stable: merging a merge gives the same events', () => {
    const once = mergeReports([
      { file: 'shard1.json', report: shard1 },
      { file: 'jest.json', report: jest },
    ]).report
    const twice = mergeReports([{ file: 'once.json', report: structuredClone(once) }]).report
    expect(twice.events).toEqual(once.events)
    expect(path.isAbsolute(twice.runs[0]?.root ?? '')).toBe(true)
  })
})
