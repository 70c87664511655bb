// Argument shapes Node accepts (and some it rejects), generated with fast-check, for the
// property "the guard never changes what a call does": the same call, unguarded and guarded
// (with a policy that allows it), has the same outcome, the same result or the same error class
// and code, and the guard's own code never throws. Values are generated as recipes and built
// fresh for each run, so an object whose toString counts its calls starts over each time.
const cp = require('node:child_process')
const dgram = require('node:dgram')
const dns = require('node:dns')
const http = require('node:http')
const net = require('node:net')

/** A value Node may be handed where it expects a string, built from a recipe. */
function buildValue(recipe) {
  switch (recipe.kind) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return recipe.value
    case 'null':
      return null
    case 'undefined':
      return undefined
    case 'symbol':
      return Symbol(recipe.value)
    case 'toString':
      return { toString: () => recipe.value }
    case 'toPrimitive':
      return { [Symbol.toPrimitive]: (hint) => `${hint}:${recipe.value}`, toString: () => 'not this' }
    case 'valueOf':
      return { valueOf: () => recipe.value, toString: () => String(recipe.value) }
    case 'throwing':
      return {
        toString() {
          throw new RangeError('no string here')
        },
      }
    case 'buffer':
      return Buffer.from(recipe.value)
    case 'url':
      return new URL(`http://127.0.0.1/${encodeURIComponent(recipe.value)}`)
    case 'array':
      return [recipe.value, 1]
    case 'object':
      return {}
    case 'date':
      return new Date(0)
    default:
      throw new Error(`no recipe ${recipe.kind}`)
  }
}

function valueRecipes(fc) {
  const text = fc.string({ maxLength: 6 })
  return fc.oneof(
    text.map((value) => ({ kind: 'string', value })),
    fc
      .oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, Number.NaN, Infinity))
      .map((value) => ({ kind: 'number', value })),
    fc.boolean().map((value) => ({ kind: 'boolean', value })),
    fc.bigInt({ min: -99n, max: 99n }).map((value) => ({ kind: 'bigint', value })),
    fc.constantFrom({ kind: 'null' }, { kind: 'undefined' }, { kind: 'object' }, { kind: 'date' }),
    fc.constantFrom({ kind: 'throwing' }),
    text.map((value) => ({ kind: 'symbol', value })),
    text.map((value) => ({ kind: 'toString', value })),
    text.map((value) => ({ kind: 'toPrimitive', value })),
    fc.integer().map((value) => ({ kind: 'valueOf', value })),
    text.map((value) => ({ kind: 'buffer', value })),
    text.map((value) => ({ kind: 'url', value })),
    text.map((value) => ({ kind: 'array', value })),
  )
}

/** Marks an error thrown from a frame of the guard; shown when outcomes differ, never compared. */
const GUARD_FRAME = Symbol('thrown in the guard')

/** A thrown error or a failure, as compared: its class and its code, never its message. */
function describeFailure(error) {
  if (!error || typeof error !== 'object') return { threw: typeof error, value: String(error) }
  const top = String(error.stack ?? '')
    .split('\n')
    .find((line) => line.trimStart().startsWith('at '))
  return {
    name: error.constructor?.name,
    code: error.code,
    message: String(error.message).split('\n')[0],
    // Where it was thrown: the guard's own code (or a native call it made), not compared.
    [GUARD_FRAME]: !error.code?.startsWith?.('LEAKGATE_') && /packages[\\/]core[\\/]dist[\\/]/.test(top ?? ''),
  }
}

function attempt(run) {
  try {
    return { returned: run() }
  } catch (error) {
    return { threw: describeFailure(error) }
  }
}

async function attemptAsync(run) {
  try {
    return { returned: await run() }
  } catch (error) {
    return { threw: describeFailure(error) }
  }
}

// ---- processes ---------------------------------------------------------------------------

const PRINTF = '/usr/bin/printf'

function childOutcome(child) {
  return new Promise((resolve) => {
    let stdout = ''
    let failure
    child.stdout?.on('data', (chunk) => {
      stdout += chunk
    })
    child.on('error', (error) => {
      failure = describeFailure(error)
    })
    child.on('close', (code) => resolve(failure ? { failed: failure, code } : { stdout, code }))
  })
}

