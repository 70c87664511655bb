import fs from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import draft04 from 'ajv-draft-04'
import formats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { validateXML } from 'xmllint-wasm'
import { updateBaseline } from '../../../src/report/baseline.js'
import { formatGate } from '../../../src/report/format.js'
import { evaluateGate, type Gate } from '../../../src/report/gate.js'
import { escapeData, escapeProperty, formatAnnotation, formatGithub } from '../../../src/report/github.js'
import { formatJunit } from '../../../src/report/junit.js'
import { formatMarkdown } from '../../../src/report/markdown.js'
import type { LeakgateReport, ReportEvent } from '../../../src/report/model.js'
import { formatSarif } from '../../../src/report/sarif.js'
import { makeReport, PACKAGE_DIR, SCHEMAS, startServer, temporaryDir } from './helpers.js'

// Every output format on a real report (records from the built engine), validated against the
// format's own schema: SARIF 2.1.0 (vendored JSON Schema), JUnit (Jenkins XSD, with xmllint
// compiled to wasm), leakgate's report-schema.json. GitHub annotation lines are compared exactly.

// Both are CommonJS with the class on `default` too: the one spelling TypeScript and Vitest agree on.
const AjvDraft04 = draft04.default
const addFormats = formats.default

let server: Awaited<ReturnType<typeof startServer>>
let root: string
let report: LeakgateReport
let gate: Gate

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'))

beforeAll(async () => {
  server = await startServer()
  root = temporaryDir()
  report = makeReport(root, server.port, [
    { file: 'test/api.test.ts', name: 'api > fetches', leaks: ['net', 'net'] },
    { file: 'test/cli.test.ts', name: 'cli > runs git', leaks: ['exec', 'exec-allowed', 'exec-secret'] },
    { file: 'test/render.test.ts', name: 'render > compiles', leaks: ['eval'] },
  ])
  // the exec leak is known; a fixed leak is still listed (stale)
  const known = report.events.filter((event) => event.category === 'exec' && event.target === 'true')
  const baseline = updateBaseline({ ...report, events: known }, undefined).baseline
  baseline.entries.push({ category: 'net', target: 'api.example.com:443', file: 'test/api.test.ts', test: 'api > old' })
  gate = evaluateGate(report, baseline, 'leakgate-baseline.json')
})

afterAll(async () => {
  await server.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('the gate', () => {
  test('splits new, known, allowed and stale', () => {
    expect(gate.fresh.map((event) => event.category).sort()).toEqual(['eval', 'exec', 'net'])
    expect(gate.known.map((event) => event.target)).toEqual(['true'])
    expect(gate.allowed.map((event) => event.target)).toEqual(['echo ok'])
    expect(gate.stale.map((entry) => entry.target)).toEqual(['api.example.com:443'])
  })
})

describe('json', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true })
  addFormats(ajv)
  const validate = ajv.compile(readJson(path.join(PACKAGE_DIR, 'report-schema.json')))

  test('a report from real records validates against report-schema.json', () => {
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true)
  })

  test('--format json validates too, and carries the verdict', () => {
    const output = JSON.parse(formatGate(gate, 'json', { workspace: root }))
    expect(validate(output), JSON.stringify(validate.errors)).toBe(true)
    expect(output.gate).toMatchObject({ baseline: 'leakgate-baseline.json', knownViolations: 1, allowed: 1 })
    expect(output.gate.newViolations).toBe(4)
    expect(output.events.filter((event: { status?: string }) => event.status === 'known')).toHaveLength(1)
  })
})

