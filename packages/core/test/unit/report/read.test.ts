import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { expandFiles } from '../../../src/cli/files.js'
import { readBaseline } from '../../../src/report/baseline.js'
import { readReport } from '../../../src/report/read.js'
import { PACKAGE_DIR, temporaryDir, writeJson } from './helpers.js'

// Every way an input file can be wrong gets one line naming the file, the problem and the fix.

let dir: string
const VALID = {
  schemaVersion: 1,
  tool: { name: '@leakgate/core', version: '0.1.0' },
  runs: [
    { framework: 'vitest', node: 'v20.0.0', mode: 'report', root: '/repo', startedAt: '2026-11-29T10:00:00.000Z' },
  ],
  events: [],
  summary: {
    violations: 0,
    allowed: 0,
    byCategory: {
      net: { violations: 0, allowed: 0 },
      exec: { violations: 0, allowed: 0 },
      eval: { violations: 0, allowed: 0 },
    },
  },
}

beforeAll(() => {
  dir = temporaryDir()
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function problem(read: () => unknown): string {
  try {
    read()
  } catch (error) {
    expect((error as Error).message).not.toContain('\n')
    return (error as Error).message
  }
  throw new Error('expected an error')
}

describe('readReport', () => {
  const at = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text)
    return () => readReport(path.join(dir, name), name)
  }

  test('a valid report', () => {
    expect(at('ok.json', JSON.stringify(VALID))()).toEqual(VALID)
  })

  test.each([
    ['missing.json', null, 'missing.json: no such file. Run the tests with the leakgate reporter first'],
    ['empty.json', '', 'empty.json: is empty. The test run probably stopped while writing it; re-run the tests.'],
    ['cut.json', JSON.stringify(VALID).slice(0, 60), 'cut.json: is cut short after 60 bytes (not complete JSON)'],
    ['text.json', 'hello', 'text.json: is not valid JSON ('],
    ['sink.json', '{"v":1}\n{"v":1}\n', 'sink.json: holds JSON lines (a leakgate event sink?), not a report.'],
    ['array.json', '[]', 'array.json: is not a leakgate report (expected a JSON object'],
    [
      'foreign.json',
      '{"name":"x","version":"1"}',
      'foreign.json: is not a leakgate report (no "schemaVersion" and "tool": "@leakgate/core")',
    ],
    [
      'baseline.json',
      '{"kind":"leakgate-baseline","version":1,"entries":[]}',
      'baseline.json: is a leakgate baseline, not a report. Pass it with --baseline.',
    ],
    ['log.sarif', '{"version":"2.1.0","runs":[]}', 'log.sarif: is a SARIF log, not a leakgate report.'],
    [
      'future.json',
      JSON.stringify({ ...VALID, schemaVersion: 9 }),
      'future.json: is a version 9 report, newer than this leakgate',
    ],
    [
      'damaged.json',
      JSON.stringify({ ...VALID, events: [{ category: 'net' }] }),
      'damaged.json: is damaged: events[0].event is missing; expected a string. Re-run the tests to write it again.',
    ],
    [
      'count.json',
      JSON.stringify({ ...VALID, runs: [{ ...VALID.runs[0], mode: 'loud' }] }),
      'count.json: is damaged: runs[0].mode is "loud"; expected enforce, report or off.',
    ],
  ])('%s', (name, text, message) => {
    const read = text === null ? () => readReport(path.join(dir, name), name) : at(name, text)
    expect(problem(read)).toContain(message)
  })
})

describe('readBaseline', () => {
  test.each([
    [
      'report.json',
      JSON.stringify(VALID),
      'report.json: is a leakgate report, not a baseline. Make a baseline from it with `leakgate baseline <report>`.',
    ],
    ['other.json', '{}', 'other.json: is not a leakgate baseline (no "kind": "leakgate-baseline")'],
    [
      'bad.json',
      '{"kind":"leakgate-baseline","version":1,"entries":[{"category":"disk","target":"x"}]}',
      'bad.json: is damaged: entries[0].category is "disk"',
    ],
    [
      'new.json',
      '{"kind":"leakgate-baseline","version":2,"entries":[]}',
      'new.json: has version 2, which this leakgate does not read.',
    ],
  ])('%s', (name, text, message) => {
    fs.writeFileSync(path.join(dir, name), text)
    expect(problem(() => readBaseline(path.join(dir, name), name))).toContain(message)
  })
})

