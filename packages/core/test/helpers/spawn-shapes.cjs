// What a child_process call looks like from the outside when the program cannot start: every
// event in order (the child's, each stdio stream's, callbacks and promises), the child's fields
// at each event, the error's own fields, and what the sync APIs return or throw. The parity test
// runs the same calls unguarded (Node's own failure: a file that is not executable, or missing)
// and guarded (refused), and compares the two shapes field by field.
const cp = require('node:child_process')
const util = require('node:util')

/** Every error code seen, in order: the parity test checks who failed apart from how. */
const codes = []
const SPAWN_FAILURES = new Set(['EACCES', 'ENOENT', 'LEAKGATE_EXEC_BLOCKED'])

/**
 * Errors compared by their fields. A refusal has our code and message where Node's failure has
 * its own (EACCES, ENOENT); every other field must be the same.
 */
function errorShape(error) {
  if (!error || typeof error !== 'object') return error
  codes.push(error.code)
  const out = { isError: error instanceof Error }
  // The sync APIs' `error` points at the error itself; on ours it is not enumerable (runners
  // serialize our error), so it is compared whether enumerable or not.
  const keys = Object.keys(error)
  if (Object.hasOwn(error, 'error') && !keys.includes('error')) keys.push('error')
  for (const key of keys.sort()) {
    if (key === 'message' || key === 'stack') continue
    out[key] = key === 'code' && SPAWN_FAILURES.has(error.code) ? 'a spawn failure' : value(error[key], error)
  }
  if (!('code' in out) && error.code !== undefined) out.inheritedCode = error.code
  return out
}

function value(x, self) {
  if (x === self) return '[the error itself]'
  if (Buffer.isBuffer(x)) return `Buffer(${x.length})`
  if (Array.isArray(x)) return x.map((item) => value(item, self))
  if (x instanceof Error) return errorShape(x)
  return x
}

function childShape(child) {
  return {
    pid: child.pid === undefined ? '(undefined)' : child.pid,
    pidIsOwn: Object.hasOwn(child, 'pid'),
    exitCode: child.exitCode,
    signalCode: child.signalCode,
    killed: child.killed,
    connected: child.connected,
    spawnfile: child.spawnfile,
    spawnargs: child.spawnargs,
    stdio: child.stdio.map((s) =>
      s === null ? null : { readable: s.readable, writable: s.writable, destroyed: s.destroyed },
    ),
    keys: Object.keys(child).sort().join(','),
  }
}

/** Observes an async call until its child closed (and a little after), or 1.5 s passed. */
function observe(make) {
  return new Promise((resolve) => {
    const log = []
    const settle = () => setTimeout(() => resolve(log), 60)
    let made
    try {
      made = make((...args) => log.push(['callback', args.map((x) => value(x))]))
    } catch (error) {
      resolve([['threw', errorShape(error)]])
      return
    }
    let child = made
    if (made && typeof made.then === 'function') {
      made.then(
        (result) => log.push(['resolved', value(result)]),
        (error) => log.push(['rejected', errorShape(error)]),
      )
      child = made.child
    }
    log.push(['returned', childShape(child)])
    const timer = setTimeout(() => {
      log.push(['no close after 1.5 s'])
      resolve(log)
    }, 1500)
    for (const name of ['spawn', 'error', 'exit', 'close', 'disconnect', 'message']) {
      child.on(name, (...args) => {
        log.push([name, args.map((x) => value(x)), childShape(child)])
        if (name === 'close') {
          clearTimeout(timer)
          settle()
        }
      })
    }
    child.stdio.forEach((stream, i) => {
      if (!stream) return
      for (const name of ['end', 'finish', 'close', 'error']) {
        stream.on(name, (arg) => log.push([`stdio[${i}] ${name}`, value(arg)]))
      }
      if (stream.readable) stream.on('data', (chunk) => log.push([`stdio[${i}] data`, String(chunk)]))
    })
  })
}