describe('sarif', () => {
  // unicodeRegExp off: the schema's language pattern has a stray ']' that is only valid without the u flag
  const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false })
  addFormats(ajv)
  const validate = ajv.compile(readJson(path.join(SCHEMAS, 'sarif-2.1.0-rtm.5.json')))

  test('validates against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(formatSarif(gate, { workspace: root }))
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true)
    const results = log.runs[0].results
    // errata 01 also requires a region to have startLine (or an offset)
    for (const result of results) {
      const region = result.locations[0].physicalLocation.region
      if (region) expect(region.startLine).toBeGreaterThan(0)
    }
    expect(results.map((result: { ruleId: string }) => result.ruleId).sort()).toEqual([
      'LEAKGATE_EVAL_BLOCKED',
      'LEAKGATE_EXEC_BLOCKED',
      'LEAKGATE_EXEC_BLOCKED',
      'LEAKGATE_NET_BLOCKED',
    ])
    expect(log.runs[0].tool.driver.rules.map((rule: { id: string }) => rule.id).sort()).toEqual([
      'LEAKGATE_EVAL_BLOCKED',
      'LEAKGATE_EXEC_BLOCKED',
      'LEAKGATE_NET_BLOCKED',
    ])
    const known = results.find((result: { baselineState: string }) => result.baselineState === 'unchanged')
    expect(known.level).toBe('warning')
    const net = results.find((result: { ruleId: string }) => result.ruleId === 'LEAKGATE_NET_BLOCKED')
    expect(net.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'leak.cjs', uriBaseId: '%SRCROOT%' },
      region: { startLine: expect.any(Number), startColumn: expect.any(Number) },
    })
    expect(net.properties.count).toBe(2)
  })

  test('partialFingerprints are the leak key: a moved line keeps them', () => {
    const moved = makeReport(
      root,
      server.port,
      [{ file: 'test/api.test.ts', name: 'api > fetches', leaks: ['net'] }],
      {},
      12,
    )
    const before = JSON.parse(formatSarif(gate, { workspace: root })).runs[0].results.find(
      (result: { ruleId: string }) => result.ruleId === 'LEAKGATE_NET_BLOCKED',
    )
    const after = JSON.parse(formatSarif(evaluateGate(moved), { workspace: root })).runs[0].results[0]
    expect(after.locations[0].physicalLocation.region.startLine).toBe(
      before.locations[0].physicalLocation.region.startLine + 12,
    )
    expect(after.partialFingerprints).toEqual(before.partialFingerprints)
    expect(after.partialFingerprints['leakgate/v1']).toMatch(/^[0-9a-f]{16}$/)
  })

  test('an event with no call site and no file is anchored at package.json', () => {
    const event = { ...(gate.fresh[0] as ReportEvent), scope: { phase: 'run' as const } }
    delete event.callSite
    const log = JSON.parse(formatSarif(evaluateGate({ ...report, events: [event] }), { workspace: root }))
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('package.json')
    expect(validate(log)).toBe(true)
  })
})

describe('junit', () => {
  const xsd = fs.readFileSync(path.join(SCHEMAS, 'jenkins-junit.xsd'), 'utf8')

  async function validateJunit(xml: string) {
    const result = await validateXML({
      xml: [{ fileName: 'leakgate.xml', contents: xml }],
      schema: [{ fileName: 'junit.xsd', contents: xsd }],
    })
    return result
  }

  test('validates against the JUnit XSD: a suite per file, a failing case per test with new violations', async () => {
    const xml = formatJunit(gate)
    const result = await validateJunit(xml)
    expect(result.errors).toEqual([])
    expect(result.valid).toBe(true)
    expect(xml.match(/<testsuite /g)).toHaveLength(3)
    expect(xml).toContain('<testsuites name="leakgate" tests="3" failures="3" errors="0" time="0">')
    expect(xml).toContain('<testsuite name="test/cli.test.ts" tests="1" failures="1"')
    expect(xml).toContain('known (in the baseline): child_process.spawnSync of "true"')
    expect(xml).toContain('allowed by echo (config): child_process.spawnSync of "echo ok"')
  })

  test('escapes markup and drops characters XML cannot hold', async () => {
    const event = {
      ...(gate.fresh[0] as ReportEvent),
      target: 'a<b>&"c"\u0001\u001b[31m',
      scope: { file: 'x&y.test.ts', test: '<t>', phase: 'test' as const },
    }
    const xml = formatJunit(evaluateGate({ ...report, events: [event] }))
    expect((await validateJunit(xml)).valid).toBe(true)
    expect(xml).toContain('classname="x&amp;y.test.ts"')
    expect(xml).not.toContain('\u0001')
  })
})

