import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Baseline } from '../../../src/report/baseline.js'
import { breakdown } from '../../../src/report/breakdown.js'
import { fingerprintOf } from '../../../src/report/fingerprint.js'
import { formatGate } from '../../../src/report/format.js'
import { countOf, evaluateGate, type Gate } from '../../../src/report/gate.js'
import {
  createReport,
  type LeakgateReport,
  type ReportEvent,
  sortEvents,
  summarize,
} from '../../../src/report/model.js'
import { findReportProblem } from '../../../src/report/read.js'
import { leakgate } from './cli-helpers.js'
import { temporaryDir, writeJson } from './helpers.js'

// Issue 10.14: a report a person can read. The shape of the suite that printed 11,000 lines: a
// git tool whose 400 tests make 2,000 allowed spawns, 1,848 of them through a wrapper package
// (tinyexec), plus allowed connects to 60 hosts, a helper that leaks in 250 tests, a docker
// call in 30, code generated at 25 places, and 10 known leaks. The text and markdown outputs
// must stay short, count everything right, and list everything with --details.

const TESTS = 400

function event(fields: Partial<ReportEvent> & Pick<ReportEvent, 'category' | 'event' | 'target'>): ReportEvent {
  const allowed = fields.decision?.allowed ?? false
  const base: ReportEvent = {
    scope: { file: 'test/a.test.ts', test: 't', phase: 'test' },
    decision: { allowed: false, reason: 'no-rule' },
    mode: 'enforce',
    blocked: !allowed,
    message: '',
    count: 1,
    framework: 'vitest',
    firstSeen: '2026-12-01T10:00:00.000Z',
    ...fields,
  }
  if (!allowed) base.code = `LEAKGATE_${base.category.toUpperCase()}_BLOCKED`
  base.fingerprint = fingerprintOf(base)
  return base
}

function testScope(i: number): ReportEvent['scope'] {
  return { file: `test/repo-${String(i % 40).padStart(2, '0')}.test.ts`, test: `git > case ${i}`, phase: 'test' }
}

const allowRule = (rule: string) => ({ allowed: true, reason: 'rule' as const, rule, source: 'config' as const })

function generate(): { report: LeakgateReport; baseline: Baseline } {
  const events: ReportEvent[] = []
  let git = 0
  for (let i = 0; i < TESTS; i++) {
    // 1,848 git spawns through tinyexec, spread over every test, four or five per test
    const spawns = i < 248 ? 5 : 4
    for (let k = 0; k < spawns; k++) {
      events.push(
        event({
          category: 'exec',
          event: 'child_process.spawn',
          target: `git ${['status --porcelain', 'rev-parse HEAD', 'log -n 1', 'diff --stat', 'commit -m wip'][k]}`,
          scope: testScope(i),
          package: 'tinyexec',
          callSite: { file: 'src/git.ts', line: 10 + k, column: 3 },
          decision: allowRule("'git'"),
        }),
      )
      git += 1
    }
  }
  // 152 node spawns through execa
  for (let i = 0; i < 152; i++) {
    events.push(
      event({
        category: 'exec',
        event: 'child_process.spawn',
        target: `/usr/bin/node scripts/fixture-${i}.js`,
        scope: testScope(i),
        package: 'execa',
        decision: allowRule("'node'"),
      }),
    )
  }
  // allowed connects to 60 hosts
  for (let h = 0; h < 60; h++) {
    events.push(
      event({
        category: 'net',
        event: 'net.connect',
        target: `127.0.1.${h}:8080`,
        scope: testScope(h * 3),
        count: 2,
        decision: allowRule("'127.0.1.0/24'"),
      }),
    )
  }
  // a helper that leaks in 250 tests
  for (let i = 0; i < 250; i++) {
    events.push(
      event({
        category: 'net',
        event: 'net.connect',
        target: '127.0.0.2:443',
        scope: testScope(i),
        callSite: { file: 'test/helpers/api.ts', line: 12, column: 5 },
      }),
    )
  }
  // docker in 30 tests
  for (let i = 0; i < 30; i++) {
    events.push(
      event({
        category: 'exec',
        event: 'child_process.spawnSync',
        target: 'docker ps -q',
        scope: testScope(i * 7),
        callSite: { file: 'test/helpers/docker.ts', line: 3, column: 3 },
        package: 'dockerode',
      }),
    )
  }
  // code generated at 25 places
  for (let p = 0; p < 25; p++) {
    events.push(
      event({
        category: 'eval',
        event: 'Function',
        target: `return template${p}(data)`,
        scope: testScope(p),
        callSite: { file: `src/templates/t${p}.ts`, line: 4, column: 10 },
      }),
    )
  }
  // 10 known leaks (baselined)
  const baseline: Baseline = { kind: 'leakgate-baseline', version: 1, entries: [] }
  for (let i = 0; i < 10; i++) {
    const known = event({
      category: 'net',
      event: 'dns.lookup',
      target: 'registry.example.test',
      scope: testScope(100 + i),
      callSite: { file: 'test/helpers/registry.ts', line: 2, column: 1 },
    })
    events.push(known)
    baseline.entries.push({
      category: 'net',
      target: known.target,
      file: known.scope.file as string,
      test: known.scope.test as string,
    })
  }
  expect(git).toBe(1848)
  sortEvents(events)
  const report = createReport(
    { framework: 'vitest', node: 'v24.0.0', mode: 'enforce', root: '/repo', startedAt: '2026-12-01T10:00:00.000Z' },
    [],
  )
  report.events = events
  report.summary = summarize(events)
  return { report, baseline }
}

