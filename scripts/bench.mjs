#!/usr/bin/env node
// `npm run bench`: what leakgate costs a test suite, side by side in one run (a benchmark, never
// part of `npm test`):
//   1. the macro suite (bench/suite) under Vitest and Jest, without a guard, with leakgate and
//      with the peers (nock, jest-offline): wall time of the real CLI runs, rounds alternating;
//   2. start-up per worker: in a bare process, and inside the frameworks' workers (probe runs),
//      on each Node of --nodes (the goal of issue 15 is for Node 22+; Node 20 is shown for reference);
//   3. the engine's per-call costs (packages/core/bench/engine.mjs);
//   4. public projects' own suites (bench/real: http-proxy-middleware on Vitest, koa on Jest),
//      without a guard, with leakgate and with nock where it applies, on each Node of --nodes.
// Prints the ratios, checks them against bench/targets.json (exit 1 on a regression) and writes
// BENCHMARKS.md, docs/benchmarks-chart.svg and bench/history/<version>.json.
//
//   npm run bench [-- --quick] [--rounds N] [--write | --no-write] [--node path/to/node]
//                 [--only macro,startup,engine,real] [--nodes 20,22,24] [--real-rounds N]
//                 [--skip-build] [--json results.json]
//   npm run bench -- --render    re-writes BENCHMARKS.md and the chart from bench/results.json
//   npm run bench -- --check [--results file.json]   only the regression check, on saved results
//   npm run bench -- --help      this text
//
// Safety: it re-runs itself inside a fresh network namespace (scripts/netns.mjs) where the
// platform allows; every target is a loopback server on port 0.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderChart } from '../bench/lib/chart.mjs'
import { measureEngine } from '../bench/lib/engine.mjs'
import { describeMachine } from '../bench/lib/machine.mjs'
import { renderReport } from '../bench/lib/report.mjs'
import { measureBareStartup, measureWorkerStartup, startupRuns, startupTargets } from '../bench/lib/startup.mjs'
import { summarize } from '../bench/lib/stats.mjs'
import { installReal, REAL_SUITES, runSuite, SUITES } from '../bench/lib/suites.mjs'
import { checkRegressions, loadTargets, reportCheck } from '../bench/lib/targets.mjs'
import { ISOLATED_ENV, netnsCommand } from './netns.mjs'
import { nodeBinary } from './nodes.mjs'
import { parseScriptArgs } from './usage.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const flags = parseScriptArgs(import.meta.url, {
  quick: { type: 'boolean', default: false },
  rounds: { type: 'string' },
  write: { type: 'boolean' },
  'no-write': { type: 'boolean', default: false },
  node: { type: 'string', default: process.execPath },
  'skip-build': { type: 'boolean', default: false },
  json: { type: 'string' },
  render: { type: 'boolean', default: false },
  only: { type: 'string' },
  nodes: { type: 'string' },
  'real-rounds': { type: 'string' },
  check: { type: 'boolean', default: false },
  results: { type: 'string' },
})
const RESULTS = path.join(root, 'bench/results.json')

if (flags.render) {
  publish(JSON.parse(fs.readFileSync(RESULTS, 'utf8')))
  process.exit(0)
}
if (flags.check) {
  const file = path.resolve(flags.results ?? RESULTS)
  process.exit(reportCheck(checkRegressions(JSON.parse(fs.readFileSync(file, 'utf8')), loadTargets(root))))
}

const PARTS = ['macro', 'startup', 'engine', 'real']
const parts = new Set(flags.only ? flags.only.split(',').map((p) => p.trim()) : PARTS)
for (const part of parts) {
  if (!PARTS.includes(part)) {
    console.error(`--only takes a list of ${PARTS.join(', ')}; got ${part}`)
    process.exit(2)
  }
}

const plan = flags.quick
  ? { suites: 2, warmup: false, probe: 1, engine: 3, startup: 5 }
  : { suites: 10, warmup: true, probe: 4, engine: 15, startup: 30 }