describe('github', () => {
  test('escaping follows @actions/core', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext')
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A')
  })

  test('one ::error line per new violation, exactly', () => {
    const event: ReportEvent = {
      category: 'net',
      event: 'net.connect',
      target: 'api.example.com:443',
      scope: { file: 'test/pay, ment.test.ts', test: 'pay > 100% charged', phase: 'test' },
      callSite: { file: 'src/client:v2.ts', line: 42, column: 11 },
      package: 'stripe',
      via: { file: 'node_modules/stripe/cjs/net.js', line: 55, column: 23 },
      decision: { allowed: false, reason: 'no-rule' },
      mode: 'enforce',
      blocked: true,
      code: 'LEAKGATE_NET_BLOCKED',
      message: 'blocked net.connect to "api.example.com:443" (LEAKGATE_NET_BLOCKED)',
      count: 3,
      framework: 'vitest',
      firstSeen: '2026-11-29T10:00:00.000Z',
    }
    const single = {
      ...report,
      runs: [{ ...(report.runs[0] as LeakgateReport['runs'][0]), root: '/repo' }],
      events: [event],
    }
    expect(formatAnnotation(evaluateGate(single), event, '/repo')).toBe(
      '::error file=src/client%3Av2.ts,line=42,col=11,title=leakgate%3A net.connect (LEAKGATE_NET_BLOCKED)::' +
        'net.connect to "api.example.com:443" (LEAKGATE_NET_BLOCKED) ×3%0A' +
        'test: test/pay, ment.test.ts > pay > 100%25 charged%0A' +
        'called at: src/client:v2.ts:42:11%0A' +
        'via: stripe (node_modules/stripe/cjs/net.js:55:23)%0A' +
        "to allow: allowAudit({ net: ['api.example.com:443'] })",
    )
    // a monorepo package: paths gain the package's folder
    expect(formatAnnotation(evaluateGate(single), event, '/')).toMatch(
      /^::error file=repo\/src\/client%3Av2.ts,line=42,col=11,/,
    )
  })

  test('a real run: annotations, a notice per stale entry, the summary between stop-commands', () => {
    const output = formatGithub(gate, { workspace: root, baselineFile: 'leakgate-baseline.json' })
    const lines = output.split('\n')
    const net = gate.fresh.find((event) => event.category === 'net') as ReportEvent
    const site = net.callSite as { line: number; column: number }
    expect(lines).toContain(
      `::error file=leak.cjs,line=${site.line},col=${site.column},title=leakgate%3A net.connect (LEAKGATE_NET_BLOCKED)::` +
        `net.connect to "127.0.0.2:${server.port}" (LEAKGATE_NET_BLOCKED) ×2%0Atest: test/api.test.ts > api > fetches%0A` +
        `called at: leak.cjs:${site.line}:${site.column}%0Ato allow: allowAudit({ net: ['127.0.0.2:${server.port}'] })`,
    )
    expect(lines.filter((line) => line.startsWith('::error '))).toHaveLength(3)
    expect(lines).toContain(
      '::notice file=leakgate-baseline.json,title=leakgate%3A stale baseline entry::net "api.example.com:443" in test/api.test.ts > api > old no longer occurs: remove it with `leakgate baseline --prune`',
    )
    const stop = lines.findIndex((line) => line.startsWith('::stop-commands::'))
    const token = lines[stop]?.slice('::stop-commands::'.length)
    expect(token).toMatch(/^[0-9a-f]{32}$/)
    expect(lines).toContain(`::${token}::`)
    expect(lines.at(-2)).toBe('::endgroup::')
  })
})

describe('one set of facts for a violation, in every format', () => {
  // The thrown error, the text format and the runners' summaries said when a violation happened
  // in a child process or a worker thread; the GitHub annotation and the JUnit detail did not.
  const inChild = (origin: 'child' | 'worker'): ReportEvent => ({
    category: 'exec',
    event: 'child_process.spawnSync',
    target: 'git status',
    scope: { file: 'test/a.test.ts', test: 'runs git', phase: 'test' },
    callSite: { file: 'scripts/run.js', line: 3, column: 1 },
    decision: { allowed: false, reason: 'no-rule' },
    mode: 'enforce',
    blocked: true,
    code: 'LEAKGATE_EXEC_BLOCKED',
    message: 'blocked child_process.spawnSync of "git status" (LEAKGATE_EXEC_BLOCKED)',
    count: 1,
    origin,
    framework: 'vitest',
    firstSeen: '2026-11-29T10:00:00.000Z',
  })
  const gateOf = (event: ReportEvent) =>
    evaluateGate({
      ...report,
      runs: [{ ...(report.runs[0] as LeakgateReport['runs'][0]), root: '/repo' }],
      events: [event],
    })

  test.each([
    ['child', 'a child process'],
    ['worker', 'a worker thread'],
  ] as const)('an event in a %s names it in text, github and junit', (origin, words) => {
    const gate = gateOf(inChild(origin))
    expect(formatGate(gate, 'text', { workspace: '/repo', color: false })).toContain(`in         ${words}`)
    expect(formatAnnotation(gate, inChild(origin), '/repo')).toContain(`%0Ain: ${words}%0A`)
    expect(formatJunit(gate)).toContain(`  in         ${words}\n`)
  })
})