let report: LeakgateReport
let gate: Gate
let dir: string

beforeAll(() => {
  const generated = generate()
  report = generated.report
  gate = evaluateGate(report, generated.baseline, 'leakgate-baseline.json')
  dir = temporaryDir()
  writeJson(path.join(dir, 'leakgate-report.json'), report)
  writeJson(path.join(dir, 'leakgate-baseline.json'), generated.baseline)
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const lines = (text: string) => text.trimEnd().split('\n')

describe('the generated report', () => {
  test('is a valid report of thousands of events', () => {
    expect(findReportProblem(JSON.parse(JSON.stringify(report)))).toBeUndefined()
    expect(report.events.length).toBe(2375)
    expect(report.summary.allowed).toBe(2120)
    expect(report.summary.violations).toBe(315)
  })
})

describe('the summary table', () => {
  test('groups by program, host and package, with tests and the packages the calls came through', () => {
    const rows = breakdown(gate)
    const git = rows.find((row) => row.category === 'exec' && row.subject === 'git')
    expect(git).toEqual({
      category: 'exec',
      subject: 'git',
      new: 0,
      known: 0,
      allowed: 1848,
      tests: 400,
      via: ['tinyexec'],
    })
    const node = rows.find((row) => row.category === 'exec' && row.subject === 'node')
    expect(node).toMatchObject({ allowed: 152, tests: 152, via: ['execa'] })
    const docker = rows.find((row) => row.subject === 'docker')
    expect(docker).toMatchObject({ new: 30, tests: 30, via: ['dockerode'] })
    const api = rows.find((row) => row.subject === '127.0.0.2')
    expect(api).toMatchObject({ category: 'net', new: 250, tests: 250, via: ['(project code)'] })
    const known = rows.find((row) => row.subject === 'registry.example.test')
    expect(known).toMatchObject({ known: 10, tests: 10 })
    expect(rows.find((row) => row.category === 'eval')).toMatchObject({ subject: '(project code)', new: 25 })
  })

  test('a category keeps its largest rows and sums the rest into one; the columns still add up', () => {
    const rows = breakdown(gate, 10)
    const net = rows.filter((row) => row.category === 'net')
    expect(net).toHaveLength(10)
    const rest = net.at(-1)
    expect(rest).toMatchObject({ subject: '53 more hosts', others: 53, new: 0, known: 0, allowed: 106 })
    const sum = (column: 'new' | 'known' | 'allowed') => rows.reduce((total, row) => total + row[column], 0)
    expect(sum('new')).toBe(countOf(gate.fresh))
    expect(sum('known')).toBe(countOf(gate.known))
    expect(sum('allowed')).toBe(countOf(gate.allowed))
  })
})

describe('text', () => {
  test('stays short: the table, each place a new violation happens, the verdict', () => {
    const text = formatGate(gate, 'text', { workspace: dir })
    expect(lines(text).length).toBeLessThan(200)
    expect(text).toMatch(/ {2}exec {6}git\s+0\s+0\s+1848\s+400\s+tinyexec\n/)
    expect(text).toMatch(/ {2}net {7}\(53 more hosts\)\s+0\s+0\s+106\s+\d+\n/)
    expect(text).toContain('✖ 305 new violations')
    expect(text).toContain('  net.connect to "127.0.0.2:443" ×250 (LEAKGATE_NET_BLOCKED)')
    expect(text).toContain(
      '    tests      250 tests: test/repo-00.test.ts > git > case 0; test/repo-00.test.ts > git > case 120; and 248 more',
    )
    expect(text).toContain('    called at  test/helpers/api.ts:12:5')
    expect(text).toContain('  child_process.spawnSync of "docker ps -q" ×30 (LEAKGATE_EXEC_BLOCKED)')
    // 27 places: the first 20 in full, the rest counted
    expect(text).toContain(
      '  … and 7 new violations at 7 other places: counted in the table above (--details lists every one)',
    )
    expect(text).toContain('10 known violations accepted by the baseline:')
    expect(text).toContain('  dns.lookup of "registry.example.test" ×10 in 10 tests:')
    expect(text).not.toContain('allowed by a rule:')
    expect(text).toContain('2120 events allowed by rules (--details lists each):')
    expect(text).toContain("  exec  'git' (config)           1848 in 400 tests: git\n")
    expect(text).toContain("  exec  'node' (config)           152 in 152 tests: node\n")
    expect(text).toContain("  net   '127.0.1.0/24' (config)   120 in 60 tests: 127.0.1.0, 127.0.1.1, 127.0.1.10 +57\n")
    expect(lines(text).at(-1)).toBe('✖ leakgate: 305 new violations (10 known, 2120 allowed)')
  })

  test('--details lists every row, every place with every test, every allowed event', () => {
    const text = formatGate(gate, 'text', { workspace: dir, details: true })
    expect(text).not.toContain('more hosts')
    expect(text).not.toContain('other places')
    for (let p = 0; p < 25; p++) expect(text).toContain(`Function of "return template${p}(data)"`)
    expect(text).toContain('    tests      250 tests:\n      test/repo-00.test.ts > git > case 0\n')
    expect(text).toContain('2120 events allowed by a rule:')
    const allowedLines = lines(text).filter((line) => / by '(git|node|127\.0\.1\.0\/24)' \(config\)/.test(line))
    expect(allowedLines).toHaveLength(gate.allowed.length)
  })
})

describe('markdown (the job summary)', () => {
  test('stays short, with the same grouping', () => {
    const markdown = formatGate(gate, 'markdown', { workspace: dir })
    expect(lines(markdown).length).toBeLessThan(80)
    expect(markdown).toContain('| category | what | new | known | allowed | tests | via |')
    expect(markdown).toContain('| exec | `git` | 0 | 0 | 1848 | 400 | tinyexec |')
    expect(markdown).toContain('| net | (53 more hosts) | 0 | 0 | 106 |')
    expect(markdown).toContain(
      '| net | `net.connect` | `127.0.0.2:443` | 250 tests: test/repo-00.test.ts > git > case 0; and 249 more | `test/helpers/api.ts:12:5` |  | 250 |',
    )
    expect(markdown).toContain('<details><summary>2120 events allowed by a rule</summary>')
    expect(markdown).toContain("| exec | `'git'` | config | git | 400 | 1848 |")
    expect(markdown).toContain("| exec | `'node'` | config | node | 152 | 152 |")
    expect(markdown).toContain("| net | `'127.0.1.0/24'` | config | 127.0.1.0, 127.0.1.1, 127.0.1.10 +57 | 60 | 120 |")
  })
})

describe('a report of 20,000 different hosts and places', () => {
  test('every format is made in linear time (a few hundred milliseconds, not minutes)', () => {
    const many = Array.from({ length: 20_000 }, (_, i) =>
      event({
        category: 'net',
        event: 'net.connect',
        target: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:443`,
        scope: testScope(i),
        callSite: { file: 'src/client.ts', line: (i % 500) + 1, column: 1 },
      }),
    )
    const big = evaluateGate({ ...report, events: many, summary: summarize(many) })
    // CPU time of this process, not wall time: other processes on a loaded machine do not count.
    // Linear is a few hundred milliseconds here; quadratic in 20,000 places is minutes.
    const started = process.cpuUsage()
    const text = formatGate(big, 'text', { workspace: '/repo' })
    const markdown = formatGate(big, 'markdown', { workspace: '/repo' })
    formatGate(big, 'github', { workspace: '/repo' })
    const used = process.cpuUsage(started)
    expect((used.user + used.system) / 1000).toBeLessThan(5000)
    expect(lines(text).length).toBeLessThan(200)
    expect(text).toMatch(/ {2}net {7}\(19991 more hosts\)\s+19991\s+0\s+0\s+\d+\n/)
    expect(lines(markdown).length).toBeLessThan(120)
  })
})

describe('github', () => {
  test('one annotation per place, with its tests; the rest of a long list counted in a warning', () => {
    const github = formatGate(gate, 'github', { workspace: '/repo' })
    const errors = lines(github).filter((line) => line.startsWith('::error '))
    expect(errors).toHaveLength(27)
    expect(errors[0]).toBe(
      '::error file=test/helpers/api.ts,line=12,col=5,title=leakgate%3A net.connect (LEAKGATE_NET_BLOCKED)::' +
        'net.connect to "127.0.0.2:443" (LEAKGATE_NET_BLOCKED) ×250%0A' +
        'tests: 250 tests: test/repo-00.test.ts > git > case 0; test/repo-00.test.ts > git > case 120; and 248 more%0A' +
        'called at: test/helpers/api.ts:12:5%0A' +
        "to allow: allowAudit({ net: ['127.0.0.2:443'] })",
    )
    const many = Array.from({ length: 60 }, (_, p) =>
      event({
        category: 'eval',
        event: 'Function',
        target: `return ${p}`,
        scope: testScope(p),
        callSite: { file: 'src/t.ts', line: p + 1, column: 1 },
      }),
    )
    const longer = formatGate(evaluateGate({ ...report, events: many, summary: summarize(many) }), 'github', {
      workspace: '/repo',
    })
    expect(lines(longer).filter((line) => line.startsWith('::error '))).toHaveLength(50)
    expect(longer).toContain(
      "::warning title=leakgate%3A more places than annotated::10 more new violations at 10 other places: counted in the job log's table; `leakgate report --details` or --format sarif lists every one",
    )
  })
})

describe('the CLI', () => {
  test('leakgate report prints a short summary; --details everything; --detail is corrected', () => {
    const short = leakgate(dir, ['report'])
    expect(short.code).toBe(1)
    expect(lines(short.stdout).length).toBeLessThan(200)
    const full = leakgate(dir, ['report', '--details'])
    expect(full.code).toBe(1)
    expect(lines(full.stdout).length).toBeGreaterThan(2120)
    const old = leakgate(dir, ['report', '--verbose'])
    expect(old.stdout).toBe(full.stdout)
    const typo = leakgate(dir, ['report', '--detail'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('--details')
  })
})