describe('expandFiles', () => {
  test('globs within and across folders; plain paths pass through', () => {
    for (const file of [
      'a/leakgate-report.json',
      'b/c/leakgate-report.json',
      'b/other.json',
      'node_modules/x/leakgate-report.json',
    ]) {
      fs.mkdirSync(path.dirname(path.join(dir, 'g', file)), { recursive: true })
      writeJson(path.join(dir, 'g', file), {})
    }
    const cwd = path.join(dir, 'g')
    expect(expandFiles(['**/leakgate-report.json'], cwd)).toEqual([
      'a/leakgate-report.json',
      'b/c/leakgate-report.json',
    ])
    expect(expandFiles(['b/*/leakgate-report.json', 'plain.json'], cwd)).toEqual([
      'b/c/leakgate-report.json',
      'plain.json',
    ])
    expect(problem(() => expandFiles(['shard-*/leakgate-report.json'], cwd))).toBe(
      'shard-*/leakgate-report.json: no file matches this pattern (searched .). Check the path, or that the test jobs uploaded their reports.',
    )
  })
})

describe('one source of truth: report-schema.json', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'report-schema.json'), 'utf8'))
  const event = {
    category: 'net',
    event: 'net.connect',
    target: '203.0.113.5:443',
    scope: { phase: 'test', file: 'a.test.js', test: 't' },
    decision: { allowed: false, reason: 'no-rule' },
    mode: 'enforce',
    blocked: true,
    message: 'blocked net.connect to "203.0.113.5:443" (LEAKGATE_NET_BLOCKED)',
    count: 1,
    framework: 'vitest',
    firstSeen: '2026-11-29T10:00:00.000Z',
  }
  const read = (value: unknown) => {
    fs.writeFileSync(path.join(dir, 'shape.json'), JSON.stringify(value))
    try {
      readReport(path.join(dir, 'shape.json'), 'shape.json')
      return undefined
    } catch (error) {
      return (error as Error).message
    }
  }

  test('a report with an event conforms', () => {
    expect(read({ ...VALID, events: [event] })).toBeUndefined()
  })

  test.each(schema.required as string[])('the report without its required %s is damaged', (name) => {
    const value: Record<string, unknown> = { ...VALID }
    delete value[name]
    expect(read(value)).toMatch(/^shape\.json: is (damaged: .* is missing|not a leakgate report)/)
  })

  test.each(schema.$defs.event.required as string[])('an event without its required %s is damaged', (name) => {
    const broken: Record<string, unknown> = { ...event }
    delete broken[name]
    expect(read({ ...VALID, events: [broken] })).toContain(`is damaged: events[0].${name} is missing`)
  })

  test.each(schema.$defs.run.required as string[])('a run without its required %s is damaged', (name) => {
    const run: Record<string, unknown> = { ...VALID.runs[0] }
    delete run[name]
    expect(read({ ...VALID, runs: [run] })).toContain(`is damaged: runs[0].${name} is missing`)
  })

  test('types, enums, minimums and patterns come from the schema', () => {
    expect(read({ ...VALID, events: [{ ...event, count: 0 }] })).toContain(
      'events[0].count is 0; expected a positive integer',
    )
    expect(read({ ...VALID, events: [{ ...event, fingerprint: 'XYZ' }] })).toContain(
      'events[0].fingerprint is "XYZ"; expected text matching ^[0-9a-f]{16}$',
    )
    expect(read({ ...VALID, events: [{ ...event, origin: 'shell' }] })).toContain(
      'events[0].origin is "shell"; expected child or worker',
    )
    expect(read({ ...VALID, events: [{ ...event, callSite: { file: 'a.js', line: -1, column: 0 } }] })).toContain(
      'events[0].callSite.line is -1; expected an integer of 0 or more',
    )
    expect(read({ ...VALID, tool: { name: '@leakgate/core' } })).toContain('tool.version is missing; expected a string')
    expect(read({ ...VALID, summary: { ...VALID.summary, violations: 'many' } })).toContain(
      'summary.violations is "many"; expected an integer of 0 or more',
    )
  })

  test('unknown properties are accepted on reading (a newer minor field)', () => {
    expect(read({ ...VALID, events: [{ ...event, newField: 1 }], extra: true })).toBeUndefined()
  })
})
