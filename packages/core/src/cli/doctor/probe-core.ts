import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Finding } from './inspect.js'

// The core probe: a plain Node process with @leakgate/core/register, in enforce mode, told that
// only 127.0.0.1 is this machine. It compiles a string, starts `true`, and connects to 127.0.0.2
// (another loopback address: even if the guard failed, nothing would leave the machine). Each of
// the three must fail with leakgate's code, or the guard does not work here.

const PROBE = `
const results = {}
const code = (error) => (error && (error.code || error.message)) || String(error)
try { new Function('return 1'); results.eval = 'not blocked' } catch (error) { results.eval = code(error) }
try {
  const run = require('node:child_process').spawnSync('true')
  results.exec = run.error ? code(run.error) : 'not blocked'
} catch (error) { results.exec = code(error) }
const net = require('node:net')
const server = net.createServer((socket) => socket.destroy())
let finished = false
const finish = (value, socket) => {
  if (finished) return
  finished = true
  results.net = value
  if (socket) socket.destroy()
  server.close()
  process.stdout.write(JSON.stringify(results))
}
server.listen(0, '127.0.0.1', () => {
  let socket
  try {
    socket = net.connect(server.address().port, '127.0.0.2')
    socket.on('connect', () => finish('not blocked: it connected', socket))
    socket.on('error', (error) => finish(code(error), socket))
  } catch (error) { finish(code(error)) }
  setTimeout(() => finish('not blocked: no answer', socket), 3000).unref()
})
`

const EXPECTED = { eval: 'LEAKGATE_EVAL_BLOCKED', exec: 'LEAKGATE_EXEC_BLOCKED', net: 'LEAKGATE_NET_BLOCKED' } as const

export function probeCore(registerPath: string, cwd: string): Finding {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-doctor-'))
  try {
    const script = path.join(dir, 'probe.cjs')
    fs.writeFileSync(script, PROBE)
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LEAKGATE_MODE: 'enforce',
      LEAKGATE_OPTIONS: JSON.stringify({ mode: 'enforce', local: ['127.0.0.1'] }),
    }
    delete env.LEAKGATE_SINK_DIR
    delete env.LEAKGATE_CONTEXT
    delete env.NODE_OPTIONS
    const run = spawnSync(process.execPath, ['--require', registerPath, script], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 20_000,
    })
    if (run.error || run.status !== 0) {
      const why =
        run.error?.message ??
        (run.stderr
          .trim()
          .split('\n')
          .find((line) => /Error|error/.test(line)) ||
          `exit code ${run.status}`)
      return { status: 'fail', topic: 'probe: core', detail: `the probe process failed: ${why}` }
    }
    let results: Record<string, string>
    try {
      results = JSON.parse(run.stdout) as Record<string, string>
    } catch {
      return { status: 'fail', topic: 'probe: core', detail: `unexpected probe output: ${run.stdout.slice(0, 200)}` }
    }
    const missed = (Object.keys(EXPECTED) as Array<keyof typeof EXPECTED>).filter(
      (key) => results[key] !== EXPECTED[key],
    )
    if (missed.length > 0) {
      return {
        status: 'fail',
        topic: 'probe: core',
        detail: `not blocked in a plain Node process: ${missed.map((key) => `${key} (${results[key]})`).join(', ')}`,
      }
    }
    return {
      status: 'ok',
      topic: 'probe: core',
      detail: 'eval, exec and a connection to 127.0.0.2 were blocked (enforce mode)',
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
