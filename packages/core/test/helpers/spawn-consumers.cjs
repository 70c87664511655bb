// How code consumes a child that cannot start: the shapes real code and wrappers rely on
// (async iteration, pipes, readline, events.once, stdin writes, IPC sends, kill and
// AbortSignal at once or later, timeouts, unref, the sync APIs' options). Each vector logs
// what it saw and when: 'sync' (during the call), 'tick' (the next tick), 'later'. The
// consumers test runs them against Node's own failure and against a refusal and compares.
// spawn-shapes.cjs covers the events and fields of each API; this file, what consumes them.
const cp = require('node:child_process')
const util = require('node:util')
const events = require('node:events')
const stream = require('node:stream')
const readline = require('node:readline')

const WAIT = 1500
function code(e) {
  return e && typeof e === 'object'
    ? ['EACCES', 'ENOENT', 'LEAKGATE_EXEC_BLOCKED'].includes(e.code)
      ? 'FAIL'
      : (e.code ?? e.name)
    : e
}
function fields(e) {
  if (!e || typeof e !== 'object') return e
  const o = {}
  for (const k of Object.keys(e).sort()) {
    if (k === 'message' || k === 'stack') continue
    const v = e[k]
    o[k] =
      k === 'code'
        ? code(e)
        : v === e
          ? 'SELF'
          : Buffer.isBuffer(v)
            ? `Buffer(${v.length})`
            : Array.isArray(v)
              ? v.map((x) => (Buffer.isBuffer(x) ? `Buffer(${x.length})` : x))
              : v
  }
  if (Object.hasOwn(e, 'error') && !('error' in o)) o.error = e.error === e ? 'SELF' : 'other'
  return o
}

function vector(fn) {
  return new Promise((resolve) => {
    const log = []
    const push = (...x) => log.push(x)
    let tick = 'sync'
    process.nextTick(() => {
      tick = 'tick'
    })
    setImmediate(() => {
      tick = 'later'
    })
    const mark = (...x) => push(tick, ...x)
    const timer = setTimeout(() => {
      push('WAITED')
      resolve(log)
    }, WAIT)
    const done = () => {
      clearTimeout(timer)
      setTimeout(() => resolve(log), 80)
    }
    try {
      fn(mark, done)
    } catch (e) {
      mark('threw', fields(e))
      done()
    }
  })
}

function watch(child, mark, done, names = ['spawn', 'error', 'exit', 'close', 'disconnect']) {
  for (const n of names)
    child.on(n, (...a) => {
      mark(n, ...a.map((x) => (x instanceof Error ? code(x) : x)))
      if (n === 'close') done()
    })
}