function syncShape(run) {
  try {
    const result = run()
    if (result === null || typeof result !== 'object' || Buffer.isBuffer(result)) return { returned: value(result) }
    const out = {}
    for (const key of Object.keys(result)) out[key] = key === 'error' ? errorShape(result[key]) : value(result[key])
    return { returned: out }
  } catch (error) {
    return { threw: errorShape(error) }
  }
}

/** Every child_process API and stdio shape, against `bin` (a program that cannot start). */
function asyncCalls(bin) {
  return {
    spawn: () => cp.spawn(bin, ['a', 'b']),
    'spawn, no args': () => cp.spawn(bin),
    'spawn, stdio inherit': () => cp.spawn(bin, ['x'], { stdio: 'inherit' }),
    'spawn, stdio ignore': () => cp.spawn(bin, ['x'], { stdio: 'ignore' }),
    'spawn, stdio mixed': () => cp.spawn(bin, ['x'], { stdio: ['ignore', 'pipe', 'inherit'] }),
    'spawn, stdio fds': () => cp.spawn(bin, ['x'], { stdio: [0, 1, 2] }),
    'spawn, extra fds': () => cp.spawn(bin, ['x'], { stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'ignore'] }),
    'spawn, ipc': () => cp.spawn(bin, ['x'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] }),
    'spawn, detached': () => cp.spawn(bin, ['x'], { detached: true }),
    'spawn, argv0 and cwd': () => cp.spawn(bin, ['x'], { argv0: 'shown-name', cwd: '/' }),
    'spawn, timeout': () => cp.spawn(bin, ['x'], { timeout: 50 }),
    'spawn, signal': () => cp.spawn(bin, ['x'], { signal: new AbortController().signal }),
    'spawn, shell': () => cp.spawn('echo hi', { shell: bin }),
    execFile: (callback) => cp.execFile(bin, ['x'], callback),
    'execFile, encoding buffer': (callback) => cp.execFile(bin, ['x'], { encoding: 'buffer' }, callback),
    exec: (callback) => cp.exec('echo hi', { shell: bin }, callback),
    fork: () => cp.fork('-e', [], { execPath: bin }),
    'fork, silent': () => cp.fork('-e', ['x'], { execPath: bin, silent: true }),
    'fork, advanced serialization': () => cp.fork('-e', [], { execPath: bin, serialization: 'advanced' }),
    'promisify(execFile)': () => util.promisify(cp.execFile)(bin, ['x']),
    'promisify(exec)': () => util.promisify(cp.exec)('echo hi', { shell: bin }),
  }
}

function syncCalls(bin) {
  return {
    spawnSync: () => cp.spawnSync(bin, ['x']),
    'spawnSync, input and encoding': () => cp.spawnSync(bin, ['x'], { input: 'data', encoding: 'utf8' }),
    'spawnSync, stdio inherit': () => cp.spawnSync(bin, ['x'], { stdio: 'inherit' }),
    'spawnSync, shell': () => cp.spawnSync('echo hi', { shell: bin }),
    execSync: () => cp.execSync('echo hi', { shell: bin }),
    'execSync, stdio pipe': () => cp.execSync('echo hi', { shell: bin, stdio: 'pipe' }),
    execFileSync: () => cp.execFileSync(bin, ['x']),
    'execFileSync, encoding': () => cp.execFileSync(bin, ['x'], { encoding: 'utf8' }),
  }
}

/** Runs every call against `bin`; one after another, so events never interleave. */
async function shapes(bin) {
  codes.length = 0
  const out = {}
  for (const [name, make] of Object.entries(asyncCalls(bin))) out[name] = await observe(make)
  for (const [name, run] of Object.entries(syncCalls(bin))) out[name] = syncShape(run)
  return { calls: out, codes: [...new Set(codes)] }
}

module.exports = { shapes, observe, errorShape, childShape }
