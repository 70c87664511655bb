import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { AuditRecord } from '../../../src/events.js'
import { resolveMode } from '../../../src/mode.js'
import { mergeRecords, RunCollector } from '../../../src/report/collector.js'
import { evaluateGate, gateExitCode } from '../../../src/report/gate.js'
import type { LeakgateReport, RunInfo } from '../../../src/report/model.js'
import { record } from '../../support/record.js'

// The run collector every adapter's reporter calls: real directories, real files.

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-collector-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

const info = (mode: RunInfo['mode'] = 'enforce'): Omit<RunInfo, 'startedAt'> => ({
  framework: 'test',
  node: process.version,
  mode,
  root,
  files: ['tests/a.test.js'],
})

function writeSink(dir: string, records: AuditRecord[], name = 'events-1-0.jsonl'): void {
  fs.mkdirSync(dir, { recursive: true })
  fs.appendFileSync(path.join(dir, name), records.map((r) => `${JSON.stringify(r)}\n`).join(''))
}

function mark(dir: string, file: string, states: ('start' | 'end')[], time = Date.now()): void {
  const lines = states.map((state) => JSON.stringify({ file, state, pid: 1, time }))
  fs.appendFileSync(path.join(dir, 'files-1-0.marks'), `${lines.join('\n')}\n`)
}

const readReport = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as LeakgateReport

describe('mergeRecords', () => {
  test('one occurrence read from the sink and carried counts once', () => {
    const a = record()
    const b = record({ time: 2_000 })
    expect(mergeRecords([a, b], [{ ...a }])).toEqual([a, b])
  })

  test('identical events at different times or in other workers are different occurrences', () => {
    expect(mergeRecords([record()], [record({ pid: 101 }), record({ time: 5 })])).toHaveLength(3)
  })

  test('identical events in the same millisecond are two occurrences when their ids differ (issue 10.6)', () => {
    const first = record({ id: 'a1.1' })
    const second = record({ id: 'a1.2' })
    // The repeats line of an allowed event: the first line's fields, another count and id.
    const repeats = record({ id: 'a1.3', count: 4 })
    expect(mergeRecords([first, second, repeats], [{ ...first }])).toEqual([first, second, repeats])
  })

  test('carried records alone (after --merge-reports) are enough', () => {
    expect(mergeRecords([], [record()])).toHaveLength(1)
  })
})

describe('resolveMode', () => {
  test('LEAKGATE_MODE wins; else the strictest configured; else enforce', () => {
    expect(resolveMode(['report'], { LEAKGATE_MODE: 'off' })).toBe('off')
    expect(resolveMode(['off', 'report'], {})).toBe('report')
    expect(resolveMode(['report', undefined], {})).toBe('enforce')
    expect(resolveMode([], {})).toBe('enforce')
    expect(resolveMode(['report'], { LEAKGATE_MODE: 'loud' })).toBe('report')
  })
})

