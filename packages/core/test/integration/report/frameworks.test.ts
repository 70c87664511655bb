import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import draft04 from 'ajv-draft-04'
import formats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { validateXML } from 'xmllint-wasm'
import { updateBaseline } from '../../../src/report/baseline.js'
import { evaluateGate } from '../../../src/report/gate.js'
import { groupLeaks } from '../../../src/report/leaks.js'
import { mergeReports } from '../../../src/report/merge.js'
import type { LeakgateReport } from '../../../src/report/model.js'
import { readReport } from '../../../src/report/read.js'
import { leakgate } from '../../unit/report/cli-helpers.js'
import { PACKAGE_DIR, SCHEMAS, temporaryDir, writeJson } from '../../unit/report/helpers.js'

// Reports from real Vitest and Jest runs of the shared leaky fixtures, each sharded in two:
// merged (union, nothing lost or doubled), gated, and every output format validated. The
// fixtures reach for 203.0.113.5 (blocked before any packet), so this runs only inside the
// network namespace (`npm test`), and only once both adapters are built.

const REPO = path.resolve(PACKAGE_DIR, '../..')
const FIXTURE = path.join(REPO, 'fixtures/leaky')
const isolated = process.env.LEAKGATE_NETNS === '1'
const adaptersBuilt =
  fs.existsSync(path.join(REPO, 'packages/vitest-plugin/dist/index.mjs')) &&
  fs.existsSync(path.join(REPO, 'packages/jest-environment/dist/reporter.cjs'))
const LOCAL = ['127.0.0.1', '::1', '0.0.0.0', '::']

let out: string
let configDir: string
const reports: Record<string, LeakgateReport> = {}

/** Runs a framework CLI in the fixture; its output is kept for the failure message. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    // the outer Vitest's own variables would make the inner one think it is a worker
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')))
    const child = spawn(process.execPath, args, { cwd: FIXTURE, env: { ...clean, ...env, CI: '1' } })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    child.on('close', (code) => resolve(`exit ${code}\n${output}`))
  })
}

beforeAll(async () => {
  if (!isolated || !adaptersBuilt) return
  out = temporaryDir('leakgate-frameworks-')
  // The fixture's Vitest config writes its report into the fixture; this one writes to `out`.
  const cache = path.join(REPO, 'node_modules/.cache')
  fs.mkdirSync(cache, { recursive: true })
  configDir = fs.mkdtempSync(path.join(cache, 'leakgate-vitest-'))
  const vitestRun = (shard: number) => {
    const config = path.join(configDir, `vitest-${shard}.config.mjs`)
    fs.writeFileSync(
      config,
      `import { leakgate } from '@leakgate/vitest-plugin'\nexport default {\n  root: ${JSON.stringify(FIXTURE)},\n  plugins: [leakgate({ local: ${JSON.stringify(LOCAL)}, report: ${JSON.stringify(path.join(out, `vitest-${shard}.json`))} })],\n  test: { globals: true, include: ['tests/**/*.test.{js,ts}'] },\n}\n`,
    )
    return run([path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config, `--shard=${shard}/2`], {})
  }
  const jestRun = (shard: number) =>
    run([path.join(REPO, 'node_modules/jest/bin/jest.js'), '--ci', `--shard=${shard}/2`], {
      LEAKGATE_REPORT_FILE: path.join(out, `jest-${shard}.json`),
    })
  // two at a time: this machine has two cores
  const outputs: Record<string, string> = {}
  ;[outputs['vitest-1'], outputs['jest-1']] = await Promise.all([vitestRun(1), jestRun(1)])
  ;[outputs['vitest-2'], outputs['jest-2']] = await Promise.all([vitestRun(2), jestRun(2)])
  for (const name of ['vitest-1', 'vitest-2', 'jest-1', 'jest-2']) {
    const file = path.join(out, `${name}.json`)
    if (!fs.existsSync(file)) throw new Error(`${name} wrote no report:\n${outputs[name]?.slice(-3000)}`)
    reports[name] = readReport(file)
  }
}, 120_000)

afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true })
  if (configDir) fs.rmSync(configDir, { recursive: true, force: true })
})

const total = (report: LeakgateReport) => report.events.reduce((sum, event) => sum + event.count, 0)
const sources = (...names: string[]) =>
  names.map((name) => ({ file: `${name}.json`, report: reports[name] as LeakgateReport }))

