import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { matchBaseline, updateBaseline } from '../../../src/report/baseline.js'
import { leakgate } from '../../unit/report/cli-helpers.js'
import { makeReport, type PlannedTest, startServer, temporaryDir, writeJson } from '../../unit/report/helpers.js'

// The baseline cycle with real runs and the built CLI: record, pass, add a leak, fail, remove a
// leak, told it is stale, prune. And a leak whose lines moved is still the same leak.

let server: Awaited<ReturnType<typeof startServer>>
let root: string

beforeAll(async () => {
  server = await startServer()
  root = temporaryDir()
})

afterAll(async () => {
  await server.close()
  fs.rmSync(root, { recursive: true, force: true })
})

const TODAY: PlannedTest[] = [
  { file: 'test/api.test.ts', name: 'api > fetches', leaks: ['net'] },
  { file: 'test/cli.test.ts', name: 'cli > runs git', leaks: ['exec', 'exec-allowed'] },
]

function run(tests: PlannedTest[], pad = 0) {
  writeJson(path.join(root, 'leakgate-report.json'), makeReport(root, server.port, tests, {}, pad))
}

describe('the baseline cycle', () => {
  test('record, pass, add a leak, fail, remove a leak, stale, prune', () => {
    run(TODAY)
    let result = leakgate(root, ['report'])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      '✖ leakgate: 2 new violations (0 known, 1 allowed); to accept them for now: leakgate baseline',
    )

    result = leakgate(root, ['baseline'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('wrote leakgate-baseline.json: 2 entries (2 added, 0 removed)')
    const baseline = JSON.parse(fs.readFileSync(path.join(root, 'leakgate-baseline.json'), 'utf8'))
    expect(baseline.kind).toBe('leakgate-baseline')
    expect(baseline.entries).toEqual([
      { category: 'net', target: `127.0.0.2:${server.port}`, file: 'test/api.test.ts', test: 'api > fetches' },
      { category: 'exec', target: 'true', file: 'test/cli.test.ts', test: 'cli > runs git' },
    ])

    result = leakgate(root, ['report'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('baseline: leakgate-baseline.json (2 entries)')
    expect(result.stdout).toContain('✔ leakgate: no new violations (2 known, 1 allowed)')

    // a new leak: only it fails
    run([...TODAY, { file: 'test/render.test.ts', name: 'render > compiles', leaks: ['eval'] }])
    result = leakgate(root, ['report'])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('✖ 1 new violation')
    expect(result.stdout).toContain('Function of "return 1" (LEAKGATE_EVAL_BLOCKED)')
    expect(result.stdout).toContain('test       test/render.test.ts > render > compiles')
    expect(result.stdout).not.toMatch(/net\.connect to .*LEAKGATE_NET_BLOCKED\)\n/)

    // the exec leak is fixed: the gate passes and names the stale entry
    run([{ file: 'test/api.test.ts', name: 'api > fetches', leaks: ['net'] }])
    result = leakgate(root, ['report'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('! 1 baseline entry no longer occurs: remove it with `leakgate baseline --prune`')
    expect(result.stdout).toContain('exec "true" in test/cli.test.ts > cli > runs git')
    expect(leakgate(root, ['report', '--fail-on-stale']).code).toBe(1)

    // prune shrinks it and never adds
    run([
      { file: 'test/api.test.ts', name: 'api > fetches', leaks: ['net'] },
      { file: 'test/new.test.ts', name: 'new', leaks: ['eval'] },
    ])
    result = leakgate(root, ['baseline', '--prune'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('updated leakgate-baseline.json: 1 entry (0 added, 1 removed)')
    expect(leakgate(root, ['report']).code).toBe(1)
  })

  test('moving lines does not make a known leak new', () => {
    run(TODAY)
    leakgate(root, ['baseline'])
    const before = JSON.parse(fs.readFileSync(path.join(root, 'leakgate-report.json'), 'utf8'))
    run(TODAY, 7)
    const after = JSON.parse(fs.readFileSync(path.join(root, 'leakgate-report.json'), 'utf8'))
    const lines = (report: typeof before) =>
      report.events.map((event: { callSite: { line: number } }) => event.callSite.line)
    expect(lines(after)).toEqual(lines(before).map((line: number) => line + 7))
    expect(after.events.map((event: { fingerprint: string }) => event.fingerprint)).toEqual(
      before.events.map((event: { fingerprint: string }) => event.fingerprint),
    )
    const result = leakgate(root, ['report'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('✔ leakgate: no new violations (2 known, 1 allowed)')
  })

  test('entries of files another shard ran are neither stale nor dropped', () => {
    const shard = makeReport(root, server.port, [TODAY[0] as PlannedTest], { files: ['test/api.test.ts'] })
    const full = makeReport(root, server.port, TODAY)
    const baseline = updateBaseline(full, undefined).baseline
    const match = matchBaseline(shard, baseline)
    expect(match.fresh).toEqual([])
    expect(match.stale).toEqual([])
    expect(match.unchecked.map((entry) => entry.file)).toEqual(['test/cli.test.ts'])
    const update = updateBaseline(shard, baseline)
    expect(update.baseline.entries).toHaveLength(2)
    expect(update.removed).toEqual([])
  })

  test('notes on entries survive an update', () => {
    const full = makeReport(root, server.port, TODAY)
    const baseline = updateBaseline(full, undefined).baseline
    baseline.entries[0] = { ...baseline.entries[0], note: 'tracked in #12' } as (typeof baseline.entries)[0]
    const update = updateBaseline(full, baseline)
    expect(update.baseline.entries.find((entry) => entry.note)?.note).toBe('tracked in #12')
    expect(update.added).toEqual([])
  })
})