const processCalls = {
  spawnSync: (values) => {
    const result = cp.spawnSync(PRINTF, ['[%s]', ...values])
    return result.error
      ? { failed: describeFailure(result.error) }
      : { stdout: String(result.stdout), status: result.status }
  },
  execFileSync: (values) =>
    String(cp.execFileSync(PRINTF, ['[%s]', ...values], { stdio: ['ignore', 'pipe', 'ignore'] })),
  spawn: (values) => childOutcome(cp.spawn(PRINTF, ['[%s]', ...values])),
  execFile: (values) =>
    new Promise((resolve) => {
      cp.execFile(PRINTF, ['[%s]', ...values], (error, stdout) =>
        resolve(error ? { failed: describeFailure(error) } : { stdout: String(stdout) }),
      )
    }),
}

/** The argv a program receives, for every way to start it. */
function processProperty(fc) {
  return fc
    .record({
      api: fc.constantFrom(...Object.keys(processCalls)),
      values: fc.array(valueRecipes(fc), { maxLength: 4 }),
    })
    .filter(
      // When execFile's program fails (a refusal too), Node's own error path joins the args
      // into `error.cmd`, outside any caller's reach: a Symbol, or a toString that throws, is
      // an uncaught exception there, with or without the guard.
      ({ api, values }) =>
        api !== 'execFile' || !values.some((value) => value.kind === 'throwing' || value.kind === 'symbol'),
    )
}

async function runProcessCall({ api, values }) {
  return attemptAsync(() => processCalls[api](values.map(buildValue)))
}

// ---- TCP ---------------------------------------------------------------------------------

function hostRecipes(fc) {
  return fc.oneof(
    fc.constantFrom('127.0.0.1', 'localhost', 'LOCALHOST', '::1', '0x7f.1', '2130706433', '127.1', '::ffff:127.0.0.1'),
    fc.constantFrom('', undefined, null, 0, 2130706433, true),
    // An object that reads as an address aborts Node 20 in TCPWrap::Connect (a C++ assertion),
    // unguarded: only one that reads as a name (Node then refuses it) is generated.
    fc.constant({ kind: 'toString', value: 'localhost' }),
  )
}

function portRecipes(fc) {
  return fc.oneof(
    fc.constantFrom('server', 'server as string', 'server padded'),
    fc.constantFrom(-1, 65536, 1.5, Number.NaN, '', 'abc', undefined, null),
    fc.constant('server as valueOf'),
  )
}

function buildHost(recipe) {
  return recipe !== null && typeof recipe === 'object' ? buildValue(recipe) : recipe
}

function buildPort(recipe, port) {
  if (recipe === 'server') return port
  if (recipe === 'server as string') return String(port)
  if (recipe === 'server padded') return ` ${port} `
  if (recipe === 'server as valueOf') return { valueOf: () => port }
  return recipe
}

function connectOutcome(make) {
  return new Promise((resolve) => {
    let socket
    try {
      socket = make(() => {})
    } catch (error) {
      resolve({ threw: describeFailure(error) })
      return
    }
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({ hung: true })
    }, 3000)
    const done = (outcome) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    socket.once('connect', () => done({ connected: true }))
    socket.once('secureConnect', () => done({ connected: true }))
    socket.once('response', (response) => {
      response.resume()
      done({ status: response.statusCode })
    })
    socket.once('error', (error) => done({ failed: describeFailure(error) }))
  })
}

const connectForms = {
  'net.connect(port, host)': (host, port) => net.connect(port, host),
  'net.connect(options)': (host, port) => net.connect({ host, port }),
  'net.createConnection(options, cb)': (host, port, cb) => net.createConnection({ host, port }, cb),
  'new Socket().connect(options)': (host, port) => new net.Socket().connect({ host, port }),
  'new Socket().connect(port, host, cb)': (host, port, cb) => new net.Socket().connect(port, host, cb),
  'http.get(options)': (host, port) => http.get({ host, port, path: '/', agent: false }),
  'http.request(options) with family 4': (host, port) =>
    http.request({ host, port, path: '/', family: 4, agent: false }).end(),
}

function connectProperty(fc) {
  return fc.record({
    form: fc.constantFrom(...Object.keys(connectForms)),
    host: hostRecipes(fc),
    port: portRecipes(fc),
  })
}

function runConnect({ form, host, port }, serverPort) {
  return connectOutcome((cb) => connectForms[form](buildHost(host), buildPort(port, serverPort), cb))
}

