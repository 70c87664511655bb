import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'

// `npm run bench` itself (never the benchmark: that takes minutes): its regression check passes
// on figures within their limits and fails, with a message naming the ratio, on a made-up
// results file where one moved past its limit by more than its noise; the page renders the
// real suites per Node.

const repo = fileURLToPath(new URL('../../../../', import.meta.url))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-bench-check-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const ratio = (median: number, low: number, high: number) => ({ median, spread: [low, high], n: 10 })
const suite = (id: string, label: string, r: ReturnType<typeof ratio> | null) => ({
  id,
  label,
  framework: 'vitest',
  tests: 1,
  samples: [1000],
  wall: ratio(1000, 990, 1010),
  ratio: r,
})

function results(hpm: ReturnType<typeof ratio>) {
  return {
    suites: [suite('jest-leakgate', 'Jest + leakgate', ratio(1.0, 0.99, 1.02))],
    real: [
      {
        node: 'v20.20.2',
        rounds: 10,
        suites: [
          suite('hpm-none', 'http-proxy-middleware (Vitest), no guard', null),
          suite('hpm-leakgate', 'http-proxy-middleware (Vitest) + leakgate', hpm),
        ],
      },
    ],
  }
}

function check(data: unknown) {
  const file = path.join(tmp, `results-${Math.random().toString(36).slice(2)}.json`)
  fs.writeFileSync(file, JSON.stringify(data))
  const run = spawnSync(process.execPath, ['scripts/bench.mjs', '--check', '--results', file], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: run.status, output: `${run.stdout}${run.stderr}` }
}

const limits = JSON.parse(fs.readFileSync(path.join(repo, 'bench/targets.json'), 'utf8')).limits
// @ts-expect-error: a plain .mjs script of the repository, without types
const { limitFor } = (await import('../../../../bench/lib/targets.mjs')) as {
  limitFor: (limit: unknown, node: string) => number | undefined
}
const hpmLimit = limitFor(limits.real['hpm-leakgate'], 'v20.20.2') as number

describe('npm run bench -- --check', () => {
  test('passes when every ratio is within its limit and noise', () => {
    const within = hpmLimit + 0.01
    const { code, output } = check(results(ratio(within, within - 0.02, within + 0.02)))
    expect(code, output).toBe(0)
    expect(output).toMatch(/✔ http-proxy-middleware \(Vitest\) \+ leakgate, Node v20\.20\.2/)
  })

  test('fails, naming the ratio, when one moves past its limit by more than its noise', () => {
    const past = hpmLimit + 0.2
    const { code, output } = check(results(ratio(past, past - 0.02, past + 0.02)))
    expect(code).toBe(1)
    expect(output).toMatch(/✖ REGRESSED http-proxy-middleware \(Vitest\) \+ leakgate, Node v20\.20\.2/)
    expect(output).toMatch(/1 ratio\(s\) moved past their limit by more than their noise/)
  })
})

describe('a real suite’s limit', () => {
  test('is one number for every Node, or one per Node major with a default', () => {
    expect(limitFor(1.2, 'v24.1.0')).toBe(1.2)
    const perNode = { '20': 1.1, '24': 1.3, default: 1.5 }
    expect(limitFor(perNode, 'v20.20.2')).toBe(1.1)
    expect(limitFor(perNode, 'v24.21.0')).toBe(1.3)
    expect(limitFor(perNode, 'v22.23.3')).toBe(1.5)
    expect(limitFor({ '20': 1.1 }, 'v26.0.0')).toBeUndefined()
    expect(limitFor(undefined, 'v20.20.2')).toBeUndefined()
  })
})

describe('the page', () => {
  test('renders the real suites per Node beside the macro suite', () => {
    const saved = JSON.parse(fs.readFileSync(path.join(repo, 'bench/results.json'), 'utf8'))
    const file = path.join(tmp, 'page-input.json')
    fs.writeFileSync(file, JSON.stringify({ ...saved, real: results(ratio(1.1, 1.05, 1.15)).real }))
    const script = `import('./bench/lib/report.mjs').then((m) => process.stdout.write(m.renderReport(JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8')))))`
    const run = spawnSync(process.execPath, ['-e', script], { cwd: repo, encoding: 'utf8', timeout: 60_000 })
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toContain("## Real suites: public projects' own test suites")
    expect(run.stdout).toContain('### Node v20.20.2 (10 rounds)')
    expect(run.stdout).toMatch(
      /\| http-proxy-middleware \(Vitest\) \+ leakgate \| 1 \| 1\.00 s \| 0\.99–1\.01 \| ×1\.100 \| ×1\.050–×1\.150 \|/,
    )
  })
})

describe('the scripts’ flags', () => {
  const script = (file: string, ...args: string[]) => {
    const run = spawnSync(process.execPath, [file, ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 })
    return { code: run.status, stdout: run.stdout, stderr: run.stderr }
  }

  test.each(['scripts/bench.mjs', 'scripts/matrix.mjs'])(
    '%s --help prints the usage at the top of the script',
    (file) => {
      const { code, stdout } = script(file, '--help')
      expect(code).toBe(0)
      const firstLine = fs.readFileSync(path.join(repo, file), 'utf8').split('\n')[1] as string
      expect(stdout.split('\n')[0]).toBe(firstLine.replace(/^\/\/ /, ''))
    },
  )

  test.each(['scripts/bench.mjs', 'scripts/matrix.mjs'])(
    '%s refuses an unknown option with one line and the usage, exit 2',
    (file) => {
      const { code, stdout, stderr } = script(file, '--roundz', '3')
      expect(code).toBe(2)
      expect(stdout).toBe('')
      expect(stderr.split('\n')[0]).toBe(`${path.basename(file)}: Unknown option '--roundz'`)
      expect(stderr).not.toMatch(/\n\s+at /)
      expect(stderr).toContain(script(file, '--help').stdout.split('\n')[0])
    },
  )

  test('scripts/test.mjs --help prints its usage and runs nothing', () => {
    const { code, stdout } = script('scripts/test.mjs', '--help')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^`npm test`: everything CI checks/)
    expect(stdout).not.toContain('▶')
  })
})

