import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import LeakgateReporter from '../../src/reporter.js'

// The reporter reads the project's Jest version (jest/package.json from rootDir) and refuses an
// unsupported one before any test runs, leaving a report the gate refuses (issue 10.10). A real
// package.json in a real node_modules stands for the old install.

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function projectWithJest(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-jest-version-'))
  dirs.push(dir)
  fs.mkdirSync(path.join(dir, 'node_modules', 'jest'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'node_modules', 'jest', 'package.json'), JSON.stringify({ name: 'jest', version }))
  return dir
}

describe('the reporter and the Jest version', () => {
  test.each(['24.9.0', '26.6.3', '28.1.3'])('Jest %s: refused at start, naming Jest 29 and 30', (version) => {
    const rootDir = projectWithJest(version)
    expect(() => new LeakgateReporter({ rootDir })).toThrow(
      `leakgate: @leakgate/jest-environment supports Jest 29 and 30; this project runs Jest ${version}. Upgrade Jest to 29 or 30`,
    )
    expect(() => new LeakgateReporter({ rootDir })).toThrow(expect.objectContaining({ code: 'LEAKGATE_UNSUPPORTED' }))
    const report = JSON.parse(fs.readFileSync(path.join(rootDir, 'leakgate-report.json'), 'utf8'))
    expect(report.runs[0].incomplete.problems[0].detail).toContain(`runs Jest ${version}`)
  })

  test('Jest 29 and 30: constructed as usual', () => {
    for (const version of ['29.7.0', '30.5.2']) {
      const reporter = new LeakgateReporter({ rootDir: projectWithJest(version) })
      expect(reporter.getLastError()).toBeUndefined()
      reporter.onRunComplete()
    }
  })
})
