import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AuditRecord } from '@leakgate/core'
import type { LeakgateReport } from '@leakgate/core/report'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { record } from '../../../core/test/support/record.js'
import { normalizePluginOptions } from '../../src/options.js'
import { LeakgateReporter, type TestModuleLike } from '../../src/reporter.js'

let root: string
let exitCode: typeof process.exitCode

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-reporter-'))
  exitCode = process.exitCode
})

afterEach(() => {
  process.exitCode = exitCode
  fs.rmSync(root, { recursive: true, force: true })
})

function setUp(options = {}, config: Record<string, unknown> = {}) {
  const log = vi.fn()
  const vitest = { version: '4.1.12', config: { root, ...config }, logger: { error: log } }
  const reporter = new LeakgateReporter(vitest, normalizePluginOptions(options))
  const project = { provide: vi.fn() }
  reporter.addProject(project, {})
  const sinkOf = () => {
    const payload = project.provide.mock.calls.at(-1)?.[1] as { options: { sinkDir: string } } | undefined
    if (!payload) throw new Error('nothing provided')
    return payload.options.sinkDir
  }
  return { reporter, project, log, sinkOf }
}

function moduleWith(testMeta: AuditRecord[], fileMeta: AuditRecord[] = []): TestModuleLike {
  const meta = (violations: AuditRecord[]) => (violations.length ? { leakgate: { v: 1, violations } } : {})
  return {
    moduleId: path.join(root, 'tests/a.test.js'),
    meta: () => meta(fileMeta),
    children: { allTests: () => [{ meta: () => meta(testMeta) }] },
  }
}

function writeSink(dir: string, records: AuditRecord[]): void {
  fs.writeFileSync(path.join(dir, 'events-1-0.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''))
}

const readReport = () => JSON.parse(fs.readFileSync(path.join(root, 'leakgate-report.json'), 'utf8')) as LeakgateReport

describe('LeakgateReporter', () => {
  test('a report that cannot be written at the end fails the run with one line, not an ENOTDIR stack', () => {
    // Accepted at start (the directory was there), then replaced by a file during the run.
    fs.mkdirSync(path.join(root, 'out'))
    const { reporter, log } = setUp({ report: 'out/leakgate-report.json' })
    reporter.onTestRunStart()
    fs.rmSync(path.join(root, 'out'), { recursive: true })
    fs.writeFileSync(path.join(root, 'out'), 'a file now')
    process.exitCode = undefined
    expect(() => reporter.onTestRunEnd([moduleWith([])])).not.toThrow()
    expect(process.exitCode).toBe(1)
    expect(String(log.mock.calls[0]?.[0])).toBe(
      `\nleakgate: could not write the report to ${path.join(root, 'out/leakgate-report.json')} (EEXIST); the run fails for it`,
    )
  })

  test('merges the sink and meta, writes the report, fails the run in enforce mode', () => {
    const { reporter, log, sinkOf } = setUp()
    reporter.onTestRunStart()
    const failed = record()
    const allowedEvent = record({ decision: { allowed: true, reason: 'rule', rule: 'echo', source: 'test' }, time: 5 })
    writeSink(sinkOf(), [failed, allowedEvent])
    process.exitCode = undefined
    reporter.onTestRunEnd([moduleWith([failed])])
    const report = readReport()
    expect(report.summary).toMatchObject({ violations: 1, allowed: 1 })
    expect(report.runs[0]).toMatchObject({
      framework: 'vitest',
      frameworkVersion: '4.1.12',
      files: ['tests/a.test.js'],
    })
    expect(process.exitCode).toBe(1)
    const printed = String(log.mock.calls[0]?.[0])
    expect(printed).toContain('leakgate: 1 violation (exec 1), 1 allowed by rules; report: ')
    expect(printed).not.toContain('failed no test')
  })

  test('a violation thrown while its file was imported failed that file: it is not listed as failing nothing', () => {
    const { reporter, log, sinkOf } = setUp()
    reporter.onTestRunStart()
    const thrown = record({ scope: { phase: 'import', file: 'tests/a.test.js' } })
    writeSink(sinkOf(), [thrown])
    process.exitCode = undefined
    reporter.onTestRunEnd([{ ...moduleWith([]), errors: () => [{ message: `${thrown.message}\n\n  test  …` }] }])
    const printed = String(log.mock.calls[0]?.[0])
    expect(printed).toContain('leakgate: 1 violation (exec 1)')
    expect(printed).not.toContain('failed no test')
    expect(process.exitCode).toBe(1)
  })

  test('a violation no test carried is listed as failing nothing', () => {
    const { reporter, log, sinkOf } = setUp()
    reporter.onTestRunStart()
    writeSink(sinkOf(), [record({ scope: { phase: 'late', file: 'tests/a.test.js', test: 'a' } })])
    reporter.onTestRunEnd([moduleWith([])])
    expect(String(log.mock.calls[0]?.[0])).toContain('leakgate: 1 violation failed no test')
    expect(process.exitCode).toBe(1)
  })

  test('each run gets a fresh sink: a rerun starts clean', () => {
    const { reporter, project, sinkOf } = setUp({}, { watch: true })
    reporter.onTestRunStart()
    const first = sinkOf()
    writeSink(first, [record()])
    reporter.onTestRunEnd([moduleWith([record()])])
    expect(process.exitCode).toBe(exitCode) // watch mode leaves the exit code alone
    reporter.onTestRunStart()
    const second = sinkOf()
    expect(second).not.toBe(first)
    expect(fs.existsSync(first)).toBe(false)
    expect(project.provide).toHaveBeenCalledTimes(2)
    reporter.onTestRunEnd([moduleWith([])])
    expect(readReport().summary.violations).toBe(0)
  })

  test('after --merge-reports, meta is the only source', () => {
    const { reporter, sinkOf } = setUp({}, { mergeReports: '.vitest-reports' })
    reporter.onTestRunStart()
    writeSink(sinkOf(), [record({ time: 77 })])
    reporter.onTestRunEnd([
      moduleWith([record()], [record({ scope: { phase: 'import', file: 'tests/a.test.js' }, time: 9 })]),
    ])
    expect(readReport().summary.violations).toBe(2)
  })

  test('mode off (LEAKGATE_MODE=off) says so, and its report says nothing was audited (as every adapter)', () => {
    const { reporter, log } = setUp({ mode: 'off' })
    reporter.onTestRunStart()
    process.exitCode = undefined
    reporter.onTestRunEnd([moduleWith([])])
    expect(process.exitCode).toBeUndefined()
    expect(String(log.mock.calls[0]?.[0])).toContain('leakgate: off (mode: off), nothing was audited; report: ')
    const report = readReport()
    expect(report.runs[0]?.mode).toBe('off')
    expect(report.runs[0]?.incomplete?.audited).toBe(0)
  })

  test('report mode records without failing; report: false writes nothing', () => {
    const { reporter, log, sinkOf } = setUp({ mode: 'report', report: false })
    reporter.onTestRunStart()
    writeSink(sinkOf(), [record({ mode: 'report', blocked: false })])
    process.exitCode = undefined
    reporter.onTestRunEnd([moduleWith([])])
    expect(process.exitCode).toBeUndefined()
    expect(fs.existsSync(path.join(root, 'leakgate-report.json'))).toBe(false)
    expect(String(log.mock.calls[0]?.[0])).toContain('(report mode: nothing was blocked)')
  })
})