describe('markdown', () => {
  test('tables, with cells escaped', () => {
    const text = formatMarkdown(gate)
    expect(text).toContain('## leakgate: ✖ 4 new violations')
    expect(text).toContain('| category | what | new | known | allowed | tests | via |')
    expect(text).toContain('### Stale baseline entries')
    const event = {
      ...(gate.fresh[0] as ReportEvent),
      target: 'a|b`c',
      scope: { file: 'f.ts', test: 'x | <y>', phase: 'test' as const },
    }
    const escaped = formatMarkdown(evaluateGate({ ...report, events: [event] }))
    expect(escaped).toContain('`` a\\|b`c ``')
    expect(escaped).toContain('f.ts > x \\| &lt;y>')
  })
})

describe('an incomplete run (the guard did not run everywhere)', () => {
  // A run whose worker died in one file and whose guard never started in another, plus a run
  // refused for its options: every format must say so, and the gate must fail however clean.
  const incompleteReport = (): LeakgateReport => {
    const clean = { ...report, events: report.events.filter((event) => event.decision.allowed) }
    return {
      ...clean,
      summary: { ...clean.summary, violations: 0 },
      runs: [
        {
          ...(report.runs[0] as LeakgateReport['runs'][number]),
          incomplete: {
            expected: 3,
            audited: 1,
            problems: [
              {
                file: 'test/killed.test.ts',
                reason: 'not-finished',
                detail: 'the file did not finish: its worker stopped mid-file (killed or crashed)',
              },
              {
                file: 'test/never.test.ts',
                reason: 'not-started',
                detail: 'the guard never started in this file: invalid leakgate option allow.net',
              },
            ],
          },
        },
        {
          framework: 'jest',
          node: process.version,
          mode: 'enforce',
          root,
          startedAt: '2026-11-29T10:00:00.000Z',
          id: 'refused',
          incomplete: {
            expected: 0,
            audited: 0,
            problems: [{ reason: 'options', detail: 'invalid option outputfile of the reporter' }],
          },
        },
      ],
    }
  }
  const reasons = ['test/killed.test.ts', 'test/never.test.ts', 'invalid option outputfile of the reporter']

  test('the gate fails a run with no violation at all', async () => {
    const { gateExitCode } = await import('../../../src/report/gate.js')
    const clean = evaluateGate(incompleteReport())
    expect(clean.fresh).toEqual([])
    expect(clean.incomplete.map((problem) => problem.reason)).toEqual(['not-finished', 'not-started', 'options'])
    expect(gateExitCode(clean)).toBe(1)
    const complete = evaluateGate({ ...incompleteReport(), runs: [report.runs[0] as LeakgateReport['runs'][number]] })
    expect(gateExitCode(complete)).toBe(0)
  })

  test.each(['text', 'markdown', 'github', 'junit', 'sarif', 'json'] as const)('%s names every reason', (format) => {
    const output = formatGate(evaluateGate(incompleteReport()), format, { workspace: root })
    for (const reason of reasons) expect(output).toContain(reason)
    expect(output).not.toContain('✔')
  })

  test('text: the last line says the run is incomplete, naming the first file', () => {
    const output = formatGate(evaluateGate(incompleteReport()), 'text', { workspace: root })
    expect(output.trimEnd().split('\n').at(-1)).toBe(
      '✖ leakgate: the run is incomplete: the guard refused its options; 2 test files of 3 not audited (test/killed.test.ts and 2 more); no new violations seen (0 known, 1 allowed)',
    )
  })

  test('json, SARIF and JUnit stay valid against their schemas', async () => {
    const gated = evaluateGate(incompleteReport())
    const ajv = new Ajv2020({ strict: true, allErrors: true })
    addFormats(ajv)
    const validateReport = ajv.compile(readJson(path.join(PACKAGE_DIR, 'report-schema.json')))
    const json = JSON.parse(formatGate(gated, 'json', { workspace: root }))
    expect(validateReport(json), JSON.stringify(validateReport.errors)).toBe(true)
    expect(json.gate.incomplete).toBe(3)
    const sarifAjv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false })
    addFormats(sarifAjv)
    const validateSarif = sarifAjv.compile(readJson(path.join(SCHEMAS, 'sarif-2.1.0-rtm.5.json')))
    const log = JSON.parse(formatSarif(gated, { workspace: root }))
    expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true)
    const results = log.runs[0].results.filter(
      (result: { ruleId: string }) => result.ruleId === 'LEAKGATE_INCOMPLETE_RUN',
    )
    expect(results).toHaveLength(3)
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('test/killed.test.ts')
    const xml = formatJunit(gated)
    const checked = await validateXML({
      xml: [{ fileName: 'leakgate.xml', contents: xml }],
      schema: [{ fileName: 'junit.xsd', contents: fs.readFileSync(path.join(SCHEMAS, 'jenkins-junit.xsd'), 'utf8') }],
    })
    expect(checked.errors).toEqual([])
    expect(xml).toContain('type="LEAKGATE_INCOMPLETE_RUN"')
  })

  test('github: one error annotation per reason, at the file when there is one', () => {
    const output = formatGithub(evaluateGate(incompleteReport()), { workspace: root })
    const errors = output.split('\n').filter((line) => line.startsWith('::error'))
    expect(errors[0]).toMatch(
      /^::error file=test\/killed\.test\.ts,title=leakgate%3A incomplete run::test\/killed\.test\.ts: /,
    )
    expect(errors).toHaveLength(3)
  })
})