describe.skipIf(!isolated || !adaptersBuilt)('reports of real Vitest and Jest runs', () => {
  test('each validates against report-schema.json and lists its shard and files', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true })
    formats.default(ajv)
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'report-schema.json'), 'utf8')))
    for (const [name, report] of Object.entries(reports)) {
      expect(validate(report), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true)
      expect(report.summary.violations, name).toBeGreaterThan(0)
      expect(report.runs[0]?.files?.length, name).toBeGreaterThan(0)
    }
    expect(reports['vitest-1']?.runs[0]?.shard).toEqual({ index: 1, count: 2 })
  })

  test('shards run disjoint files; merging them gives the union, nothing lost or doubled', () => {
    for (const framework of ['vitest', 'jest']) {
      const one = reports[`${framework}-1`] as LeakgateReport
      const two = reports[`${framework}-2`] as LeakgateReport
      const files1 = new Set(one.runs[0]?.files)
      expect(two.runs[0]?.files?.filter((file) => files1.has(file))).toEqual([])
      const { report } = mergeReports(sources(`${framework}-1`, `${framework}-2`))
      expect(total(report)).toBe(total(one) + total(two))
      expect(report.summary.violations).toBe(one.summary.violations + two.summary.violations)
      expect(report.summary.allowed).toBe(one.summary.allowed + two.summary.allowed)
      expect(report.events).toHaveLength(one.events.length + two.events.length)
    }
  })

  test('Vitest and Jest side by side: every event kept under its framework', () => {
    const all = ['vitest-1', 'vitest-2', 'jest-1', 'jest-2']
    const { report } = mergeReports(sources(...all))
    expect(report.runs).toHaveLength(4)
    expect(total(report)).toBe(all.reduce((sum, name) => sum + total(reports[name] as LeakgateReport), 0))
    for (const framework of ['vitest', 'jest']) {
      const events = report.events.filter((event) => event.framework === framework)
      const expected =
        total(reports[`${framework}-1`] as LeakgateReport) + total(reports[`${framework}-2`] as LeakgateReport)
      expect(events.reduce((sum, event) => sum + event.count, 0)).toBe(expected)
    }
    // both runners saw the same leaky tests: the same leaks, by identity, on both sides
    const identities = (framework: string) =>
      new Set(
        report.events
          .filter(
            (event) =>
              event.framework === framework && !event.decision.allowed && !event.target.startsWith('127.0.0.2:'),
          )
          .map((event) => event.fingerprint),
      )
    const vitest = identities('vitest')
    const shared = [...identities('jest')].filter((fingerprint) => vitest.has(fingerprint))
    expect(shared.length).toBeGreaterThan(5)
  })

  test('a baseline from the whole run: every shard passes alone, nothing stale', () => {
    const whole = mergeReports(sources('vitest-1', 'vitest-2')).report
    const baseline = updateBaseline(whole, undefined).baseline
    expect(evaluateGate(whole, baseline).fresh).toEqual([])
    const shard = evaluateGate(reports['vitest-1'] as LeakgateReport, baseline)
    expect(shard.fresh).toEqual([])
    expect(shard.stale).toEqual([])
    expect(shard.unchecked.length).toBeGreaterThan(0)
  })

  test('a shard whose report is missing makes the run incomplete; --allow-missing-shards gates the shards given', () => {
    const files = ['vitest-1.json', 'jest-1.json', 'jest-2.json']
    const whole = JSON.parse(leakgate(out, ['report', '*.json', '--format', 'json']).stdout)
    expect(whole.gate.incomplete).toBe(0)
    const gated = leakgate(out, ['report', ...files, '--format', 'json'])
    expect(gated.code).toBe(1)
    expect(JSON.parse(gated.stdout).gate.incomplete).toBe(1)
    const text = leakgate(out, ['report', ...files])
    expect(text.stdout).toContain('no report of vitest shard 2 of 2 was given')
    expect(text.stdout).not.toContain('jest shard')
    const alone = leakgate(out, ['report', ...files, '--format', 'json', '--allow-missing-shards'])
    expect(JSON.parse(alone.stdout).gate.incomplete).toBe(0)
  })

  test('the CLI on the four files: exit 1, and SARIF, JUnit and annotations that hold', async () => {
    const result = leakgate(out, ['report', '*.json', '--format', 'github'], { GITHUB_WORKSPACE: REPO })
    expect(result.code).toBe(1)
    const gate = evaluateGate(mergeReports(sources('vitest-1', 'vitest-2', 'jest-1', 'jest-2')).report)
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error '))
    // one annotation per place a new violation happens (a helper called by two tests is one)
    expect(errors).toHaveLength(groupLeaks(gate.fresh).length)
    expect(errors.length).toBeGreaterThan(1)
    expect(errors.some((line) => line.startsWith('::error file=fixtures/leaky/tests/eval.test.js,line='))).toBe(true)

    const sarif = leakgate(out, ['report', '*.json', '--format', 'sarif', '--workspace', REPO])
    const ajv = new draft04.default({ strict: false, unicodeRegExp: false })
    formats.default(ajv)
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'sarif-2.1.0-rtm.5.json'), 'utf8')))
    const log = JSON.parse(sarif.stdout)
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true)
    expect(log.runs[0].results).toHaveLength(gate.fresh.length)

    const junit = leakgate(out, ['report', '*.json', '--format', 'junit'])
    const xsd = fs.readFileSync(path.join(SCHEMAS, 'jenkins-junit.xsd'), 'utf8')
    const checked = await validateXML({
      xml: [{ fileName: 'leakgate.xml', contents: junit.stdout }],
      schema: [{ fileName: 'junit.xsd', contents: xsd }],
    })
    expect(checked.errors).toEqual([])
    writeJson(path.join(out, 'merged.out'), JSON.parse(leakgate(out, ['report', '*.json', '--format', 'json']).stdout))
  })
})