// ---- DNS ---------------------------------------------------------------------------------

function lookupProperty(fc) {
  return fc.record({
    api: fc.constantFrom(
      'dns.lookup',
      'dns.promises.lookup',
      'dns.lookupService',
      'resolver.resolve4',
      'resolver.reverse',
    ),
    host: fc.oneof(
      fc.constantFrom('localhost', 'LOCALHOST', '127.0.0.1', '::1', 'example.test', ''),
      fc.constantFrom(undefined, null, 0, 5, true),
      // An object that reads as an address aborts Node 20 and 22 in getnameinfo (a C++
      // assertion), unguarded: only one that reads as a name is generated.
      fc.constant({ kind: 'toString', value: 'localhost' }),
    ),
    options: fc.constantFrom(
      undefined,
      4,
      6,
      0,
      5,
      { family: 4 },
      { all: true },
      { hints: dns.ADDRCONFIG },
      { verbatim: true },
    ),
    port: fc.constantFrom(22, '22', -1, undefined),
  })
}

function settle(run) {
  return new Promise((resolve) => {
    let timer
    const done = (outcome) => {
      clearTimeout(timer)
      resolve(outcome)
    }
    timer = setTimeout(() => done({ hung: true }), 4000)
    try {
      run(done)
    } catch (error) {
      done({ threw: describeFailure(error) })
    }
  })
}

const answered =
  (done) =>
  (error, ...values) =>
    done(error ? { failed: describeFailure(error) } : { values: JSON.parse(JSON.stringify(values)) })

function runLookup({ api, host, options, port }, resolver) {
  let name = buildHost(host)
  // dns.lookup asks the system's resolver: never a name that could leave the machine.
  if (name === 'example.test' && !api.startsWith('resolver')) name = 'localhost'
  return settle((done) => {
    if (api === 'dns.lookup') {
      if (options === undefined) dns.lookup(name, answered(done))
      else dns.lookup(name, options, answered(done))
    } else if (api === 'dns.promises.lookup') {
      dns.promises.lookup(name, options).then(
        (value) => done({ values: [value] }),
        (error) => done({ failed: describeFailure(error) }),
      )
    } else if (api === 'dns.lookupService') {
      dns.lookupService(name, port, answered(done))
    } else if (api === 'resolver.resolve4') {
      resolver.resolve4(name, answered(done))
    } else {
      resolver.reverse(name, answered(done))
    }
  })
}

// ---- UDP ---------------------------------------------------------------------------------

function sendProperty(fc) {
  return fc.record({
    form: fc.constantFrom(
      'send(msg, port, address, cb)',
      'send(msg, offset, length, port, address, cb)',
      'send([msgs], port, address, cb)',
      'send(msg, port, cb)',
    ),
    address: fc.oneof(
      fc.constantFrom('127.0.0.1', 'localhost', '0x7f.1', '::1', undefined, null, ''),
      fc.constant({ kind: 'toString', value: '127.0.0.1' }),
    ),
    port: portRecipes(fc),
  })
}

function runSend({ form, address, port }, serverPort) {
  return settle((done) => {
    const socket = dgram.createSocket('udp4')
    const finish = (outcome) => {
      socket.close()
      done(outcome)
    }
    socket.on('error', (error) => finish({ failed: describeFailure(error) }))
    const cb = (error, bytes) => finish(error ? { failed: describeFailure(error) } : { bytes })
    const to = buildPort(port, serverPort)
    const host = buildHost(address)
    try {
      if (form === 'send(msg, port, address, cb)') socket.send('ping', to, host, cb)
      else if (form === 'send(msg, offset, length, port, address, cb)')
        socket.send(Buffer.from('xping'), 1, 4, to, host, cb)
      else if (form === 'send([msgs], port, address, cb)') socket.send(['pi', 'ng'], to, host, cb)
      else socket.send('ping', to, cb)
    } catch (error) {
      socket.close()
      done({ threw: describeFailure(error) })
    }
  })
}

module.exports = {
  GUARD_FRAME,
  buildValue,
  valueRecipes,
  describeFailure,
  attempt,
  processProperty,
  runProcessCall,
  connectProperty,
  runConnect,
  lookupProperty,
  runLookup,
  sendProperty,
  runSend,
}
