import fs from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import formats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MAX_EVENTS_PER_TEST } from '../../../src/limits.js'
import { updateBaseline } from '../../../src/report/baseline.js'
import { capPerTest } from '../../../src/report/cap.js'
import { formatGate } from '../../../src/report/format.js'
import { evaluateGate, gateExitCode } from '../../../src/report/gate.js'
import { mergeReports } from '../../../src/report/merge.js'
import type { LeakgateReport, ReportEvent } from '../../../src/report/model.js'
import { findReportProblem } from '../../../src/report/read.js'
import { leakgate } from './cli-helpers.js'
import { makeReport, PACKAGE_DIR, startServer, temporaryDir, writeJson } from './helpers.js'

// Issue 11.5: one test adds at most MAX_EVENTS_PER_TEST groups of events to the report; what
// it adds beyond is counted per test in `report.dropped`, counted by the summary, counted as new
// by the gate, and shown by every output format. Real records: a loop of 250 different
// `new Function` calls recorded by the built engine.

const addFormats = formats.default
const ajv = new Ajv2020({ strict: true, allErrors: true })
addFormats(ajv)
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'report-schema.json'), 'utf8')))

let server: Awaited<ReturnType<typeof startServer>>
let root: string
let report: LeakgateReport

const LOOP = { file: 'test/loop.test.ts', name: 'loops > compiles 250 strings' }

beforeAll(async () => {
  server = await startServer()
  root = temporaryDir()
  report = makeReport(root, server.port, [
    { ...LOOP, leaks: ['eval-250'] },
    { file: 'test/api.test.ts', name: 'api > fetches', leaks: ['net'] },
  ])
})

afterAll(async () => {
  await server.close()
  fs.rmSync(root, { recursive: true, force: true })
})

const ofLoop = (events: readonly ReportEvent[]) => events.filter((event) => event.scope.test === LOOP.name)

describe('the report of a test with 250 different violations', () => {
  test('keeps 100 of its events and counts the other 150, per category', () => {
    expect(MAX_EVENTS_PER_TEST).toBe(100)
    expect(ofLoop(report.events)).toHaveLength(100)
    expect(report.dropped).toEqual([
      {
        framework: 'vitest',
        file: LOOP.file,
        test: LOOP.name,
        events: 150,
        violations: 150,
        allowed: 0,
        byCategory: {
          net: { violations: 0, allowed: 0 },
          exec: { violations: 0, allowed: 0 },
          eval: { violations: 150, allowed: 0 },
          tamper: { violations: 0, allowed: 0 },
        },
      },
    ])
    // the first hundred, in the order they happened
    expect(ofLoop(report.events).map((event) => event.target)).toEqual(
      Array.from({ length: 100 }, (_, i) => `return ${i}`).sort((a, b) => a.localeCompare(b)),
    )
  })

  test('the summary still counts everything', () => {
    expect(report.summary.violations).toBe(251)
    expect(report.summary.byCategory.eval.violations).toBe(250)
    expect(report.summary.byCategory.net.violations).toBe(1)
  })

  test('validates against report-schema.json and the CLI reader', () => {
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true)
    expect(findReportProblem(JSON.parse(JSON.stringify(report)))).toBeUndefined()
    const output = JSON.parse(formatGate(evaluateGate(report), 'json', { workspace: root }))
    expect(validate(output), JSON.stringify(validate.errors)).toBe(true)
    expect(output.dropped).toEqual(report.dropped)
  })

  test('a test under the cap is untouched', () => {
    const api = report.events.filter((event) => event.scope.test === 'api > fetches')
    expect(api).toHaveLength(1)
    expect(report.dropped?.some((entry) => entry.test === 'api > fetches')).toBe(false)
  })
})

describe('the gate', () => {
  test('counts what was left out as new, even when the baseline lists every event kept', () => {
    const baseline = updateBaseline(report, undefined).baseline
    const gate = evaluateGate(report, baseline, 'leakgate-baseline.json')
    expect(gate.fresh).toEqual([])
    expect(gateExitCode(gate)).toBe(1)
    const output = JSON.parse(formatGate(gate, 'json', { workspace: root }))
    expect(output.gate.newViolations).toBe(150)
    expect(output.gate.knownViolations).toBe(101)
    const text = formatGate(gate, 'text', { workspace: root })
    expect(text).toContain('✖ leakgate: 150 new violations (101 known, 0 allowed)')
  })

  test('without a cap reached, nothing changes', () => {
    const small = makeReport(root, server.port, [{ file: 'test/a.test.ts', name: 'a', leaks: ['eval'] }])
    expect(small.dropped).toBeUndefined()
    const gate = evaluateGate(small, updateBaseline(small, undefined).baseline, 'b.json')
    expect(gateExitCode(gate)).toBe(0)
  })
})

