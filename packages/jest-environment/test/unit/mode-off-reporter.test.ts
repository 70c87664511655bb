import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import LeakgateReporter from '../../src/reporter.js'

// Mode off is the same in every adapter: nothing audited, and the report says so (the gate
// refuses it) in place of any earlier run's. Real files in a real temporary project.

const dirs: string[] = []
const mode = process.env.LEAKGATE_MODE
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  if (mode === undefined) delete process.env.LEAKGATE_MODE
  else process.env.LEAKGATE_MODE = mode
})

test('mode off: the report says nothing was audited, and the run does not fail for it', () => {
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-jest-off-'))
  dirs.push(rootDir)
  fs.mkdirSync(path.join(rootDir, 'node_modules', 'jest'), { recursive: true })
  fs.writeFileSync(path.join(rootDir, 'node_modules', 'jest', 'package.json'), '{"name":"jest","version":"30.5.2"}')
  const reportFile = path.join(rootDir, 'leakgate-report.json')
  fs.writeFileSync(reportFile, '{"an earlier":"green report"}')
  process.env.LEAKGATE_MODE = 'off'
  const reporter = new LeakgateReporter({ rootDir }, { silent: true })
  reporter.onRunStart()
  const testFilePath = path.join(rootDir, 'tests', 'a.test.js')
  reporter.onTestResult({ path: testFilePath }, { testFilePath, testResults: [] } as never)
  reporter.onRunComplete()
  expect(reporter.getLastError()).toBeUndefined()
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'))
  expect(report.runs[0].mode).toBe('off')
  expect(report.runs[0].incomplete).toMatchObject({ audited: 0, problems: [{ reason: 'not-started' }] })
  expect(report.events).toEqual([])
})
