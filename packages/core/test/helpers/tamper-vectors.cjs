// Run with `node --require <core>/dist/register.cjs tamper-vectors.cjs` and TAMPER=<vector>: the
// program disturbs the guard one way, then tries a process and code from a string, and prints
// what happened to them as JSON. The exit code and stderr say what leakgate made of it.
const childProcess = require('node:child_process')
const dc = require('node:diagnostics_channel')
const Module = require('node:module')
const core = require(process.env.LEAKGATE_CORE)

/** Call sites that look like a TypeScript loader's (trusted to compile code) to a reader of frames. */
function forgedSites() {
  const site = {
    getFileName: () => '/app/node_modules/tsx/dist/cjs/index.cjs',
    getScriptNameOrSourceURL: () => '/app/node_modules/tsx/dist/cjs/index.cjs',
    getLineNumber: () => 1,
    getColumnNumber: () => 1,
    getFunctionName: () => null,
    getTypeName: () => null,
    getMethodName: () => null,
    getEvalOrigin: () => undefined,
    isEval: () => false,
    isNative: () => false,
    isToplevel: () => true,
    isConstructor: () => false,
  }
  return [site, site, site]
}

const vectors = {
  clean() {},
  active() {
    core.getEngine().active = false
  },
  uninstall() {
    core.uninstall()
  },
  install() {
    core.install({ allow: { exec: true, eval: true } })
  },
  spy() {
    // What vi.spyOn / jest.spyOn do to a module's export: the test's to mock, not tampering.
    childProcess.execFileSync = function execFileSync() {
      return Buffer.from('')
    }
  },
  native() {
    // The native layer below child_process, reachable from a ChildProcess's handle.
    Object.getPrototypeOf(new childProcess.ChildProcess()._handle).spawn = function spawn() {
      return 0
    }
  },
  compile() {
    const compile = Module.prototype._compile
    Module.prototype._compile = function _compile(content, filename) {
      return compile.call(this, content, filename)
    }
  },
  binding() {
    const binding = process.binding
    process.binding = function binding_(name) {
      return binding.call(process, name)
    }
  },
  execve() {
    const channel = dc.channel('process.execve')
    for (const subscriber of [...(channel._subscribers ?? [])]) channel.unsubscribe(subscriber)
  },
  capture() {
    Error.captureStackTrace = function captureStackTrace(holder) {
      holder.stack = forgedSites()
    }
  },
  prepare() {
    Object.defineProperty(Error, 'prepareStackTrace', {
      get: () => () => forgedSites(),
      set() {},
      configurable: true,
    })
  },
  pollute() {
    Object.prototype.benign = 'anything'
  },
  realm() {
    Object.defineProperty(Function.prototype, 'constructor', { value: function NotFunction() {} })
  },
  approvals() {
    // The net family's approval depth: the dns layer once let every lookup through while > 0.
    core.getEngine().interceptorState.get('net').depth = 1
  },
  compileDepth() {
    // The code generation family's compile depth: inspectEval skips what compiles while > 0.
    core.getEngine().interceptorState.get('code').compileDepth = 1
  },
  state() {
    core.getEngine().interceptorState.set('code', {})
  },
}

/**
 * With TAMPER_LOOKUP (run in a fresh network namespace only): a lookup of a name no rule allows,
 * and a connect to a name LEAKGATE_OPTIONS allows (its lookup fails in the namespace, as Node's).
 */
async function lookups() {
  if (!process.env.TAMPER_LOOKUP) return {}
  const dns = require('node:dns')
  const net = require('node:net')
  const lookup = await new Promise((resolve) =>
    dns.lookup('blocked.example', (error) => resolve(error?.code ?? 'resolved')),
  )
  const connect = await new Promise((resolve) => {
    const socket = net.connect({ host: 'allowed.example', port: 9 })
    socket.on('error', (error) => resolve(error.code))
    socket.on('connect', () => {
      socket.destroy()
      resolve('connected')
    })
  })
  return { lookup, connect }
}

function attempt(fn) {
  try {
    fn()
    return 'ran'
  } catch (error) {
    return error.code ?? error.message
  }
}

vectors[process.env.TAMPER]()
const result = {
  exec: attempt(() => childProcess.execFileSync('true')),
  eval: attempt(() => new Function('return 1')()),
}
lookups().then((more) => process.stdout.write(`${JSON.stringify({ ...result, ...more })}\n`))
