// Preloaded (NODE_OPTIONS=--require) into every process of a probe run: times what leakgate
// does when a framework worker starts, where the adapter does it, without changing the adapter.
// - load:    each entry of the package a process requires first (`@leakgate/core`,
//            `@leakgate/core/session`: module evaluation; a worker's loads are summed);
// - install: each openSession() call (the first configures the engine and puts the interceptors
//            in place; the next, one per test file, find it configured);
// - tame:    each Session#enterFile() (one per test file: it tames the file's realm, which Jest
//            and Vitest's isolated workers make per file).
// One JSON line per measure, appended to the file named by LEAKGATE_BENCH_PROBE.
const fs = require('node:fs')
const Module = require('node:module')
const { threadId } = require('node:worker_threads')

const out = process.env.LEAKGATE_BENCH_PROBE
const realLoad = Module._load
const ENTRIES = new Set(['@leakgate/core', '@leakgate/core/session'])
const seen = new Set()
let depth = 0

function note(kind, ms) {
  const line = { kind, pid: process.pid, thread: threadId, ms, at: performance.now() }
  fs.appendFileSync(out, `${JSON.stringify(line)}\n`)
}

function timed(kind, real) {
  return function (...args) {
    const start = performance.now()
    try {
      return Reflect.apply(real, this, args)
    } finally {
      note(kind, performance.now() - start)
    }
  }
}

function wrapSession(exports) {
  const open = exports.openSession
  if (typeof open !== 'function') return
  const timedOpen = timed('install', open)
  exports.openSession = function openSession(...args) {
    const session = Reflect.apply(timedOpen, this, args)
    if (session && typeof session.enterFile === 'function' && !Object.hasOwn(session, 'enterFile')) {
      session.enterFile = timed('tame', session.enterFile)
    }
    return session
  }
}

if (out) {
  Module._load = function (request, ...rest) {
    // One entry's load inside another's (core's index loads nothing by name) is not counted twice.
    if (depth > 0 || seen.has(request) || !ENTRIES.has(request))
      return Reflect.apply(realLoad, this, [request, ...rest])
    seen.add(request)
    depth++
    const start = performance.now()
    let exports
    try {
      exports = Reflect.apply(realLoad, this, [request, ...rest])
    } finally {
      depth--
    }
    note('load', performance.now() - start)
    if (request === '@leakgate/core/session') wrapSession(exports)
    return exports
  }
}