// @ts-expect-error: a plain .mjs script of the repository, without types
const startup = (await import('../../../../bench/lib/startup.mjs')) as {
  startupRuns: (results: unknown) => { node: string }[]
  startupTargets: (runs: unknown[], goals: unknown) => { name: string; target: string; met: boolean | null }[]
}

describe('start-up per Node', () => {
  const goals = JSON.parse(fs.readFileSync(path.join(repo, 'bench/targets.json'), 'utf8')).goals
  const figure = (median: number) => ({ median, spread: [median - 1, median + 1], n: 10 })
  const run = (node: string, bare: number, vitest: number) => ({
    node,
    bare: { load: figure(1), install: figure(1), tame: figure(0.5), total: figure(bare) },
    workers: [
      {
        framework: 'vitest',
        workers: 3,
        load: figure(1),
        install: figure(1),
        tame: figure(0.5),
        total: figure(vitest),
        readyWithout: figure(200),
        readyWith: figure(210),
      },
    ],
  })

  test('the goal is met or missed on Node 22+, and Node 20 is shown for reference', () => {
    expect(goals.startupFromNode).toBe(22)
    const below = goals.startupMs - 0.5
    const above = goals.startupMs + 0.5
    const rows = startup.startupTargets(
      [run('v20.20.2', below, above), run('v22.23.3', below, above), run('v24.21.0', above, below)],
      goals,
    )
    const met = Object.fromEntries(rows.map((r) => [r.name, r.met]))
    expect(met).toEqual({
      'start-up, bare process (load + install + tame), Node v20.20.2': null,
      'start-up per Vitest worker (load + install + tame), Node v20.20.2': null,
      'start-up, bare process (load + install + tame), Node v22.23.3': true,
      'start-up per Vitest worker (load + install + tame), Node v22.23.3': false,
      'start-up, bare process (load + install + tame), Node v24.21.0': false,
      'start-up per Vitest worker (load + install + tame), Node v24.21.0': true,
    })
    expect(rows[2]?.target).toBe(`≤ ${goals.startupMs} ms`)
    expect(rows[0]?.target).toMatch(/^reference/)
  })

  test('results saved before, with one start-up, read as that run’s Node', () => {
    const old = { machine: { node: 'v20.20.2' }, startup: { bare: run('', 1, 1).bare, workers: [] } }
    expect(startup.startupRuns(old)).toEqual([{ node: 'v20.20.2', ...old.startup }])
    const runs = [run('v22.23.3', 1, 1), run('v24.21.0', 1, 1)]
    expect(startup.startupRuns({ machine: { node: 'v22.23.3' }, startup: runs })).toBe(runs)
    expect(startup.startupRuns({ machine: { node: 'v22.23.3' } })).toEqual([])
  })

  const render = (data: unknown, others: unknown[] = []) => {
    const file = path.join(tmp, `page-${Math.random().toString(36).slice(2)}.json`)
    fs.writeFileSync(file, JSON.stringify({ data, others }))
    const script = `import('./bench/lib/report.mjs').then((m) => { const { data, others } = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8')); process.stdout.write(m.renderReport(data, undefined, others)) })`
    const out = spawnSync(process.execPath, ['-e', script], { cwd: repo, encoding: 'utf8', timeout: 60_000 })
    expect(out.status, out.stderr).toBe(0)
    return out.stdout
  }

  test('the page shows start-up per Node, and a reference row as such', () => {
    const saved = JSON.parse(fs.readFileSync(path.join(repo, 'bench/results.json'), 'utf8'))
    const runs = [run('v20.20.2', 40, 25.9), run('v24.21.0', 4.2, 4.4)]
    const page = render({ ...saved, startup: runs, targets: startup.startupTargets(runs, goals) })
    expect(page).toContain('### Node v20.20.2\n\nIn a bare process (10 fresh processes):')
    expect(page).toContain('### Node v24.21.0\n\nIn a bare process (10 fresh processes):')
    expect(page).toMatch(/\| Vitest \| 3 \| 1\.0 ms \| 1\.0 ms \| 0\.5 ms \| 4\.4 ms \(3\.4–5\.4\) \|/)
    expect(page).toMatch(
      /\| start-up per Vitest worker \(load \+ install \+ tame\), Node v20\.20\.2 \| reference .* \| 25\.9 ms \| reference \|/,
    )
    expect(page).toMatch(
      /\| start-up per Vitest worker \(load \+ install \+ tame\), Node v24\.21\.0 \| ≤ 5 ms \| 4\.4 ms \| met \|/,
    )
  })

  test('the page still renders results saved with one start-up (--render on old results)', () => {
    const saved = JSON.parse(fs.readFileSync(path.join(repo, 'bench/results.json'), 'utf8'))
    const old = { ...saved, startup: { bare: run('', 40, 1).bare, workers: run('', 1, 25.9).workers } }
    const other = { ...old, machine: { ...saved.machine, node: 'v24.21.0' } }
    const page = render(old, [other])
    expect(page).toContain(`### Node ${saved.machine.node}\n\nIn a bare process (10 fresh processes):`)
    expect(page).toMatch(
      /### Node v24\.21\.0\n\nSame machine, .* start-up per worker: vitest 25\.9 ms;\nbare process 40\.0 ms\./,
    )
  })
})