if (flags.rounds) plan.suites = Number(flags.rounds)
plan.real = flags['real-rounds'] ? Number(flags['real-rounds']) : plan.suites
for (const [flag, value] of [
  ['--rounds', plan.suites],
  ['--real-rounds', plan.real],
]) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${flag} must be a positive integer, got ${value}`)
    process.exit(2)
  }
}
const write = flags['no-write'] ? false : (flags.write ?? !flags.quick)
const node = path.resolve(flags.node)
// The Nodes the real suites and the start-up run on: majors from .matrix (scripts/nodes.mjs) or paths.
const realNodes = (flags.nodes ? flags.nodes.split(',') : [node]).map((entry) => {
  const major = entry.trim()
  if (!/^\d+$/.test(major)) return path.resolve(major)
  if (process.versions.node.split('.')[0] === major) return process.execPath
  const bin = nodeBinary(major)
  if (!fs.existsSync(bin)) {
    console.error(`no Node ${major} in .matrix: run node scripts/nodes.mjs install`)
    process.exit(2)
  }
  return bin
})

// Into a fresh network namespace first (loopback only), unless already there.
if (process.env[ISOLATED_ENV] !== '1') {
  const isolated = netnsCommand(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)])
  if (isolated.isolated) {
    const result = spawnSync(isolated.command, isolated.args, {
      stdio: 'inherit',
      env: { ...process.env, [ISOLATED_ENV]: '1' },
    })
    process.exit(result.status ?? 1)
  }
  console.warn('leakgate bench: no network namespace here; running as is (every target is loopback anyway).')
}

const log = (line) => console.log(line)
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`
const started = Date.now()

function build() {
  // Other work may rebuild the packages at the same time: retry a broken build a few times.
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' })
    if (result.status === 0) return
    if (attempt === 3) {
      console.error(`${result.stdout}\n${result.stderr}\nnpm run build failed three times.`)
      process.exit(1)
    }
    log(`build failed (attempt ${attempt}); retrying in 30 s`)
    spawnSync('sleep', ['30'])
  }
}

