import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'
import { VIOLATION_TRIPLE, workerEngine, workerFiles } from '../helpers/worker-probe.js'

// Module loader hooks (issue 12.5). `module.register()` (Node 20.6+) runs hooks modules in Node's
// loader thread, an internal worker that skips `--require` preloads: a hooks module's top level,
// its `initialize` and its `resolve`/`load` hooks connected and spawned unseen. The loader thread
// is now guarded like any worker: the policy and the scope of the test that registered. A hooks
// module given as a data: URL is code from a string. A message of the code's own that looks like
// Node's register request is left as it is.

const probeBody = (allow: string) => `${workerFiles('leakgate-loader-')}
  const { register } = Module
  const { MessageChannel, receiveMessageOnPort } = require('node:worker_threads')
  const hooks = path.join(dir, 'hooks.mjs')
  fs.writeFileSync(hooks, \`
    import net from 'node:net'
    import { execFileSync } from 'node:child_process'
    let d
    const connect = () => new Promise((resolve) => net.connect(d.port, d.host).on('connect', function () { this.destroy(); resolve('connected') }).on('error', (e) => resolve(e.code)))
    const spawn = () => { try { execFileSync('true'); return 'ran' } catch (e) { return e.code } }
    export async function initialize(data) { d = data; d.reply.postMessage({ at: 'initialize', net: await connect(), exec: spawn() }) }
    export async function resolve(specifier, context, next) {
      if (specifier !== 'leakgate-probe:net') return next(specifier, context)
      d.reply.postMessage({ at: 'resolve', net: await connect() })
      return { url: 'node:os', shortCircuit: true }
    }
  \`)
  const outside = await kit.startTcp(kit.EXTERNAL)
${workerEngine({ violation: VIOLATION_TRIPLE })}
  const replies = (port, count) => new Promise((resolve) => { const got = []; port.on('message', (m) => { got.push(m); if (got.length === count) { port.close(); resolve(got) } }) })
  const r = {}
  r.hooks = await inTest('loader hooks', async () => {
    ${allow}
    const { port1, port2 } = new MessageChannel()
    const got = replies(port1, 2)
    register(hooks, 'file://' + dir + '/', { data: { host: kit.EXTERNAL, port: outside.port, reply: port2 }, transferList: [port2] })
    const os = await import('leakgate-probe:net')
    return { replies: await got, imported: typeof os.cpus }
  })
  r.dataHooks = await inTest('data hooks', () => {
    ${allow}
    try { register('data:text/javascript,export async function initialize() { globalThis.ran = true }'); return 'registered' } catch (e) { return kit.describeError(e) }
  })
  r.lookAlike = await inTest('look-alike message', () => {
    const { port1, port2 } = new MessageChannel()
    const message = { method: 'register', args: ['./mine.mjs', 'file:///x/', { mine: 1 }, null] }
    port2.postMessage(message)
    const got = receiveMessageOnPort(port1).message
    port1.close()
    return got
  })
  await outside.close()
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

describe.each(nodes)('module loader hooks on $label', ({ bin }) => {
  let refused: Probed
  let allowed: Probed
  beforeAll(async () => {
    const [a, b] = await Promise.all([
      probe(bin, probeBody(''), { timeout: 90_000 }),
      probe(bin, probeBody(`core.allowAudit({ net: [kit.EXTERNAL], exec: ['true'], eval: true })`), {
        timeout: 90_000,
      }),
    ])
    refused = a.result
    allowed = b.result
  }, 120_000)

  test("a hooks module's initialize and resolve run guarded in the loader thread; the test gets their violations", () => {
    expect(refused.hooks.value).toEqual({
      replies: [
        { at: 'initialize', net: 'LEAKGATE_NET_BLOCKED', exec: 'LEAKGATE_EXEC_BLOCKED' },
        { at: 'resolve', net: 'LEAKGATE_NET_BLOCKED' },
      ],
      imported: 'function',
    })
    expect(refused.hooks.violations).toEqual([
      ['net.connect', 'worker', 'loader hooks'],
      ['child_process.execFileSync', 'worker', 'loader hooks'],
      ['net.connect', 'worker', 'loader hooks'],
    ])
  })

  test("the test's allowance reaches the loader thread, and loading the hooks module is no event", () => {
    expect(allowed.hooks).toEqual({
      value: {
        replies: [
          { at: 'initialize', net: 'connected', exec: 'ran' },
          { at: 'resolve', net: 'connected' },
        ],
        imported: 'function',
      },
      violations: [],
    })
  })

  test('a hooks module from a data: URL is code from a string', () => {
    expect(refused.dataHooks.value).toMatchObject({ code: 'LEAKGATE_EVAL_BLOCKED' })
    expect(refused.dataHooks.violations).toEqual([['module.register(data:)', 'self', 'data hooks']])
    expect(allowed.dataHooks.value).toBe('registered')
  })

  test("a message of the code's own shaped like Node's register request is not touched", () => {
    const message = { method: 'register', args: ['./mine.mjs', 'file:///x/', { mine: 1 }, null] }
    expect(refused.lookAlike).toEqual({ value: message, violations: [] })
  })
})
