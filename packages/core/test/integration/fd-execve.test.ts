import { describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// The two paths below every layer: a socket adopted from an fd a parent passed in (no connect
// happens in the adopting process), and a process.execve reference captured before install
// (it cannot be stopped, so the process is: fail closed).

const ADOPT = `
  const net = require('node:net'), cp = require('node:child_process'), path = require('node:path'), fs = require('node:fs'), os = require('node:os')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-fd-'))
  const child = path.join(dir, 'adopt.js')
  fs.writeFileSync(child, "const net = require('node:net'); try { const s = new net.Socket({ fd: 3 }); s.destroy(); console.log('adopted') } catch (e) { console.log('refused ' + e.code) }")
  // Servers that keep their connections open until closed.
  const hold = (host) => new Promise((resolve) => {
    const open = new Set()
    const server = net.createServer((socket) => { open.add(socket); socket.on('error', () => {}) })
    server.listen(0, host, () => resolve({ port: server.address().port, close: () => { for (const s of open) s.destroy(); return new Promise((done) => server.close(done)) } }))
  })
  const outside = await hold(kit.EXTERNAL)
  const local = await hold('127.0.0.1')
  const connectTo = (host, port) => new Promise((resolve, reject) => { const s = net.connect(port, host, () => resolve(s)); s.on('error', reject) })
  // Connected before install: the guard never saw these connects.
  const toOutside = await connectTo(kit.EXTERNAL, outside.port)
  const toLocal = await connectTo('127.0.0.1', local.port)
  const engine = core.install({ local: ['127.0.0.1', '::1'] })
  const file = engine.enterFile(path.join(dir, 'fd.test.js'))
  const adopt = (name, socket, allow) => {
    const scope = engine.createTestScope(name, file)
    return engine.runInScope(scope, () => new Promise((resolve) => {
      core.allowAudit({ exec: ['node'], ...allow })
      const c = cp.spawn(process.execPath, [child], { stdio: ['ignore', 'pipe', 'inherit', socket] })
      let out = ''
      c.stdout.on('data', (d) => { out += d })
      c.on('close', () => { engine.endScope(scope); resolve({ out: out.trim(), violations: engine.violationsOf(scope).map((v) => v.event + ' ' + v.target) }) })
    }))
  }
  const r = {}
  r.outside = await adopt('adopts an outside connection', toOutside, {})
  r.allowed = await adopt('adopts it with the address allowed', toOutside, { net: [kit.EXTERNAL] })
  r.local = await adopt('adopts a loopback connection', toLocal, {})
  toOutside.destroy(); toLocal.destroy(); await outside.close(); await local.close()
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

describe.each(nodes)('sockets adopted from an fd on $label', ({ bin }) => {
  test('an outside peer is refused in the adopting process, allowed by a rule, and loopback is untouched', async () => {
    const { result } = await probe<Probed>(bin, ADOPT, { timeout: 60_000 })
    expect(result.outside).toEqual({
      out: 'refused EPERM',
      violations: [expect.stringMatching(/^net\.Socket\(\{ fd \}\) 127\.0\.0\.2:\d+$/)],
    })
    expect(result.allowed).toEqual({ out: 'adopted', violations: [] })
    expect(result.local).toEqual({ out: 'adopted', violations: [] })
  })
})

describe.each(nodes)('process.execve captured before install on $label', ({ bin }) => {
  test('fails closed: the process stops before the program is replaced', async () => {
    const run = await probe<Probed>(
      bin,
      `if (typeof process.execve !== 'function') return { absent: true, major: Number(process.versions.node.split('.')[0]) }
       const captured = process.execve
       core.install({})
       captured('/bin/echo', ['echo', 'replaced the process'])
       return { survived: true }`,
    ).catch((error: Error) => ({ result: { crashed: error.message } as Probed }))
    const result = run.result
    if (result.absent) {
      expect(result.major, 'process.execve exists from Node 22').toBeLessThan(22)
      return
    }
    expect(result.crashed).toContain('did not report (exit 1)')
    expect(result.crashed).toContain(
      'blocked process.execve of "echo \'replaced the process\'" (LEAKGATE_EXEC_BLOCKED)',
    )
    expect(result.crashed).toContain('leakgate stopped this process before process.execve ran.')
    expect(result.crashed).not.toMatch(/^replaced the process$/m)
  })
})
