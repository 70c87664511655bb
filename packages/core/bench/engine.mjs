#!/usr/bin/env node
// Per-call cost of the guard on allowed paths, against the same calls unguarded, in one process.
// Figures are medians of per-round means; CPU time (user + system) per call is the primary
// measure, because the guard's cost is work the process does, while wall time on a loopback
// round trip is dominated by event-loop scheduling (reported beside it).
//
//   npm run bench -w @leakgate/core [-- --rounds 15 --json]
//
// Loopback only: the connect target is a server on 127.0.0.1, port 0.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

const require = createRequire(import.meta.url)
const core = require('../dist/index.cjs')
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '15' }, json: { type: 'boolean', default: false } },
})
const rounds = Number(values.rounds)

// Fake packages: one that generates code (allowed by `{ from }`), one "framework" (trusted).
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-bench-'))
for (const [name, source] of [
  ['bench-gen', 'exports.make = (i) => new Function("a", "return a + " + (i % 8))'],
  ['bench-captured', 'exports.run = (evaluate, i) => evaluate("1 + " + (i % 8))'],
  [
    'bench-framework',
    // Loads a module from a real file (the shape of Jest's and Vitest's loaders): a trusted operation.
    'const vm = require("node:vm"); exports.run = function load(i, filename) { return new vm.Script("1 + " + (i % 8), { filename }).runInThisContext() }',
  ],
]) {
  fs.mkdirSync(path.join(base, 'node_modules', name), { recursive: true })
  fs.writeFileSync(path.join(base, 'node_modules', name, 'index.js'), source)
}
// A small module, required afresh each time: Node's loader through the guard's Module hooks.
const moduleFile = path.join(base, 'small-module.js')
fs.writeFileSync(moduleFile, 'exports.answer = 42\n')
function loadModule() {
  delete require.cache[moduleFile]
  return require(moduleFile).answer
}
const generator = require(path.join(base, 'node_modules/bench-gen'))
const framework = require(path.join(base, 'node_modules/bench-framework'))
const captured = require(path.join(base, 'node_modules/bench-captured'))
// The real eval, captured before install: only inspectEval sees what it compiles.
// biome-ignore lint/security/noGlobalEval: the captured reference is what this case measures
const capturedEval = globalThis.eval

const server = net.createServer((socket) => socket.destroy())
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address()

function connectClose() {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy()
      resolve()
    })
    socket.on('error', reject)
  })
}

const cases = [
  { name: 'loopback connect + close', unit: 'µs', ops: 1000, run: connectClose },
  { name: 'spawnSync("true"), allowed by a rule', unit: 'µs', ops: 50, run: () => spawnSync('true') },
  { name: 'new Function from an allowed package', unit: 'µs', ops: 2000, run: (i) => generator.make(i) },
  { name: 'vm.Script from a trusted caller', unit: 'µs', ops: 2000, run: (i) => framework.run(i, moduleFile) },
  { name: 'require() of a small module', unit: 'µs', ops: 1000, run: loadModule },
]

async function measure(run, ops) {
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  for (let i = 0; i < ops; i++) await run(i)
  const used = process.cpuUsage(cpu)
  return { cpu: (used.user + used.system) / ops, wall: Number(process.hrtime.bigint() - start) / ops / 1000 }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const spread = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return [sorted[Math.floor(sorted.length * 0.1)], sorted[Math.ceil(sorted.length * 0.9) - 1]]
}

// Two comparisons per operation:
// - guarded vs passive: the engine installed throughout, deciding (active) or not (passive) in
//   alternating rounds. This is the cost of the guard's decisions, free of re-patching churn.
// - passive vs unpatched: the bare cost of the wrappers being there, measured before install.
// The unguarded figure in the table is the unpatched one.
const results = []
const unpatched = new Map()
for (const c of cases) {
  await measure(c.run, c.ops)
  const samples = []
  for (let round = 0; round < rounds; round++) samples.push(await measure(c.run, c.ops))
  unpatched.set(c.name, samples)
}
const options = { allow: { exec: ['true'], eval: [{ from: 'bench-gen' }, { from: 'bench-captured' }] } }
core.install(options)
core.getEngine().filter.frameworkPaths.push('/node_modules/bench-framework/')
core.getEngine().filter.operations.push({ file: '/node_modules/bench-framework/', fn: ['load'], compiles: 'module' })
core.tameRealm(globalThis)
const engine = core.getEngine()
for (const c of cases) {
  const passive = []
  const active = []
  for (const on of [false, true]) {
    engine.active = on
    await measure(c.run, c.ops)
  }
  for (let round = 0; round < rounds; round++) {
    for (const on of round % 2 ? [true, false] : [false, true]) {
      engine.active = on
      ;(on ? active : passive).push(await measure(c.run, c.ops))
    }
  }
  engine.active = true
  const cpu = (xs) => xs.map((x) => x.cpu)
  const wall = (xs) => xs.map((x) => x.wall)
  const bare = unpatched.get(c.name)
  results.push({
    name: c.name,
    unit: c.unit,
    plain: median(cpu(bare)),
    passive: median(cpu(passive)),
    guarded: median(cpu(active)),
    ratio: median(cpu(active)) / median(cpu(passive)),
    wallRatio: median(wall(active)) / median(wall(passive)),
    wrapperRatio: median(cpu(passive)) / median(cpu(bare)),
    plainSpread: spread(cpu(bare)),
    guardedSpread: spread(cpu(active)),
  })
}