describe('a sharded run with shards missing (a shard job that stopped before it uploaded its report)', () => {
  const run = (framework: string, index: number, count: number, at = root): LeakgateReport['runs'][number] => ({
    ...(report.runs[0] as LeakgateReport['runs'][number]),
    framework,
    root: at,
    id: `${framework}-${index}-of-${count}-${at}`,
    shard: { index, count },
  })
  const sharded = (...runs: LeakgateReport['runs']): LeakgateReport => ({
    ...report,
    events: report.events.filter((event) => event.decision.allowed),
    summary: { ...report.summary, violations: 0 },
    runs,
  })

  test('every shard given: nothing missing; one missing: the gate fails a run with no violation', async () => {
    const { gateExitCode } = await import('../../../src/report/gate.js')
    expect(evaluateGate(sharded(run('vitest', 1, 2), run('vitest', 2, 2))).incomplete).toEqual([])
    const missing = evaluateGate(sharded(run('vitest', 1, 2)))
    expect(missing.fresh).toEqual([])
    expect(missing.incomplete).toEqual([
      expect.objectContaining({
        reason: 'shard-missing',
        framework: 'vitest',
        detail: expect.stringContaining('no report of vitest shard 2 of 2 was given'),
      }),
    ])
    expect(gateExitCode(missing)).toBe(1)
  })

  test('runs are grouped by framework, root and count; the missing ones named as ranges', () => {
    const gate = evaluateGate(
      sharded(
        run('vitest', 3, 6),
        run('vitest', 3, 6), // a shard job run twice
        run('jest', 1, 2),
        run('jest', 2, 2),
        run('vitest', 1, 2, '/elsewhere'),
      ),
    )
    expect(gate.incomplete.map((problem) => problem.detail.split(' was given')[0])).toEqual([
      'no report of vitest shards 1–2, 4–6 of 6',
      'no report of vitest shard 2 of 2',
    ])
  })

  test('a damaged count is not looped over', () => {
    const started = performance.now()
    const gate = evaluateGate(sharded(run('vitest', 1, Number.MAX_SAFE_INTEGER)))
    expect(gate.incomplete[0]?.detail).toContain(`shards 2–${Number.MAX_SAFE_INTEGER} of ${Number.MAX_SAFE_INTEGER}`)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  test('allowMissingShards judges the shards given alone', () => {
    expect(
      evaluateGate(sharded(run('vitest', 1, 2)), undefined, undefined, { allowMissingShards: true }).incomplete,
    ).toEqual([])
  })

  test('text: the last line says shards have no report', () => {
    const output = formatGate(evaluateGate(sharded(run('vitest', 1, 3))), 'text', { workspace: root })
    expect(output.trimEnd().split('\n').at(-1)).toMatch(
      /^✖ leakgate: the run is incomplete: shards without a report \(no report of vitest shards 2–3 of 3 was given, .* --allow-missing-shards to gate only the shards given\); no new violations seen/,
    )
  })
})