function vectors(bin) {
  return {
    'for await stdout': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      c.on('error', (e) => mark('error', code(e)))
      ;(async () => {
        try {
          for await (const x of c.stdout) mark('chunk', String(x))
          mark('loop ended')
        } catch (e) {
          mark('loop threw', code(e))
        }
        done()
      })()
    },
    'stdout.pipe(passthrough)': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      c.on('error', (e) => mark('error', code(e)))
      const p = new stream.PassThrough()
      p.resume()
      p.on('finish', () => {
        mark('dest finish')
        done()
      })
      c.stdout.pipe(p)
    },
    'finished(stdout)': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      c.on('error', (e) => mark('error', code(e)))
      stream.promises.finished(c.stdout).then(
        () => {
          mark('finished')
          done()
        },
        (e) => {
          mark('finished rejected', code(e))
          done()
        },
      )
    },
    'pipeline(stdout, writable)': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      c.on('error', (e) => mark('error', code(e)))
      stream.pipeline(
        c.stdout,
        new stream.Writable({
          write(_ch, _en, cb) {
            cb()
          },
        }),
        (e) => {
          mark('pipeline', code(e))
          done()
        },
      )
    },
    'once(child, exit)': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      events.once(c, 'exit').then(
        (a) => {
          mark('exit', a)
          done()
        },
        (e) => {
          mark('rejected', fields(e))
          done()
        },
      )
    },
    'once(child, spawn)': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      events.once(c, 'spawn').then(
        (a) => {
          mark('spawned', a)
          done()
        },
        (e) => {
          mark('rejected', code(e))
          done()
        },
      )
    },
    'stdin write + end at once': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      watch(c, mark, done)
      c.stdin.on('error', (e) => mark('stdin error', code(e)))
      c.stdin.on('finish', () => mark('stdin finish'))
      c.stdin.on('close', () => mark('stdin close'))
      mark(
        'write returned',
        c.stdin.write('data', (e) => mark('write cb', code(e))),
      )
      c.stdin.end(() => mark('end cb'))
    },
    'stdin write after error': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      c.stdin.on('error', (e) => mark('stdin error', code(e)))
      c.on('error', (e) => {
        mark('error', code(e))
        mark(
          'write returned',
          c.stdin.write('data', (e2) => {
            mark('write cb', code(e2))
            done()
          }),
        )
      })
    },
    'stdin write after close': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      c.on('error', () => mark('error'))
      c.stdin.on('error', (e) => mark('stdin error', code(e)))
      c.on('close', () => {
        mark('close')
        try {
          c.stdin.write('data', (e2) => {
            mark('write cb', code(e2))
            done()
          })
        } catch (e) {
          mark('write threw', code(e))
          done()
        }
      })
    },
    'fork send at once': (mark, done) => {
      const c = cp.fork('-e', [], { execPath: bin })
      watch(c, mark, done, ['spawn', 'error', 'exit', 'close', 'disconnect', 'message'])
      try {
        mark(
          'send returned',
          c.send({ a: 1 }, (e) => mark('send cb', code(e))),
        )
      } catch (e) {
        mark('send threw', code(e))
      }
      mark('connected', c.connected)
    },
    'fork send after error': (mark, done) => {
      const c = cp.fork('-e', [], { execPath: bin })
      c.on('error', (e) => {
        mark('error', code(e))
        try {
          mark(
            'send returned',
            c.send({ a: 1 }, (e2) => {
              mark('send cb', code(e2))
              done()
            }),
          )
        } catch (e2) {
          mark('send threw', code(e2))
          done()
        }
      })
      c.on('close', () => mark('close'))
    },
    'fork send after close': (mark, done) => {
      const c = cp.fork('-e', [], { execPath: bin })
      c.on('error', () => mark('error'))
      c.on('close', () => {
        try {
          mark(
            'send returned',
            c.send({ a: 1 }, (e2) => {
              mark('send cb', code(e2))
              done()
            }),
          )
        } catch (e2) {
          mark('send threw', code(e2))
          done()
        }
      })
    },
    'fork disconnect at once': (mark, done) => {
      const c = cp.fork('-e', [], { execPath: bin })
      watch(c, mark, done)
      try {
        c.disconnect()
        mark('disconnected', c.connected)
      } catch (e) {
        mark('disconnect threw', code(e))
      }
    },
    'kill at once': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      watch(c, mark, done)
      mark('kill', c.kill(), c.killed, c.signalCode)
    },
    'kill after error': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      c.on('error', (e) => {
        mark('error', code(e))
        mark('kill', c.kill('SIGKILL'), c.killed)
      })
      c.on('close', (...a) => {
        mark('close', ...a)
        done()
      })
    },
    'signal aborted before': (mark, done) => {
      const ac = new AbortController()
      ac.abort()
      const c = cp.spawn(bin, ['x'], { signal: ac.signal })
      watch(c, mark, done)
    },
    'signal aborted at once': (mark, done) => {
      const ac = new AbortController()
      const c = cp.spawn(bin, ['x'], { signal: ac.signal })
      watch(c, mark, done)
      ac.abort()
    },
    'signal aborted after error': (mark, done) => {
      const ac = new AbortController()
      const c = cp.spawn(bin, ['x'], { signal: ac.signal })
      watch(c, mark, done)
      c.on('error', () => ac.abort())
    },
    'execFile signal aborted before': (mark, done) => {
      const ac = new AbortController()
      ac.abort()
      cp.execFile(bin, ['x'], { signal: ac.signal }, (e, o, s) => {
        mark('callback', fields(e), o, s)
        done()
      })
    },
    'timeout + killSignal': (mark, done) => {
      const c = cp.spawn(bin, ['x'], { timeout: 20, killSignal: 'SIGKILL' })
      watch(c, mark, () => setTimeout(done, 100))
    },
    'execFile timeout': (mark, done) => {
      cp.execFile(bin, ['x'], { timeout: 20, killSignal: 'SIGKILL' }, (e, o, s) => {
        mark('callback', fields(e), o, s)
        done()
      })
    },
    'exec maxBuffer + encoding latin1': (mark, done) => {
      cp.exec('echo hi', { shell: bin, maxBuffer: 1, encoding: 'latin1' }, (e, o, s) => {
        mark('callback', fields(e), o, s)
        done()
      })
    },
    'readline over stdout': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      c.on('error', (e) => mark('error', code(e)))
      const rl = readline.createInterface({ input: c.stdout })
      rl.on('line', (l) => mark('line', l))
      rl.on('close', () => {
        mark('rl close')
        done()
      })
    },
    'readline async iterator': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      c.on('error', (e) => mark('error', code(e)))
      ;(async () => {
        try {
          for await (const l of readline.createInterface({ input: c.stdout })) mark('line', l)
          mark('loop ended')
        } catch (e) {
          mark('loop threw', code(e))
        }
        done()
      })()
    },
    'detached + unref': (mark, done) => {
      const c = cp.spawn(bin, ['x'], { detached: true, stdio: 'ignore' })
      mark('unref', c.unref())
      watch(c, mark, done)
    },
    'ref/unref at once': (mark, done) => {
      const c = cp.spawn(bin, ['x'])
      mark('unref', c.unref(), 'ref', c.ref())
      watch(c, mark, done)
    },
    'stdio [pipe, pipe, stream]': (mark, done) => {
      const c = cp.spawn(bin, ['x'], { stdio: ['pipe', 'pipe', process.stderr] })
      watch(c, mark, done)
      mark(
        'stdio',
        c.stdio.map((s) => (s === null ? null : s === process.stderr ? 'stderr' : typeof s)),
      )
    },
    'stdio overlapped / windowsHide / argv0': (mark, done) => {
      const c = cp.spawn(bin, ['x'], { windowsHide: true, argv0: 'zero', stdio: ['pipe', 'overlapped', 'pipe'] })
      watch(c, mark, done)
      mark('spawnargs', c.spawnargs)
    },
    'ipc advanced, send at once': (mark, done) => {
      const c = cp.spawn(bin, ['x'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' })
      watch(c, mark, done)
      try {
        mark(
          'send',
          c.send(new Map([[1, 2]]), (e) => mark('send cb', code(e))),
        )
      } catch (e) {
        mark('send threw', code(e))
      }
    },
    'unhandled error': (mark, done) => {
      const seen = (e) => {
        mark('uncaught', code(e), e.syscall)
        process.removeListener('uncaughtException', seen)
        done()
      }
      process.on('uncaughtException', seen)
      cp.spawn(bin, ['x'])
    },
    'promisify(execFile) fields': (mark, done) => {
      util
        .promisify(cp.execFile)(bin, ['x'], { encoding: 'buffer' })
        .then(
          (_r) => {
            mark('resolved')
            done()
          },
          (e) => {
            mark('rejected', fields(e))
            done()
          },
        )
    },
    'promisify(exec) child': (mark, done) => {
      const p = util.promisify(cp.exec)('echo', { shell: bin })
      mark('child pid', p.child.pid)
      p.child.on('close', (...a) => mark('close', ...a))
      p.then(
        () => {
          mark('resolved')
          done()
        },
        (e) => {
          mark('rejected', fields(e))
          done()
        },
      )
    },
  }
}

