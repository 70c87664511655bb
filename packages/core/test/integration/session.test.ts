import path from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// The session API (@leakgate/core/session), driven as an adapter drives it, with real loopback
// sockets, a real child process and a real vm realm: attempts (concurrent, retried), the file's
// phases, late work, what is already shown, tests expected to fail, trusted framework paths,
// suspension between files. "Outside" is 127.0.0.2 (the probe treats only 127.0.0.1 and ::1 as
// this machine).

const SESSION = path.resolve(import.meta.dirname, '../../dist/session.cjs')

const LIFE = `
  const path = require('node:path'), vm = require('node:vm'), fs = require('node:fs'), os = require('node:os')
  const { openSession, LeakgateError } = require(${JSON.stringify(SESSION)})
  const outside = await kit.startTcp(kit.EXTERNAL)
  const hit = () => kit.connect(outside.port, kit.EXTERNAL)
  const out = {}

  // A framework that compiles code on its own account, from a path the session trusts.
  const fw = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-session-'))
  fs.mkdirSync(path.join(fw, 'node_modules', 'fakefw'), { recursive: true })
  fs.writeFileSync(path.join(fw, 'node_modules', 'fakefw', 'compile.js'), 'module.exports = (code) => new Function(code)')
  fs.mkdirSync(path.join(fw, 'node_modules', 'otherfw'), { recursive: true })
  fs.writeFileSync(path.join(fw, 'node_modules', 'otherfw', 'compile.js'), 'module.exports = (code) => new Function(code)')
  const trusted = require(path.join(fw, 'node_modules', 'fakefw', 'compile.js'))
  const untrusted = require(path.join(fw, 'node_modules', 'otherfw', 'compile.js'))

  // Before any session: the engine decides nothing yet.
  const context = vm.createContext({})
  const realm = vm.runInContext('globalThis', context)

  try { openSession({ framework: 'probe', options: { mode: 'enforcee' } }) } catch (error) { out.invalid = error.code }
  try { openSession({}) } catch (error) { out.noFramework = error instanceof TypeError }

  const session = openSession({
    framework: 'probe', version: '1.0.0',
    options: { local: ['127.0.0.1', '::1'], root: process.cwd() },
    trustedPaths: ['/node_modules/fakefw/'],
  })
  out.session = { mode: session.mode, enforcing: session.enforcing, framework: session.framework, version: session.version }
  const file = session.enterFile(path.join(process.cwd(), 'a.test.js'), { realm: globalThis })

  // Import phase, then hooks.
  out.phases = [file.phase]
  await file.run(() => hit())
  file.startHooks()
  out.phases.push(file.phase)
  file.enter()
  await hit()

  // Trusted framework code generation passes; the same from another package is a violation.
  out.trusted = (() => { try { trusted('return process.pid'); return 'ran' } catch (e) { return e.code } })()
  out.untrusted = (() => { try { untrusted('return process.pid'); return 'ran' } catch (e) { return e.code } })()

  // Concurrent attempts keep their own allowances and blame.
  const a = file.startAttempt('A'), b = file.startAttempt('B'), c = file.startAttempt('C')
  const results = await Promise.all([
    a.run(async () => { core.allowAudit({ net: [kit.EXTERNAL] }); await kit.sleep(20); return hit() }),
    b.run(async () => { await kit.sleep(10); return hit() }),
    c.run(async () => {
      await kit.sleep(5)
      return new Promise((resolve) => require('node:net').connect(outside.port, kit.EXTERNAL).on('error', resolve))
    }),
  ])
  const refusal = results[2]
  out.concurrent = results.map((r) => r.ok ? 'connected' : r.code)
  const endA = a.end()
  out.endA = { error: endA.error === undefined, records: endA.records.length }
  // B swallowed its refusal: it fails with one LeakgateError.
  const endB = b.end({ errors: [] })
  out.endB = {
    is: LeakgateError.is(endB.error), code: endB.error?.code, first: endB.error?.message.split('\\n')[0],
    codeEnumerable: Object.keys(endB.error ?? {}).includes('code'), records: endB.records.map((r) => [r.scope.test, r.scope.phase]),
    stackTop: /^\\s+at .*kit\\.cjs:\\d+:\\d+$/.test((endB.error?.stack ?? '').split('\\n').find((line) => /^\\s+at /.test(line)) ?? ''),
  }
  // C threw it through fetch-like wrapping: shown already (as the cause), put on top.
  const wrapper = new TypeError('fetch failed', { cause: refusal })
  const endC = c.end({ errors: [wrapper] })
  out.endC = {
    error: endC.error === undefined, unshown: endC.unshown.length,
    top: LeakgateError.is(endC.errors[0]), topCause: endC.errors[0]?.cause?.message, same: endC.errors[0] === wrapper,
  }

  // Several violations in one attempt: one error, the rest listed.
  const many = file.startAttempt('many')
  await many.run(async () => { await hit(); await hit(); try { new Function('return process.pid') } catch {} })
  const endMany = many.end()
  out.many = { unshown: endMany.unshown.length, more: /and 2 more violations:/.test(endMany.error?.message ?? '') }

  // Retries: a clean retry cannot hide the first attempt's violation.
  const first = file.startAttempt('flaky > retried', 'id-1')
  await first.run(() => hit())
  out.firstEnd = first.end().error !== undefined
  const second = file.startAttempt('flaky > retried', 'id-1')
  await second.run(() => kit.sleep(1))
  const endSecond = second.end()
  out.retry = { retry: second.retry, failed: endSecond.error !== undefined, records: endSecond.records.length }
  out.currentAttempt = file.currentAttempt('id-1') === second

  // A clean attempt, loopback traffic: nothing caught.
  const clean = file.startAttempt('clean')
  const local = await kit.startTcp('127.0.0.1')
  out.cleanConnect = (await clean.run(() => kit.connect(local.port, '127.0.0.1'))).ok
  await local.close()
  const endClean = clean.end()
  out.clean = { error: endClean.error, records: endClean.records.length, unshown: endClean.unshown.length }

  // The interceptors' state the engine holds, disturbed by a test: its end fails it, and puts it back.
  const state = core.getEngine().interceptorState
  const tamper = file.startAttempt('tampers with interceptor state')
  await tamper.run(() => { state.get('net').depth = 1; state.get('code').compileDepth = 2 })
  const endTamper = tamper.end()
  out.tamper = {
    code: endTamper.error?.code, test: endTamper.records.map((r) => r.scope.test),
    first: endTamper.error?.message.split('\\n')[0], depths: [state.get('net').depth, state.get('code').compileDepth],
  }

  // Sequential code outside run(): enter() makes the attempt current; end() gives it back.
  const seq = file.startAttempt('sequential')
  seq.enter()
  core.allowAudit({ net: [kit.EXTERNAL] })
  out.sequential = (await hit()).ok
  seq.end()
  out.afterSequential = (await hit()).code

  // A subtest (node:test's t.test()): the parent's allowance holds in it; another test's does not.
  const parent = file.startAttempt('parent')
  out.subtests = await parent.run(async () => {
    core.allowAudit({ net: [kit.EXTERNAL] })
    const sub = file.startAttempt('parent > sub', 'parent > sub', { within: parent })
    const viaParent = (await sub.run(() => hit())).ok
    const endSub = sub.end()
    const other = file.startAttempt('not a subtest')
    const unrelated = (await other.run(() => hit())).code
    other.end()
    return { viaParent, subError: endSub.error === undefined, subRecords: endSub.records.length, unrelated }
  })
  out.subtests.parentError = parent.end().error === undefined
  // Once the parent ended, a subtest started within it is the file's: no allowance of the parent.
  const orphanSub = file.startAttempt('parent > late sub', 'parent > late sub', { within: parent })
  out.subtests.afterParentEnded = (await orphanSub.run(() => hit())).code
  out.subtests.orphanFails = orphanSub.end().error !== undefined

  // Late work: an allowance ends with its test; the late violation fails the file.
  const late = file.startAttempt('starts a timer')
  late.run(() => { core.allowAudit({ net: [kit.EXTERNAL] }); setTimeout(() => hit().then((r) => { out.lateResult = r.code }), 30) })
  const endLate = late.end()
  out.lateEnd = endLate.error === undefined
  await kit.sleep(100)

  // Expected to fail: its violation fails the file, not the test.
  const expected = file.startAttempt('expected failure')
  await expected.run(() => hit())
  const endExpected = expected.end({ expectedToFail: true })
  out.expected = { error: endExpected.error === undefined, records: endExpected.records.length }

  const endFile = file.end()
  out.file = {
    is: LeakgateError.is(endFile.error),
    phases: endFile.records.map((r) => [r.scope.test ?? null, r.scope.phase]),
    note: /expected to fail/.test(endFile.error?.message ?? ''),
    text: endFile.error?.message.split('\\n')[0],
  }
  out.again = file.end().error === undefined && file.ended

  // A child process started by a test: its violation is the test's, its error rebuilt.
  const file2 = session.enterFile(path.join(process.cwd(), 'b.test.js'))
  file2.startHooks()
  const child = file2.startAttempt('spawns a child')
  await child.run(() => new Promise((resolve) => {
    core.allowAudit({ exec: [process.execPath] })
    const p = require('node:child_process').spawn(process.execPath, ['-e', \`require('node:net').connect(\${outside.port}, '\${kit.EXTERNAL}').on('error', () => {})\`], { stdio: 'ignore' })
    p.on('exit', resolve)
  }))
  const endChild = child.end()
  file2.end()
  out.child = {
    origin: endChild.records.map((r) => r.origin),
    error: endChild.error?.message.split('\\n')[0],
    inChild: /a child process/.test(endChild.error?.message ?? ''),
  }

  // A realm: audited while the file runs; untamed when it ends (releaseRealm 'untame').
  const file3 = session.enterFile(path.join(process.cwd(), 'c.test.js'), { realm, releaseRealm: 'untame' })
  out.realmFinds = realm[Symbol.for('leakgate.engine')] === core.getEngine()
  const inRealm = file3.startAttempt('realm')
  out.realmEval = inRealm.run(() => { try { return realm.Function('return 3')() } catch (e) { return e.code } })
  inRealm.end()
  file3.end()
  out.realmAfter = realm.Function('return 3')()

  // Suspended between files (a runner's own process): nothing audited until the next file.
  session.suspend()
  out.suspended = (await hit()).ok
  const file4 = session.enterFile(path.join(process.cwd(), 'd.test.js'))
  out.resumed = (await hit()).code
  file4.end()

  // Options replaced outside any test (install() at a file's top level, which is not tampering):
  // the next openSession() with the session's options applies them again, unchanged as they are.
  core.install({ local: ['127.0.0.1', '::1'], root: process.cwd(), allow: { net: [kit.EXTERNAL] } })
  openSession({ framework: 'probe', options: { local: ['127.0.0.1', '::1'], root: process.cwd() } })
  const file6 = session.enterFile(path.join(process.cwd(), 'f.test.js'))
  out.reapplied = (await file6.run(() => hit())).code
  file6.end()

  // Report mode: recorded, nothing fails. The run's sink gets every event at once.
  const sink = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-session-sink-'))
  const reporting = openSession({ framework: 'probe', sinkDir: sink, options: { mode: 'report', local: ['127.0.0.1', '::1'], root: process.cwd() } })
  out.sinkDir = reporting.sinkDir === sink
  const file5 = reporting.enterFile(path.join(process.cwd(), 'e.test.js'))
  const r = file5.startAttempt('report')
  out.reportConnect = (await r.run(() => hit())).ok
  const endReport = r.end()
  out.report = { error: endReport.error, records: endReport.records.length, fileError: file5.end().error }
  out.sunk = fs.readdirSync(sink).flatMap((name) => fs.readFileSync(path.join(sink, name), 'utf8').split('\\n'))
    .filter(Boolean).map((line) => JSON.parse(line)).filter((r) => r.event === 'net.connect').map((r) => [r.scope.test, r.blocked])

  await outside.close()
  return out
`