// The decision itself, without a stack: the local fast path and a rule match.
const policy = core.normalizeOptions({ allow: { net: ['api.example.com:443', '10.0.0.0/8'] } }, {})
const loopback = core.parseAddress('127.0.0.1')
const target = { host: 'api.example.com', port: 443 }
const levels = [{ source: 'config', rules: policy.config }]
const decisions = []
for (const [name, fn] of [
  ['local fast path (a loopback address)', () => engine.isLocal({ address: loopback, port: 80 })],
  ['decide(): a host rule matches, no stack', () => core.decide({ category: 'net', target }, levels, () => [])],
]) {
  const ops = 200_000
  const samples = []
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < ops; i++) fn()
    samples.push(Number(process.hrtime.bigint() - start) / ops / 1000)
  }
  decisions.push({ name, unit: 'µs', guarded: median(samples) })
}
// inspectEval: the inspector session on (alternating rounds) against off, both guarded. A
// captured eval is detected and decided (allowed by its package); a vm.Script from the trusted
// framework stands for module loading, which pays for V8's report of every compiled script.
const inspected = []
for (const c of [
  { name: 'captured eval, allowed by { from }', ops: 2000, run: (i) => captured.run(capturedEval, i) },
  { name: 'vm.Script from a trusted caller', ops: 2000, run: (i) => framework.run(i, moduleFile) },
]) {
  const off = []
  const on = []
  for (let round = 0; round < rounds; round++) {
    for (const inspect of round % 2 ? [true, false] : [false, true]) {
      core.install({ ...options, inspectEval: inspect })
      await measure(c.run, 50)
      ;(inspect ? on : off).push((await measure(c.run, c.ops)).cpu)
    }
  }
  inspected.push({ name: c.name, unit: 'µs', off: median(off), on: median(on), ratio: median(on) / median(off) })
}
core.install(options)
core.uninstall()
server.close()
fs.rmSync(base, { recursive: true, force: true })

if (values.json) {
  console.log(JSON.stringify({ node: process.version, rounds, results, decisions, inspected }, null, 2))
} else {
  console.log(
    `leakgate engine, per call on allowed paths — Node ${process.version}, ${os.cpus().length} cpus, ${rounds} alternating rounds (median, p10–p90)\n`,
  )
  const range = ([low, high]) => `${low.toFixed(1)}–${high.toFixed(1)}`
  const rows = results.map((r) => [
    r.name,
    `${r.plain.toFixed(2)} ${r.unit}`,
    range(r.plainSpread),
    `${r.guarded.toFixed(2)} ${r.unit}`,
    range(r.guardedSpread),
    `×${r.ratio.toFixed(3)}`,
    `×${r.wallRatio.toFixed(3)}`,
    `×${r.wrapperRatio.toFixed(3)}`,
  ])
  const header = ['operation (CPU per call)', 'unguarded', 'p10–p90', 'guarded', 'p10–p90', 'guard', 'wall', 'wrappers']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ')
  console.log(line(header))
  for (const row of rows) console.log(line(row))
  console.log('\nguard: guarded / passive CPU, rounds alternating in one process (wall: the same in wall time);')
  console.log('wrappers: passive / unpatched CPU, measured one after the other.\n')
  for (const d of decisions) console.log(`${d.name}: ${(d.guarded * 1000).toFixed(0)} ns`)
  console.log('\ninspectEval (opt-in), CPU per call with the inspector session off → on:')
  for (const r of inspected) {
    console.log(`${r.name}: ${r.off.toFixed(2)} → ${r.on.toFixed(2)} ${r.unit} (×${r.ratio.toFixed(2)})`)
  }
}