function syncs(bin) {
  const shape = (f) => {
    try {
      const r = f()
      if (r && typeof r === 'object' && !Buffer.isBuffer(r)) {
        const o = {}
        for (const k of Object.keys(r))
          o[k] =
            k === 'error'
              ? fields(r[k])
              : Buffer.isBuffer(r[k])
                ? `Buffer(${r[k].length})`
                : Array.isArray(r[k])
                  ? r[k].map((x) => (Buffer.isBuffer(x) ? `Buffer(${x.length})` : x))
                  : r[k]
        return { returned: o }
      }
      return { returned: r }
    } catch (e) {
      return { threw: fields(e) }
    }
  }
  return {
    'spawnSync timeout killSignal': shape(() => cp.spawnSync(bin, ['x'], { timeout: 20, killSignal: 'SIGKILL' })),
    'spawnSync encoding buffer': shape(() => cp.spawnSync(bin, ['x'], { encoding: 'buffer' })),
    'spawnSync stdio ignore': shape(() => cp.spawnSync(bin, ['x'], { stdio: 'ignore' })),
    'spawnSync shell true': shape(() => cp.spawnSync('echo hi', { shell: bin, encoding: 'latin1' })),
    'spawnSync maxBuffer': shape(() => cp.spawnSync(bin, ['x'], { maxBuffer: 1 })),
    'execSync input': shape(() => cp.execSync('cat', { shell: bin, input: 'data' })),
    'execSync input encoding': shape(() =>
      cp.execSync('cat', { shell: bin, input: Buffer.from('data'), encoding: 'utf8' }),
    ),
    'execSync inherit': shape(() => cp.execSync('cat', { shell: bin, stdio: 'inherit' })),
    'execFileSync input': shape(() => cp.execFileSync(bin, ['x'], { input: 'data', encoding: 'utf8' })),
    'execFileSync stdio ignore timeout': shape(() => cp.execFileSync(bin, ['x'], { stdio: 'ignore', timeout: 10 })),
    'execFileSync windowsHide argv0': shape(() => cp.execFileSync(bin, ['x'], { windowsHide: true, argv0: 'zero' })),
  }
}

async function run(bin, skip = []) {
  const out = {}
  for (const [n, f] of Object.entries(vectors(bin))) {
    if (skip.includes(n)) {
      out[n] = 'skipped'
      continue
    }
    out[n] = await vector(f)
  }
  Object.assign(out, syncs(bin))
  return out
}
/** Vectors that signal the child at once: on Node 20, Node’s own failed child signals pid 0, its whole process group. */
const KILLS_AT_ONCE = ['kill at once', 'signal aborted at once']

module.exports = { run, KILLS_AT_ONCE }