describe('every output format shows what was left out', () => {
  const where = `${LOOP.file} > ${LOOP.name}`

  test('text', () => {
    const text = formatGate(evaluateGate(report), 'text', { workspace: root })
    expect(text).toContain('! 1 test added more events than the report keeps per test')
    expect(text).toContain(`  ${where}: 150 violations (eval 150) not listed, in 150 groups`)
    expect(text).toContain('✖ leakgate: 251 new violations')
  })

  test('markdown', () => {
    const markdown = formatGate(evaluateGate(report), 'markdown', { workspace: root })
    expect(markdown).toContain('## leakgate: ✖ 251 new violations')
    expect(markdown).toContain('### Not listed: tests over the report’s cap')
    expect(markdown).toContain('| test/loop.test.ts > loops > compiles 250 strings | 150 | 0 | 150 |')
  })

  test('github', () => {
    const github = formatGate(evaluateGate(report), 'github', { workspace: root })
    expect(github).toContain(
      `::error file=test/loop.test.ts,title=leakgate%3A more violations than the report lists::${where}: 150 violations (eval 150) not listed, in 150 groups`,
    )
    expect(github).toContain('::group::leakgate: 251 new violations')
  })

  test('junit', () => {
    const junit = formatGate(evaluateGate(report), 'junit', { workspace: root })
    expect(junit).toContain('(and 249 more)')
    const escaped = where.replaceAll('>', '&gt;')
    expect(junit).toContain(`not listed: ${escaped}: 150 violations (eval 150) not listed, in 150 groups`)
  })

  test('sarif', () => {
    const log = JSON.parse(formatGate(evaluateGate(report), 'sarif', { workspace: root }))
    const notListed = log.runs[0].results.filter((result: { properties: { notListed?: boolean } }) => {
      return result.properties.notListed
    })
    expect(notListed).toHaveLength(1)
    expect(notListed[0]).toMatchObject({
      ruleId: 'LEAKGATE_EVAL_BLOCKED',
      level: 'error',
      baselineState: 'new',
      properties: { count: 150 },
    })
    expect(notListed[0].locations[0].physicalLocation.artifactLocation.uri).toBe('test/loop.test.ts')
    expect(notListed[0].message.text).toContain('150 more eval violations in test/loop.test.ts')
  })
})

describe('merging', () => {
  test('what two reports left out adds up, and the cap applies to the merged events', () => {
    const other = makeReport(root, server.port, [{ ...LOOP, leaks: ['eval-250'] }], { framework: 'vitest' })
    const { report: merged } = mergeReports([
      { file: 'a.json', report },
      { file: 'b.json', report: other },
    ])
    // identical events of both add their counts; still 100 groups
    expect(ofLoop(merged.events)).toHaveLength(100)
    expect(ofLoop(merged.events).every((event) => event.count === 2)).toBe(true)
    expect(merged.dropped?.[0]).toMatchObject({ test: LOOP.name, violations: 300, events: 300 })
    expect(merged.summary.violations).toBe(501)
    expect(validate(merged), JSON.stringify(validate.errors)).toBe(true)
  })

  test('events of one test from two frameworks are capped separately', () => {
    const jest = makeReport(root, server.port, [{ ...LOOP, leaks: ['eval-250'] }], { framework: 'jest' })
    const { report: merged } = mergeReports([
      { file: 'a.json', report },
      { file: 'b.json', report: jest },
    ])
    expect(ofLoop(merged.events)).toHaveLength(200)
    expect(merged.dropped?.map((entry) => [entry.framework, entry.violations])).toEqual([
      ['jest', 150],
      ['vitest', 150],
    ])
  })
})

describe('leakgate baseline', () => {
  test('lists 20 new entries, counts the rest, and says what it cannot hold', () => {
    const dir = temporaryDir()
    try {
      writeJson(path.join(dir, 'leakgate-report.json'), report)
      const result = leakgate(dir, ['baseline'])
      expect(result.code, result.stderr).toBe(0)
      const added = result.stdout.split('\n').filter((line) => line.startsWith('  + '))
      expect(added).toHaveLength(21)
      expect(added.at(-1)).toBe('  + … and 81 more (the file lists every entry)')
      expect(result.stdout).toContain('wrote leakgate-baseline.json: 101 entries (101 added, 0 removed)')
      expect(result.stderr).toContain(
        "leakgate: 150 violations of 1 test over the report's cap (100 events per test) cannot be in a baseline",
      )
      const gate = leakgate(dir, ['report'])
      expect(gate.code).toBe(1)
      expect(gate.stdout).toContain('✖ leakgate: 150 new violations (101 known, 0 allowed)')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('capPerTest', () => {
  const event = (target: string, allowed: boolean, firstSeen: string): ReportEvent => ({
    category: 'net',
    event: 'net.connect',
    target,
    scope: { file: 't.js', test: 't', phase: 'test' },
    decision: allowed ? { allowed, reason: 'rule', rule: '*', source: 'test' } : { allowed, reason: 'no-rule' },
    mode: 'enforce',
    blocked: !allowed,
    message: '',
    count: 3,
    framework: 'vitest',
    firstSeen,
  })

  test('keeps violations before allowed events, then the earliest', () => {
    const events = [
      event('a:1', true, '2026-01-01T00:00:00.000Z'),
      event('b:1', false, '2026-01-01T00:00:03.000Z'),
      event('c:1', false, '2026-01-01T00:00:02.000Z'),
      event('d:1', true, '2026-01-01T00:00:01.000Z'),
    ]
    const { events: kept, dropped } = capPerTest(events, [], 2)
    expect(kept.map((kept) => kept.target)).toEqual(['b:1', 'c:1'])
    expect(dropped).toMatchObject([{ events: 2, violations: 0, allowed: 6, byCategory: { net: { allowed: 6 } } }])
  })
})
