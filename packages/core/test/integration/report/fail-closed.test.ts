import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { auditCoverage, collectRecords, createReport, groupEvents, readFileMarks } from '../../../src/report.js'
import { leakgate } from '../../unit/report/cli-helpers.js'
import { PACKAGE_DIR, temporaryDir, writeJson } from '../../unit/report/helpers.js'

// The gate fails closed (issue 11.1), with the built engine in real processes: each guarded
// file leaves start/end marks in the sink; a process killed mid-file leaves a start alone, its
// first allowed event already on disk; the report of such a run says so and the CLI refuses it.

const CORE = path.join(PACKAGE_DIR, 'dist/index.cjs')

// One test file's life in a fresh process: an allowed command run `times` times, then either the
// file ends normally or the process is SIGKILLed before it can.
const SCRIPT = `
const core = require(process.env.CORE)
const childProcess = require('node:child_process')
const engine = core.install({ sinkDir: process.env.SINK, root: process.env.ROOT, allow: { exec: ['true'] } })
const file = engine.enterFile(process.env.FILE)
const scope = engine.createTestScope('runs true', file)
engine.runInScope(scope, () => {
  for (let i = 0; i < Number(process.env.TIMES); i++) childProcess.execFileSync('true')
})
engine.endScope(scope)
if (process.env.KILL === '1') process.kill(process.pid, 'SIGKILL')
engine.endScope(file)
`

let root: string
let sink: string

function runFile(file: string, kill: boolean, times = 3) {
  return spawnSync(process.execPath, ['-e', SCRIPT], {
    encoding: 'utf8',
    env: {
      ...process.env,
      CORE,
      SINK: sink,
      ROOT: root,
      FILE: path.join(root, file),
      TIMES: String(times),
      KILL: kill ? '1' : '0',
      LEAKGATE_MODE: '',
      NODE_OPTIONS: '',
    },
    timeout: 60_000,
  })
}

beforeAll(() => {
  root = temporaryDir('leakgate-fail-closed-')
  sink = path.join(root, 'sink')
  const whole = runFile('tests/whole.test.js', false)
  expect(whole.status, whole.stderr).toBe(0)
  const killed = runFile('tests/killed.test.js', true)
  expect(killed.signal).toBe('SIGKILL')
})

afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('a worker killed mid-file', () => {
  test('its file is marked started and never ended; the other file both', () => {
    const marks = readFileMarks(sink).map((mark) => [path.relative(root, mark.file), mark.state])
    expect(marks.sort()).toEqual([
      ['tests/killed.test.js', 'start'],
      ['tests/whole.test.js', 'end'],
      ['tests/whole.test.js', 'start'],
    ])
  })

  test('its allowed event is on disk (written the first time); a file that ends has its full count', () => {
    const events = groupEvents(collectRecords(sink), 'jest').map((event) => [event.scope.file, event.count])
    expect(events.sort()).toEqual([
      ['tests/killed.test.js', 1],
      ['tests/whole.test.js', 3],
    ])
  })

  test('the run is incomplete, naming the file; the runner listing a file the guard never saw names it too', () => {
    const ran = ['tests/whole.test.js', 'tests/killed.test.js', 'tests/never.test.js'].map((file) => ({
      path: path.join(root, file),
    }))
    ran[2] = { ...ran[2], error: 'Test suite failed to run\n\n    invalid leakgate option allow.net: …' } as never
    expect(auditCoverage(ran, readFileMarks(sink), root)).toEqual({
      expected: 3,
      audited: 1,
      problems: [
        {
          file: 'tests/killed.test.js',
          reason: 'not-finished',
          detail: expect.stringMatching(/^the file did not finish: its worker stopped mid-file/),
        },
        {
          file: 'tests/never.test.js',
          reason: 'not-started',
          detail: 'the guard never started in this file: invalid leakgate option allow.net: …',
        },
      ],
    })
    // A file that failed while it was imported, for a leak the guard refused (Vitest runs none
    // of its hooks, so no end mark): audited, its worker lived on. Any other error of a started
    // file that did not end still counts as a stopped worker.
    const refusedAtImport = (error: string) =>
      auditCoverage([{ path: path.join(root, 'tests/killed.test.js'), error }], readFileMarks(sink), root)
    expect(
      refusedAtImport('blocked Function of "(data) => 1" (LEAKGATE_EVAL_BLOCKED)\n\n  test  tests/killed.test.js'),
    ).toBeUndefined()
    expect(
      refusedAtImport('LeakgateError: blocked child_process.spawnSync of "git" (LEAKGATE_EXEC_BLOCKED)'),
    ).toBeUndefined()
    for (const error of [
      'Worker exited unexpectedly',
      'The service is no longer running: blocked child_process.spawn of "esbuild" (LEAKGATE_EXEC_BLOCKED)',
    ]) {
      expect(refusedAtImport(error)?.problems.map((problem) => problem.reason)).toEqual(['not-finished'])
    }
    // A file imported and then skipped whole (a -t filter matching none of its tests: Vitest
    // runs none of its hooks, so no end mark) is audited; skipped with an error, it stopped.
    const skippedWhole = (error?: string) =>
      auditCoverage(
        [{ path: path.join(root, 'tests/killed.test.js'), skipped: true, ...(error ? { error } : {}) }],
        readFileMarks(sink),
        root,
      )
    expect(skippedWhole()).toBeUndefined()
    expect(skippedWhole('Worker exited unexpectedly')?.problems.map((problem) => problem.reason)).toEqual([
      'not-finished',
    ])
    // A killed file the runner does not list at all (Vitest drops it) is still found by its mark.
    const unlisted = auditCoverage([{ path: path.join(root, 'tests/whole.test.js') }], readFileMarks(sink), root)
    expect(unlisted?.problems.map((problem) => [problem.file, problem.reason])).toEqual([
      ['tests/killed.test.js', 'not-finished'],
    ])
    // Every file audited: nothing to say.
    expect(
      auditCoverage(
        [{ path: path.join(root, 'tests/whole.test.js') }],
        readFileMarks(sink).filter((mark) => !mark.file.endsWith('killed.test.js')),
        root,
      ),
    ).toBeUndefined()
  })

  test('leakgate report refuses the report (exit 1) with the reason, in every format', () => {
    const ran = [{ path: path.join(root, 'tests/whole.test.js') }, { path: path.join(root, 'tests/killed.test.js') }]
    const incomplete = auditCoverage(ran, readFileMarks(sink), root)
    const run = {
      framework: 'jest',
      node: process.version,
      mode: 'enforce' as const,
      root,
      startedAt: new Date().toISOString(),
    }
    const report = createReport(incomplete ? { ...run, incomplete } : run, collectRecords(sink))
    expect(report.summary.violations).toBe(0)
    const file = writeJson(path.join(root, 'leakgate-report.json'), report)
    for (const format of ['text', 'markdown', 'github', 'junit', 'sarif', 'json']) {
      const result = leakgate(root, ['report', '--no-baseline', '--format', format, file])
      expect(result.code, `${format}: ${result.stdout}${result.stderr}`).toBe(1)
      expect(result.stdout).toContain('tests/killed.test.js')
    }
    const text = leakgate(root, ['report', '--no-baseline', file])
    expect(text.stdout).toContain(
      '✖ leakgate: the run is incomplete: 1 test file of 2 not audited (tests/killed.test.js)',
    )
    // The same run, complete, passes: the refusal is the incompleteness, not the events.
    const complete = writeJson(path.join(root, 'complete.json'), createReport(run, collectRecords(sink)))
    expect(leakgate(root, ['report', '--no-baseline', complete]).code).toBe(0)
  })
})
