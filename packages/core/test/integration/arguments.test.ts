import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// The guard never throws on input Node accepts, and never changes what a call does: for every
// interceptor, argument shapes generated with fast-check (numbers, objects with toString,
// Symbols, Buffers, URLs, missing optional arguments, bad ports ...) are run unguarded and
// guarded by a policy that allows them; the outcomes must be the same (the same result, or the
// same error class and code), and no error may come from the guard's own code. Targets are
// loopback servers only.

const here = path.dirname(fileURLToPath(import.meta.url))
const HELPER = path.join(here, '../helpers/arguments.cjs')
const RESPONDER = path.join(here, '../helpers/dns-responder.cjs')
const FAST_CHECK = createRequire(import.meta.url).resolve('fast-check')
const SEED = Number(process.env.LEAKGATE_FC_SEED ?? 20261130)

const PROBE = `
  const fc = require(${JSON.stringify(FAST_CHECK)})
  const args = require(${JSON.stringify(HELPER)})
  const { startDnsResponder } = require(${JSON.stringify(RESPONDER)})
  const http = require('node:http'), dgram = require('node:dgram'), dns = require('node:dns')
  const server = http.createServer((q, s) => s.end('ok'))
  await new Promise((resolve) => server.listen(0, '::', resolve))
  const serverPort = server.address().port
  const udp = dgram.createSocket('udp4')
  await new Promise((resolve) => udp.bind(0, '127.0.0.1', resolve))
  const responder = await startDnsResponder('127.0.0.1')
  const resolver = new dns.Resolver({ timeout: 1000, tries: 1 })
  resolver.setServers([responder.server])

  // One input: unguarded, then guarded by each policy that allows it. Same outcome, or the
  // difference the policy explains (an argv pattern cannot allow an unreadable argument).
  const compare = (run, policies, explained = () => false) => async (input) => {
    core.uninstall()
    const unguarded = await run(input)
    for (const policy of policies) {
      core.install(policy)
      const guarded = await run(input)
      core.uninstall()
      if (JSON.stringify(guarded) !== JSON.stringify(unguarded) && !explained(input, policy, guarded)) {
        const where = guarded.threw?.[args.GUARD_FRAME] ? ' (thrown in the guard)' : ''
        throw new Error('differs' + where + ': ' + JSON.stringify({ policy, unguarded, guarded }))
      }
    }
    return true
  }
  const check = async (name, arbitrary, property, numRuns) => {
    const out = await fc.check(fc.asyncProperty(arbitrary, property), { seed: ${SEED}, numRuns })
    return { runs: out.numRuns, failed: out.failed, counterexample: out.failed ? JSON.stringify(out.counterexample, (k, v) => typeof v === 'bigint' ? v + 'n' : v) : undefined, error: out.failed ? String(out.errorInstance?.message ?? out.error).slice(0, 1500) : undefined }
  }
  const unreadable = (input) => input.values.some((v) => v.kind === 'throwing' || v.kind === 'symbol')
  const r = {}
  r.processes = await check('processes', args.processProperty(fc), compare(args.runProcessCall, [
    { allow: { exec: ['printf'] } },
    { allow: { exec: true } },
    { allow: { exec: ['printf [%s] *', 'printf [%s]'] } },
  ], (input, policy, guarded) => unreadable(input) && policy.allow.exec !== true && JSON.stringify(guarded).includes('LEAKGATE_EXEC_BLOCKED')), 60)
  r.connect = await check('connect', args.connectProperty(fc), compare((input) => args.runConnect(input, serverPort), [
    {},
    { local: ['::1'], allow: { net: ['127.0.0.1', '127.0.0.0/8', 'localhost'] } },
  ]), 80)
  r.lookup = await check('lookup', args.lookupProperty(fc), compare((input) => args.runLookup(input, resolver), [
    { allow: { net: ['example.test'] } },
    { local: ['::1'], allow: { net: ['127.0.0.1', 'localhost', 'example.test', responder.server] } },
  ]), 80)
  r.send = await check('send', args.sendProperty(fc), compare((input) => args.runSend(input, udp.address().port), [
    {},
    { local: ['::1'], allow: { net: ['127.0.0.1', 'localhost'] } },
  ]), 60)
  server.close(); udp.close(); await responder.close()
  return r
`

describe.each(nodes)('argument shapes on $label: the guard changes nothing and never throws', ({ bin }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(bin, PROBE, { timeout: 240_000 })).result
  }, 300_000)

  for (const family of ['processes', 'connect', 'lookup', 'send']) {
    test(family, () => {
      expect(r[family].error, r[family].counterexample).toBeUndefined()
      expect(r[family].failed).toBe(false)
      expect(r[family].runs).toBeGreaterThan(50)
    })
  }
})