if (!flags['skip-build']) {
  log('▶ build')
  build()
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-bench-'))
const machine = describeMachine(node)
log(`▶ ${machine.cpu}, ${machine.cores} cores, ${machine.memory}; Node ${machine.node}`)

// 1. The macro suite.
const env = (suite) => ({ LEAKGATE_BENCH_REPORT: path.join(tmp, `report-${suite.id}.json`) })
const suites = parts.has('macro') ? measureSuites(SUITES, node, plan.suites, 'macro suite') : undefined

/** Rounds of every configuration in alternating order (a warm-up run of each first, not counted). */
function measureSuites(list, node, rounds, title) {
  if (plan.warmup) {
    log(`▶ ${title}: warm-up, one run of each configuration (transform caches), not counted`)
    for (const suite of list) log(`  ${suite.label}: ${seconds(runSuite(suite, { root, node, env: env(suite) }))}`)
  }
  const walls = new Map(list.map((s) => [s.id, []]))
  for (let round = 0; round < rounds; round++) {
    log(`▶ ${title}, round ${round + 1}/${rounds}`)
    const order = round % 2 ? [...list].reverse() : list
    for (const suite of order) {
      const ms = runSuite(suite, { root, node, env: env(suite) })
      walls.get(suite.id).push(ms)
      log(`  ${suite.label}: ${seconds(ms)}`)
    }
  }
  return list.map((suite) => {
    const own = walls.get(suite.id)
    const base = suite.baseline ? walls.get(suite.baseline) : undefined
    return {
      id: suite.id,
      label: suite.label,
      framework: suite.framework,
      tests: suite.tests,
      baseline: suite.baseline,
      samples: own,
      wall: summarize(own),
      ratio: base ? summarize(own.map((ms, round) => ms / base[round])) : null,
    }
  })
}

// 2. Start-up per worker, on each Node of --nodes (or --node).
let startup
if (parts.has('startup')) {
  const byId = (id) => SUITES.find((s) => s.id === id)
  startup = realNodes.map((bin) => {
    const version = describeMachine(bin).node
    log(`▶ start-up in a bare process, Node ${version}`)
    const bare = measureBareStartup({ root, node: bin, samples: plan.startup })
    log(`▶ start-up in framework workers (probe runs), Node ${version}`)
    const workers = measureWorkerStartup({
      root,
      node: bin,
      rounds: plan.probe,
      tmp,
      log,
      pairs: [
        [byId('vitest-none'), byId('vitest-leakgate')],
        [byId('jest-none'), byId('jest-leakgate')],
      ],
    })
    return { node: version, bare, workers }
  })
}

// 3. The engine, per call.
let engine
if (parts.has('engine')) {
  log('▶ engine, per call (packages/core/bench/engine.mjs)')
  engine = measureEngine({ root, node, rounds: plan.engine })
}

// 4. Public projects' own suites, on each Node asked for.
let real
if (parts.has('real')) {
  log('▶ real suites: dependencies (npm ci, cached)')
  installReal(root, log)
  real = realNodes.map((bin) => {
    const version = describeMachine(bin).node
    return {
      node: version,
      rounds: plan.real,
      suites: measureSuites(REAL_SUITES, bin, plan.real, `real suites, Node ${version}`),
    }
  })
}
fs.rmSync(tmp, { recursive: true, force: true })

// A part not measured in this run (--only) is taken from the saved results, so that the page
// and the check always cover every part.
const saved = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {}
const merged = {
  suites: suites ?? saved.suites,
  // Saved start-up figures of the older shape (one Node, the saved run's) are labelled with it.
  startup: startup ?? (saved.startup ? startupRuns(saved) : undefined),
  engine: engine ?? saved.engine,
  real: real ?? saved.real,
}

// Goals (issues 7 and 15): met or missed, shown on the page; the check below is what fails a run.
const goals = loadTargets(root).goals
const fmtRatio = (r) => `×${r.median.toFixed(3)} (p10–p90 ×${r.spread[0].toFixed(3)}–×${r.spread[1].toFixed(3)})`
const targets = []
for (const s of merged.suites ?? []) {
  if (!/leakgate/.test(s.id) || !s.ratio) continue
  targets.push({
    name: `suite wall time, ${s.label.replace(' + leakgate', '')}`,
    target: `≤ ×${goals.macroSuite}`,
    measured: fmtRatio(s.ratio),
    met: s.ratio.median <= goals.macroSuite,
  })
}
for (const run of merged.real ?? []) {
  for (const s of run.suites) {
    if (!/leakgate/.test(s.id)) continue
    targets.push({
      name: `real suite wall time, ${s.label.replace(/ \+ leakgate/, '')}, Node ${run.node}`,
      target: `≤ ×${goals.realSuite}`,
      measured: fmtRatio(s.ratio),
      met: s.ratio.median <= goals.realSuite,
    })
  }
}
targets.push(...startupTargets(startupRuns(merged), goals))
for (const [label, pattern] of [
  ['allowed loopback connect, per call', /connect/],
  ['allowed spawnSync, per call', /spawnSync/],
]) {
  const r = merged.engine?.results.find((x) => pattern.test(x.name))
  if (!r) continue
  const total = r.guarded / r.plain
  targets.push({
    name: label,
    target: `≤ ×${goals.perCall}`,
    measured: `guard ×${r.ratio.toFixed(3)}, total ×${total.toFixed(3)} (CPU)`,
    met: Math.max(r.ratio, total) <= goals.perCall,
  })
}

const results = {
  date: new Date().toISOString().slice(0, 10),
  quick: flags.quick,
  rounds: { suites: plan.suites, probe: plan.probe, real: plan.real },
  machine,
  ...merged,
  targets,
}

// Print.
log(`\nleakgate benchmarks — Node ${machine.node} (median, p10–p90)\n`)
const printSuites = (list) => {
  for (const s of list) {
    const ratio = s.ratio
      ? `×${s.ratio.median.toFixed(3)} (×${s.ratio.spread[0].toFixed(3)}–×${s.ratio.spread[1].toFixed(3)})`
      : 'baseline'
    log(`${s.label.padEnd(48)} ${seconds(s.wall.median).padStart(8)}  ${ratio}`)
  }
}
if (suites) printSuites(suites)
for (const run of real ?? []) {
  log(`\nreal suites, Node ${run.node}, ${run.rounds} rounds`)
  printSuites(run.suites)
}
log('')
for (const run of startup ?? []) {
  for (const w of run.workers) {
    log(
      `start-up per ${w.framework} worker, Node ${run.node}: load ${w.load.median.toFixed(1)} + install ${w.install.median.toFixed(1)} + tame ${w.tame.median.toFixed(1)} = ${w.total.median.toFixed(1)} ms; ready ${w.readyWithout.median.toFixed(1)} → ${w.readyWith.median.toFixed(1)} ms`,
    )
  }
  const { bare } = run
  log(
    `start-up, bare process, Node ${run.node}: load ${bare.load.median.toFixed(1)} + install ${bare.install.median.toFixed(1)} + tame ${bare.tame.median.toFixed(1)} = ${bare.total.median.toFixed(1)} ms`,
  )
}
log('')
for (const r of engine?.results ?? []) {
  log(
    `${r.name.padEnd(42)} ${r.plain.toFixed(2)} → ${r.guarded.toFixed(2)} ${r.unit} CPU  guard ×${r.ratio.toFixed(3)}  total ×${(r.guarded / r.plain).toFixed(3)}`,
  )
}
log('')
for (const t of targets) log(`${t.met === null ? '·' : t.met ? '✔' : '✖'} ${t.name}: ${t.measured} (goal ${t.target})`)
const regressions = checkRegressions(results, loadTargets(root))

// Write.
/** Raw results, formatted as the repository's formatter wants them (they are committed). */
function writeResults(file) {
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  spawnSync(path.join(root, 'node_modules/.bin/biome'), ['format', '--write', file], { cwd: root, stdio: 'ignore' })
}

if (flags.json) writeResults(path.resolve(flags.json))
if (write) {
  writeResults(RESULTS)
  // The figures of each release, kept: bench/history/<version of @leakgate/core>.json.
  const version = JSON.parse(fs.readFileSync(path.join(root, 'packages/core/package.json'), 'utf8')).version
  fs.mkdirSync(path.join(root, 'bench/history'), { recursive: true })
  writeResults(path.join(root, 'bench/history', `${version}.json`))
  publish(results)
} else {
  log('\n(BENCHMARKS.md left as is: pass --write to write it)')
}
log(`done in ${((Date.now() - started) / 60000).toFixed(1)} min`)
process.exitCode = reportCheck(regressions)

function callRow(r) {
  return { label: r.name, median: r.guarded / r.plain, spread: r.guardedSpread.map((x) => x / r.plain), ours: true }
}

/** Writes the chart and BENCHMARKS.md (with bench/analysis.md, the hand-written findings). */
function publish(results) {
  const { suites, engine, machine } = results
  const chart = renderChart(
    [
      {
        title: 'Suite wall time, to the same suite without a guard',
        target: 1.03,
        rows: suites
          .filter((s) => s.ratio)
          .map((s) => ({
            label: s.label,
            median: s.ratio.median,
            spread: s.ratio.spread,
            ours: /leakgate/.test(s.id),
          })),
      },
      ...(results.real ?? []).map((run) => ({
        title: `Real suites' wall time on Node ${run.node}, to the same suite without a guard`,
        target: 1.05,
        rows: run.suites
          .filter((s) => s.ratio)
          .map((s) => ({
            label: s.label,
            median: s.ratio.median,
            spread: s.ratio.spread,
            ours: /leakgate/.test(s.id),
          })),
      })),
      {
        title: 'Per call on allowed paths (CPU), guarded to unpatched: network and processes',
        target: 1.05,
        rows: engine.results.filter((r) => /connect|spawn/.test(r.name)).map(callRow),
      },
      {
        title: 'Per call on allowed paths (CPU), guarded to unpatched: code generation',
        rows: engine.results.filter((r) => !/connect|spawn/.test(r.name)).map(callRow),
      },
    ],
    `leakgate benchmarks, ${results.date}: Node ${machine.node}, ${machine.cores} cores; bars: median, whiskers: p10–p90.`,
  )
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true })
  fs.writeFileSync(path.join(root, 'docs/benchmarks-chart.svg'), chart)
  const analysisFile = path.join(root, 'bench/analysis.md')
  const analysis = fs.existsSync(analysisFile) ? fs.readFileSync(analysisFile, 'utf8') : undefined
  // Runs on other Node versions, saved with --json bench/results-<name>.json.
  const others = fs
    .readdirSync(path.join(root, 'bench'))
    .filter((name) => /^results-.+\.json$/.test(name))
    .map((name) => JSON.parse(fs.readFileSync(path.join(root, 'bench', name), 'utf8')))
    .filter((other) => other.machine.node !== machine.node)
  fs.writeFileSync(path.join(root, 'BENCHMARKS.md'), renderReport(results, analysis, others))
  console.log('\nwrote BENCHMARKS.md and docs/benchmarks-chart.svg')
}