describe.each(nodes)('the session API on $label', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, LIFE, { timeout: 150_000 })).result
  }, 180_000)

  test('opens with validated options; a framework path alone trusts no code generation (operations do)', () => {
    expect(r.invalid).toBe('LEAKGATE_INVALID_OPTION')
    expect(r.noFramework).toBe(true)
    expect(r.session).toEqual({ mode: 'enforce', enforcing: true, framework: 'probe', version: '1.0.0' })
    // Trust is given to the framework's operations (trustedOperations), not to its frames: a
    // `new Function` from a listed path is decided like any other.
    expect(r.trusted).toBe('LEAKGATE_EVAL_BLOCKED')
    expect(r.untrusted).toBe('LEAKGATE_EVAL_BLOCKED')
  })

  test('concurrent attempts keep their allowances and blame; a swallowed violation fails with one branded error', () => {
    expect(r.concurrent).toEqual(['connected', 'LEAKGATE_NET_BLOCKED', 'LEAKGATE_NET_BLOCKED'])
    expect(r.endA).toEqual({ error: true, records: 0 })
    expect(r.endB).toMatchObject({
      is: true,
      code: 'LEAKGATE_NET_BLOCKED',
      first: 'blocked net.connect to "127.0.0.2:' + r.endB.first.split(':')[1],
      codeEnumerable: false,
      records: [['B', 'test']],
      stackTop: true,
    })
  })

  test('a violation already shown (as the cause of the error thrown) is not shown again; ours goes on top', () => {
    expect(r.endC).toEqual({ error: true, unshown: 0, top: true, topCause: 'fetch failed', same: false })
  })

  test('several violations make one error that lists the rest', () => {
    expect(r.many).toEqual({ unshown: 3, more: true })
  })

  test('a clean retry cannot hide the violation of an earlier attempt', () => {
    expect(r.firstEnd).toBe(true)
    expect(r.retry).toEqual({ retry: 1, failed: true, records: 1 })
    expect(r.currentAttempt).toBe(true)
  })

  test('nothing is caught where nothing should be', () => {
    expect(r.cleanConnect).toBe(true)
    expect(r.clean).toEqual({ records: 0, unshown: 0 })
    expect(r.report).toEqual({ records: 1 })
    expect(r.reportConnect).toBe(true)
    expect(r.sinkDir).toBe(true)
    expect(r.sunk).toEqual([['report', false]])
  })

  test('interceptor state left disturbed fails the test that left it and is put back', () => {
    expect(r.tamper).toEqual({
      code: 'LEAKGATE_TAMPERED',
      test: ['tampers with interceptor state'],
      first:
        "the guard was tampered with (leakgate.integrity): the net interceptors' approval depth was changed; the code generation interceptors' compile depth was changed (LEAKGATE_TAMPERED)",
      depths: [0, 0],
    })
  })

  test('a subtest runs under its parent attempt: the parent allowance holds while the parent runs', () => {
    expect(r.subtests).toEqual({
      viaParent: true,
      subError: true,
      subRecords: 0,
      unrelated: 'LEAKGATE_NET_BLOCKED',
      parentError: true,
      afterParentEnded: 'LEAKGATE_NET_BLOCKED',
      orphanFails: true,
    })
  })

  test('enter() scopes sequential code to the attempt until it ends', () => {
    expect(r.sequential).toBe(true)
    expect(r.afterSequential).toBe('LEAKGATE_NET_BLOCKED')
  })

  test('import, hook and late work fail the file; an allowance ends with its test; expected failures fail the file', () => {
    expect(r.phases).toEqual(['import', 'hook'])
    expect(r.lateEnd).toBe(true)
    expect(r.lateResult).toBe('LEAKGATE_NET_BLOCKED')
    expect(r.expected).toEqual({ error: true, records: 1 })
    expect(r.file.is).toBe(true)
    expect(r.file.phases).toEqual([
      [null, 'import'],
      [null, 'hook'],
      [null, 'hook'],
      [null, 'hook'],
      [null, 'hook'],
      ['starts a timer', 'late'],
      ['expected failure', 'test'],
    ])
    expect(r.file.note).toBe(true)
    expect(r.again).toBe(true)
  })

  test("a child process's violation is its test's, with an error rebuilt from its record", () => {
    expect(r.child.origin).toEqual(['child'])
    expect(r.child.error).toMatch(/^blocked net\.connect to "127\.0\.0\.2:\d+" \(LEAKGATE_NET_BLOCKED\)$/)
    expect(r.child.inChild).toBe(true)
  })

  test("a file's realm is audited while it runs, finds the engine, and is untamed at its end", () => {
    expect(r.realmFinds).toBe(true)
    expect(r.realmEval).toBe('LEAKGATE_EVAL_BLOCKED')
    expect(r.realmAfter).toBe(3)
  })

  test('suspend() stops auditing in the main process until the next file', () => {
    expect(r.suspended).toBe(true)
    expect(r.resumed).toBe('LEAKGATE_NET_BLOCKED')
  })

  test('options replaced outside any test are applied again by the next openSession with the same options', () => {
    expect(r.reapplied).toBe('LEAKGATE_NET_BLOCKED')
  })
})
