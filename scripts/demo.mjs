#!/usr/bin/env node
// The demo (`npm run demo`): a small project whose tests leak — a payment client calling its real
// API and swallowing the error, a version read from git, a template engine compiling code — run
// with the real Vitest, Jest and Mocha CLIs and Node's own test runner in enforce mode, then the
// CI gate over the four reports.
//
// The "API" is a documentation address (203.0.113.10), never routable, and the runs happen in a
// fresh network namespace. Where namespaces are unavailable, the demo points the client at
// 127.0.0.2 instead and tells leakgate that only 127.0.0.1 and ::1 are this machine.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { netnsCommand } from './netns.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const demo = path.join(root, 'fixtures/demo')
const reports = path.join(demo, '.leakgate')
const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[22m` : text)

function banner(text) {
  console.log(`\n${bold(`━━ ${text} ${'━'.repeat(Math.max(3, 76 - text.length))}`)}\n`)
}

function run(command, args, env) {
  const plan = netnsCommand(command, args)
  const result = spawnSync(plan.command, plan.args, {
    cwd: demo,
    stdio: 'inherit',
    env: { ...process.env, ...env, LEAKGATE_NETNS: plan.isolated ? '1' : '0' },
  })
  if (result.error) throw result.error
  return { status: result.status, isolated: plan.isolated }
}

const built = ['core', 'vitest-plugin', 'jest-environment', 'node-test', 'mocha'].every((name) =>
  fs.existsSync(path.join(root, 'packages', name, 'dist')),
)
if (!built) {
  banner('building the packages')
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

fs.rmSync(reports, { recursive: true, force: true })
const isolated = netnsCommand('true', []).isolated
const env = isolated ? {} : { DEMO_API: 'http://127.0.0.2:8443', DEMO_LOCAL: '127.0.0.1,::1' }
if (!isolated) {
  console.log('No network namespace here: the demo API is 127.0.0.2, which this demo tells leakgate is not local.')
}

// Said before the first red line: what will fail, and that it is on purpose.
banner('The leakgate demo: these tests leak on purpose')
console.log(`fixtures/demo is a small project whose tests leak the way real suites do:

  tests/payments.test.js   2 tests call a payment API for real        net   (the 2nd swallows the error)
  tests/release.test.js    1 test reads the version with git          exec
  tests/templates.test.js  1 test compiles a template (new Function)  eval  (a 2nd test allows it: passes)
  tests/cart.test.js       plain code                                 passes

Vitest, Jest, Node's own test runner, then Mocha run them with leakgate in enforce mode
(nothing allowed beyond this machine): each runner fails those 4 tests, each with a LeakgateError
naming the leak and the line that would allow it, and passes the other 2. Then the CI gate reads
the four reports: 16 violations (the same 4 leaks, once per runner) and exits 1. Nothing leaves
this machine: the "API" is a documentation address${isolated ? ', inside a network namespace of its own' : ' (127.0.0.2 here)'}.`)

banner('Vitest: npx vitest run   (fixtures/demo, plugins: [leakgate()])')
const vitest = run('npx', ['vitest', 'run'], env)

banner("Jest: npx jest   (fixtures/demo, testEnvironment: '@leakgate/jest-environment')")
const jest = run('npx', ['jest'], env)

// node:test has no config file: the options come from LEAKGATE_OPTIONS (or "leakgate" in
// package.json). The shared globals (test, expect) come from fixtures/node-test-support.
banner('node:test: node --test --require @leakgate/node-test   (fixtures/demo)')
const demoTests = fs
  .readdirSync(path.join(demo, 'tests'))
  .filter((name) => name.endsWith('.test.js'))
  .sort()
  .map((name) => `tests/${name}`)
const nodeTest = run(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--require',
    '@leakgate/node-test',
    '--import',
    '../node-test-support/globals.mjs',
    ...demoTests,
  ],
  {
    ...env,
    LEAKGATE_OPTIONS: JSON.stringify({
      report: '.leakgate/node-test-report.json',
      ...(env.DEMO_LOCAL ? { local: env.DEMO_LOCAL.split(',') } : {}),
    }),
  },
)

banner("Mocha: npx mocha   (fixtures/demo, require: ['@leakgate/mocha'])")
const mocha = run('npx', ['mocha'], env)

banner('The CI gate: npx --no-install leakgate report .leakgate/*.json')
const reportFiles = ['vitest-report.json', 'jest-report.json', 'node-test-report.json', 'mocha-report.json'].map(
  (name) => path.join('.leakgate', name),
)
const gate = spawnSync(process.execPath, [path.join(root, 'packages/core/dist/cli.mjs'), 'report', ...reportFiles], {
  cwd: demo,
  stdio: 'inherit',
})

// The demo suite leaks on purpose: every run must fail, and the gate must say so. (Mocha exits
// with its number of failures.)
const expected =
  vitest.status === 1 && jest.status === 1 && nodeTest.status === 1 && mocha.status === 4 && gate.status === 1
banner('What happened')
console.log(
  `vitest exited ${vitest.status}, jest exited ${jest.status}, node --test exited ${nodeTest.status}, mocha exited ${mocha.status} (its failures), the gate exited ${gate.status}.`,
)
if (expected) {
  console.log('As announced: 4 tests failed in each runner, one per leak, even the one whose error the code')
  console.log('swallowed, and the gate failed the build on the four reports (16 violations: 4 leaks, 4 runners).')
  console.log("Allow a leak where it belongs with allowAudit(), or record today's leaks with")
  console.log('`npx --no-install leakgate baseline` so CI fails only on new ones.')
} else {
  console.log(
    'Unexpected: the demo suite leaks on purpose, so every run above should have failed (exit 1; Mocha exits 4, its failures).',
  )
}
process.exit(expected ? 0 : 1)
