// Preloaded (NODE_OPTIONS=--require) into every process of a probe run: times what leakgate
// does when a framework worker starts, where the adapter does it, without changing the adapter.
// - load:    the first require('@leakgate/core') of the process (module evaluation);
// - install: each install() call (the first puts the interceptors in place);
// - tame:    each tameRealm() call (one per test file: each file has its own realm in Jest and
//            in Vitest's isolated workers).
// One JSON line per measure, appended to the file named by LEAKGATE_BENCH_PROBE.
const fs = require('node:fs')
const Module = require('node:module')
const { threadId } = require('node:worker_threads')

const out = process.env.LEAKGATE_BENCH_PROBE
const realLoad = Module._load
let seen = false

function note(kind, ms) {
  const line = { kind, pid: process.pid, thread: threadId, ms, at: performance.now() }
  fs.appendFileSync(out, `${JSON.stringify(line)}\n`)
}

function timed(exports, name) {
  const real = exports[name]
  if (typeof real !== 'function') return
  exports[name] = function (...args) {
    const start = performance.now()
    try {
      return Reflect.apply(real, this, args)
    } finally {
      note(name === 'tameRealm' ? 'tame' : name, performance.now() - start)
    }
  }
}

if (out) {
  Module._load = function (request, ...rest) {
    if (seen || request !== '@leakgate/core') return Reflect.apply(realLoad, this, [request, ...rest])
    seen = true
    const start = performance.now()
    const exports = Reflect.apply(realLoad, this, [request, ...rest])
    note('load', performance.now() - start)
    timed(exports, 'install')
    timed(exports, 'tameRealm')
    return exports
  }
}
