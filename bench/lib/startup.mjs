// Start-up cost of leakgate per worker, two ways:
// - bare: a fresh `node` process loads @leakgate/core, installs it with the suite's rules and
//   tames its realm (bench/probe/startup.cjs), timed inside the process, many times;
// - in a framework worker: probe runs of the suite, with and without leakgate, alternating, where
//   bench/probe/preload.cjs times the adapter's load/install/tameRealm calls and the
//   bench/probe/ready.js setup file notes when each worker became ready to run tests.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { summarize } from './stats.mjs'
import { runSuite } from './suites.mjs'

/** `samples` fresh processes; the medians of load, install, tame and their total (ms). */
export function measureBareStartup({ root, node, samples }) {
  const script = path.join(root, 'bench/probe/startup.cjs')
  const runs = []
  for (let i = 0; i < samples; i++) {
    const result = spawnSync(node, [script], { cwd: root, encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`bench/probe/startup.cjs failed:\n${result.stderr}`)
    runs.push(JSON.parse(result.stdout))
  }
  return Object.fromEntries(
    ['load', 'install', 'tame', 'total'].map((key) => [key, summarize(runs.map((r) => r[key]))]),
  )
}

function readProbe(file) {
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

/** The first record of `kind` per process/thread. */
function firstPerWorker(records, kind) {
  const first = new Map()
  for (const record of records) {
    const key = `${record.pid}:${record.thread}`
    if (record.kind === kind && !first.has(key)) first.set(key, record)
  }
  return [...first.values()]
}

/**
 * Probe runs: for each framework, the suite without and with leakgate, alternating, `rounds`
 * times. Returns per framework the ready time of workers with and without, and the adapter's
 * load/install/tame times measured in the workers.
 */
export function measureWorkerStartup({ root, node, rounds, pairs, tmp, log }) {
  const preload = path.join(root, 'bench/probe/preload.cjs')
  const records = new Map()
  for (let round = 0; round < rounds; round++) {
    const order = pairs.flat()
    for (const suite of round % 2 ? order.reverse() : order) {
      const file = path.join(tmp, `probe-${suite.id}-${round}.jsonl`)
      // The probe appends: a file left by an earlier run (another Node of --nodes) is not this run's.
      fs.rmSync(file, { force: true })
      const ms = runSuite(suite, {
        root,
        node,
        env: {
          LEAKGATE_BENCH_PROBE: file,
          LEAKGATE_BENCH_REPORT: path.join(tmp, `report-${suite.id}.json`),
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(),
        },
      })
      log(`  probe ${suite.label}: ${(ms / 1000).toFixed(2)} s`)
      records.set(suite.id, [...(records.get(suite.id) ?? []), ...readProbe(file)])
    }
  }
  return pairs.map(([without, withLeakgate]) => {
    const plain = records.get(without.id) ?? []
    const guarded = records.get(withLeakgate.id) ?? []
    const ready = (list) => firstPerWorker(list, 'ready').map((r) => r.at)
    const ms = (kind) => firstPerWorker(guarded, kind).map((r) => r.ms)
    const tames = guarded.filter((r) => r.kind === 'tame').map((r) => r.ms)
    // A worker may load two entries of the package (core, core/session): its load is their sum.
    const loads = firstPerWorker(guarded, 'load').map((first) => {
      const same = (r) => r.pid === first.pid && r.thread === first.thread
      return { ...first, ms: guarded.filter((r) => r.kind === 'load' && same(r)).reduce((sum, r) => sum + r.ms, 0) }
    })
    const workers = loads.map((load) => {
      const key = (r) => r.pid === load.pid && r.thread === load.thread
      const install = guarded.find((r) => r.kind === 'install' && key(r))
      const tame = guarded.find((r) => r.kind === 'tame' && key(r))
      return load.ms + (install?.ms ?? 0) + (tame?.ms ?? 0)
    })
    return {
      framework: withLeakgate.framework,
      workers: workers.length,
      load: summarize(loads.map((r) => r.ms)),
      install: summarize(ms('install')),
      tame: summarize(tames),
      total: summarize(workers),
      readyWithout: summarize(ready(plain)),
      readyWith: summarize(ready(guarded)),
    }
  })
}

/**
 * The start-up runs of a results file, one per Node: `[{ node, bare, workers }]`. Results saved
 * before start-up was measured per Node hold one `{ bare, workers }`, measured on the run's own
 * Node (`machine.node`).
 */
export function startupRuns(results) {
  const startup = results.startup
  if (!startup) return []
  if (Array.isArray(startup)) return startup
  return [{ node: results.machine?.node, ...startup }]
}

const major = (node) => Number(String(node).replace(/^v/, '').split('.')[0])

/**
 * The goal rows of start-up (issue 15: ≤ `goals.startupMs` ms for load + install + tame on Node
 * `goals.startupFromNode`+): met or missed on those Nodes; on an older Node the figure is shown
 * for reference (`met: null`), since the goal does not apply there.
 */
export function startupTargets(runs, goals) {
  const rows = []
  for (const run of runs) {
    const applies = goals.startupFromNode === undefined || major(run.node) >= goals.startupFromNode
    const target = applies ? `≤ ${goals.startupMs} ms` : `reference (goal is for Node ${goals.startupFromNode}+)`
    const row = (name, total) => ({
      name: `${name}, Node ${run.node}`,
      target,
      measured: `${total.median.toFixed(1)} ms`,
      met: applies ? total.median <= goals.startupMs : null,
    })
    rows.push(row('start-up, bare process (load + install + tame)', run.bare.total))
    for (const w of run.workers ?? []) {
      rows.push(
        row(`start-up per ${w.framework === 'vitest' ? 'Vitest' : 'Jest'} worker (load + install + tame)`, w.total),
      )
    }
  }
  return rows
}
