import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { bareTemporaryDir } from '../../../core/test/support/bare-dir.js'
import {
  describeRun,
  FIXTURES,
  jestBin,
  NODE,
  REPO,
  RUNNER_DIR,
  runJest,
  SMOKE,
  testResult,
} from './support/run-jest.js'

describe.skipIf(SMOKE)("'@leakgate/jest-environment/jsdom'", () => {
  test('inline <script>, on* attributes, string timers, XHR, the window’s eval and an iframe’s Function are caught; window setup is not', async () => {
    const run = await runJest('jest-jsdom')
    const why = describeRun(run)
    expect(run.code, why).toBe(1)
    const file = 'tests/dom.test.js'
    const failed = (name: string) => {
      const result = testResult(run, file, name)
      expect(result?.status, `${name}\n${why}`).toBe('failed')
      return result?.failureMessages.join('\n') ?? ''
    }
    expect(testResult(run, file, 'building and using a page is untouched')?.status, why).toBe('passed')
    expect(testResult(run, file, 'allowAudit lets this XHR through')?.status, why).toBe('passed')
    expect(failed('an inline script fails the test')).toMatch(/blocked vm\.\w+ of "window\.ranInline = true"/)
    expect(failed('an onclick attribute fails the test')).toContain('blocked Function of')
    expect(failed('XHR to an outside host fails the test')).toMatch(/blocked net\.connect to "127\.0\.0\.2:\d+"/)
    expect(failed("the window's own eval fails the test")).toContain('blocked eval of "1 + 1"')
    expect(failed("an iframe's window is a realm too: its Function fails the test")).toContain(
      'blocked Function of "return 5"',
    )
    // jsdom's string timers (issue 12.4): jsdom's own frames compile the test's code.
    expect(failed('a string setTimeout fails the test')).toContain(
      'blocked vm.runInContext of "window.ranByTimeout = true"',
    )
    expect(failed('a string setInterval fails the test')).toContain(
      'blocked vm.runInContext of "window.ranByInterval = true"',
    )
    expect(testResult(run, file, 'allowAudit lets a string timer run')?.status, why).toBe('passed')
    expect(
      testResult(run, file, 'function timers are not code generation, and no refused timer code ran')?.status,
      why,
    ).toBe('passed')
    const events = (run.report?.events ?? []).map(
      (event) => `${event.scope.test} | ${event.category} | ${event.decision.allowed}`,
    )
    expect(events.sort()).toEqual(
      [
        "an iframe's window is a realm too: its Function fails the test | eval | false",
        "an iframe's window is a realm too: its Function fails the test | eval | false",
        'an inline script fails the test | eval | false',
        'an onclick attribute fails the test | eval | false',
        "the window's own eval fails the test | eval | false",
        'a string setTimeout fails the test | eval | false',
        'a string setInterval fails the test | eval | false',
        'allowAudit lets a string timer run | eval | true',
        'XHR to an outside host fails the test | net | false',
        'allowAudit lets this XHR through | net | true',
      ].sort(),
    )
  })
})

/**
 * A project that has jest but not jest-environment-jsdom: a copy of this package (so its own
 * resolution cannot find the repository's jsdom environment either) in a temporary node_modules,
 * in a folder with no node_modules above it (a /tmp/node_modules would be found).
 */
function projectWithoutJsdom(): string {
  const root = bareTemporaryDir('leakgate-no-jsdom-')
  const modules = path.join(root, 'node_modules')
  const jestHome = path.dirname(path.dirname(jestBin(RUNNER_DIR ?? FIXTURES)))
  fs.mkdirSync(path.join(modules, '@leakgate'), { recursive: true })
  fs.symlinkSync(fs.realpathSync(jestHome), path.join(modules, 'jest'), 'dir')
  fs.symlinkSync(path.join(REPO, 'packages/core'), path.join(modules, '@leakgate/core'), 'dir')
  const ours = path.join(modules, '@leakgate/jest-environment')
  fs.mkdirSync(ours)
  fs.cpSync(path.join(REPO, 'packages/jest-environment/package.json'), path.join(ours, 'package.json'))
  fs.cpSync(path.join(REPO, 'packages/jest-environment/dist'), path.join(ours, 'dist'), { recursive: true })
  const project = path.join(root, 'project')
  fs.mkdirSync(path.join(project, 'tests'), { recursive: true })
  fs.writeFileSync(
    path.join(project, 'jest.config.cjs'),
    "module.exports = { rootDir: __dirname, testEnvironment: '@leakgate/jest-environment/jsdom' }\n",
  )
  fs.writeFileSync(path.join(project, 'tests/dom.test.js'), "test('needs a DOM', () => {})\n")
  return root
}

test.skipIf(SMOKE)('without jest-environment-jsdom installed: a message that says what to install', async () => {
  const root = projectWithoutJsdom()
  try {
    const project = path.join(root, 'project')
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(NODE, [path.join(root, 'node_modules/jest/bin/jest.js'), '--ci'], {
        cwd: project,
        env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      })
      let text = ''
      child.stdout.on('data', (chunk) => {
        text += chunk
      })
      child.stderr.on('data', (chunk) => {
        text += chunk
      })
      child.on('error', reject)
      child.on('close', (status) => resolve({ code: status, output: text }))
    })
    expect(code, output).toBe(1)
    expect(output).toContain('Test suite failed to run')
    expect(output).toContain(
      '@leakgate/jest-environment/jsdom needs jest-environment-jsdom, which is not installed (since Jest 28 it is a separate package).',
    )
    expect(output).toContain('npm i -D jest-environment-jsdom@')
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
})
