import { docsUrl } from '../../links.js'
import type { Detected } from './detect.js'

// The CI step `leakgate init --ci` adds: a GitHub workflow of its own (tests, then the gate,
// whatever the tests' outcome), or the commands for any other CI. The workflow uses only
// actions/checkout, actions/setup-node and the project's own `leakgate`, so it works wherever
// leakgate's repository is.

export const WORKFLOW_FILE = '.github/workflows/leakgate.yml'

interface Commands {
  install: string
  test: string
  leakgate: string
}

export function commandsFor(detected: Detected, frameworks: readonly ('vitest' | 'jest' | 'mocha')[]): Commands {
  const pm = detected.packageManager
  const hasTest = detected.packageJson?.scripts?.test !== undefined
  const exec = pm === 'npm' ? 'npx --no-install' : pm === 'pnpm' ? 'pnpm exec' : 'yarn'
  const runner = frameworks[0] === 'jest' ? 'jest' : frameworks[0] === 'mocha' ? 'mocha' : 'vitest run'
  return {
    install:
      pm === 'npm' ? 'npm ci' : pm === 'pnpm' ? 'pnpm install --frozen-lockfile' : 'yarn install --frozen-lockfile',
    test: hasTest ? `${pm} test` : `${exec} ${runner}`,
    leakgate: `${exec} leakgate`,
  }
}

export function githubWorkflow(commands: Commands, pnpm: boolean): string {
  return `# Added by \`leakgate init --ci github\`: run the tests, then the leakgate gate, which fails
# on leaks that are not in leakgate-baseline.json (annotations at each leak's call site, and a
# job summary). See ${docsUrl('ci.md')}
name: leakgate

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  leakgate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
${pnpm ? '      - uses: pnpm/action-setup@v4\n' : ''}      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: ${commands.install}
      - name: Tests (the leakgate reporter writes leakgate-report.json)
        id: tests
        continue-on-error: true
        run: ${commands.test}
      - name: leakgate gate
        if: \${{ !cancelled() }}
        run: ${commands.leakgate} report --format github
      - name: Tests verdict
        if: \${{ steps.tests.outcome == 'failure' }}
        run: exit 1
`
}

export function genericSteps(commands: Commands): string[] {
  return [
    'After the tests, whatever their outcome, run the gate (exit 1 on new leaks, 2 on a missing report):',
    `  ${commands.test}`,
    `  ${commands.leakgate} report                                        # text summary`,
    `  ${commands.leakgate} report --format junit --output leakgate.xml   # for JUnit views (GitLab, Jenkins, Azure)`,
  ]
}