describe('RunCollector', () => {
  test('a run: unfinished report at its start, then sink and carried merged, the report and the verdict', () => {
    const collector = new RunCollector({ framework: 'test' })
    const file = path.join(root, 'leakgate-report.json')
    collector.startRun({ info: info(), reportFile: file })
    expect(readReport(file).runs[0]?.incomplete?.problems[0]?.reason).toBe('not-finished')
    const failed = record()
    const late = record({ scope: { phase: 'late', file: 'tests/a.test.js', test: 'a' }, time: 9_000 })
    const allowed = record({ decision: { allowed: true, reason: 'rule', rule: 'echo', source: 'test' }, time: 5 })
    writeSink(collector.sinkDir, [failed, late, allowed])
    mark(collector.sinkDir, path.join(root, 'tests/a.test.js'), ['start', 'end'])
    const verdict = collector.finish({
      info: info(),
      reportFile: file,
      ran: [{ path: path.join(root, 'tests/a.test.js') }],
      carried: [{ ...failed }],
      shown: (r) => r.scope.phase === 'test',
    })
    expect(readReport(file).summary).toMatchObject({ violations: 2, allowed: 1 })
    expect(readReport(file).runs[0]?.incomplete).toBeUndefined()
    expect(verdict.records).toHaveLength(3)
    expect(verdict.failure).toBe(`leakgate: 2 violations in enforce mode (report: ${file})`)
    expect(verdict.lines[0]).toBe(
      `leakgate: 2 violations (exec 2), 1 allowed by rules; report: ${path.relative(process.cwd(), file)}`,
    )
    expect(verdict.lines).toContain(
      'leakgate: 1 violation failed no test: it happened after its test file had finished. The run fails for it:',
    )
  })

  test('a file the guard did not see to its end makes the run incomplete, and an enforce run fails for it', () => {
    const collector = new RunCollector({ framework: 'test' })
    collector.startRun({ info: info(), reportFile: false })
    mark(collector.sinkDir, path.join(root, 'tests/a.test.js'), ['start'])
    const verdict = collector.finish({
      info: info(),
      reportFile: false,
      ran: [{ path: path.join(root, 'tests/a.test.js') }],
      shown: () => false,
    })
    expect(verdict.report.runs[0]?.incomplete?.problems[0]).toMatchObject({
      file: 'tests/a.test.js',
      reason: 'not-finished',
    })
    expect(verdict.failure).toBe('leakgate: the run is incomplete')
    expect(verdict.reportPath).toBeUndefined()
    expect(verdict.lines[0]).toMatch(/^leakgate: the run is incomplete: 1 test file of 1 not audited/)
  })

  test('report mode fails nothing', () => {
    const collector = new RunCollector({ framework: 'test' })
    const file = path.join(root, 'r.json')
    collector.startRun({ info: info('report'), reportFile: file })
    writeSink(collector.sinkDir, [record({ mode: 'report', blocked: false })])
    const report = collector.finish({ info: info('report'), reportFile: file, ran: [], shown: () => false })
    expect(report.failure).toBeUndefined()
    expect(report.lines[0]).toContain('(report mode: nothing was blocked)')
  })

  test('mode off: a report that says nothing was audited (the gate refuses it), in place of any earlier one', () => {
    const file = path.join(root, 'r.json')
    fs.writeFileSync(file, '{"an earlier":"green report"}')
    const collector = new RunCollector({ framework: 'test' })
    collector.startRun({ info: info('off'), reportFile: file })
    expect(readReport(file).runs[0]?.incomplete?.problems[0]?.reason).toBe('not-finished')
    const off = collector.finish({
      info: info('off'),
      reportFile: file,
      ran: [{ path: path.join(root, 'tests/a.test.js') }, { path: path.join(root, 'tests/b.test.js'), skipped: true }],
      shown: () => false,
    })
    expect(off.failure).toBeUndefined()
    expect(off.lines).toEqual([
      'leakgate: off (mode: off), nothing was audited; report: ' +
        `${path.relative(process.cwd(), file)} (the gate refuses it: nothing was audited)`,
    ])
    const written = readReport(file)
    expect(written.runs[0]?.mode).toBe('off')
    expect(written.runs[0]?.incomplete).toEqual({
      expected: 1,
      audited: 0,
      problems: [
        {
          reason: 'not-started',
          detail: 'mode off (the mode option or LEAKGATE_MODE): leakgate audited nothing in this run',
        },
      ],
    })
    expect(gateExitCode(evaluateGate(written))).toBe(1)
  })

  test('each run after the first gets a fresh sink; the previous one is removed', () => {
    const collector = new RunCollector({ framework: 'test' })
    const first = collector.sinkDir
    expect(collector.startRun({ info: info(), reportFile: false })).toBe(false)
    writeSink(first, [record()])
    expect(collector.startRun({ info: info(), reportFile: false })).toBe(true)
    expect(collector.sinkDir).not.toBe(first)
    expect(fs.existsSync(first)).toBe(false)
    expect(collector.finish({ info: info(), reportFile: false, ran: [], shown: () => true }).records).toEqual([])
  })

  test('a sink the user chose is kept, and a run reads only its own lines from it', () => {
    const dir = path.join(root, 'sink')
    writeSink(dir, [record({ time: 1 })])
    const collector = new RunCollector({ framework: 'test', sinkDir: dir })
    collector.startRun({ info: info(), reportFile: false })
    collector.startRun({ info: info(), reportFile: false })
    expect(collector.sinkDir).toBe(dir)
    const now = record({ time: Date.now() + 1 })
    writeSink(dir, [now])
    expect(collector.finish({ info: info(), reportFile: false, ran: [], shown: () => true }).records).toEqual([now])
    expect(fs.existsSync(dir)).toBe(true)
  })

  test('a report that cannot be written fails the run with one line', () => {
    const collector = new RunCollector({ framework: 'test' })
    fs.writeFileSync(path.join(root, 'out'), 'a file')
    const file = path.join(root, 'out', 'leakgate-report.json')
    const verdict = collector.finish({ info: info(), reportFile: file, ran: [], shown: () => true })
    expect(verdict.lines).toEqual([`leakgate: could not write the report to ${file} (EEXIST); the run fails for it`])
    expect(verdict.failure).toBe(`leakgate: could not write the report to ${file} (EEXIST)`)
  })
})
