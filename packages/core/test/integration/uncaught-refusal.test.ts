import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CORE, nodes } from '../helpers/probe.js'

// An uncaught refusal is reported as Node reports its own failure of that call: the same header
// (the file and line Node names, its source line, the caret), the same stream and exit code.
// Leakgate's own file never heads the report. Node's own failure: the same call with a shell or
// program that does not exist. Caught and allowed calls behave as without the guard.

/** Node's report of an uncaught error: the header (file:line, source line, caret), a blank line, the error. */
const UNCAUGHT = /^(?<header>[^\n]+:\d+\n[^\n]*\n[ \t]*\^+\n)\n(?<error>[^\n]+)\n/

const CALLS = {
  execSync: {
    node: "require('node:child_process').execSync('true', { shell: '/nonexistent/sh', stdio: 'ignore' })",
    refused: "require('node:child_process').execSync('true', { stdio: 'ignore' })",
  },
  execFileSync: {
    node: "require('node:child_process').execFileSync('/nonexistent/true', { stdio: 'ignore' })",
    refused: "require('node:child_process').execFileSync('true', { stdio: 'ignore' })",
  },
} as const

const THROWN = {
  dlopen: {
    node: "process.dlopen({ exports: {} }, '/nonexistent/addon.node')",
    refused: "process.dlopen({ exports: {} }, '/nonexistent/addon.node')",
    code: 'EXEC',
  },
  binding: { node: "process.binding('no_such_binding')", refused: "process.binding('spawn_sync')", code: 'EXEC' },
  vmScript: {
    node: "new (require('node:vm').Script)('1 +')",
    refused: "new (require('node:vm').Script)('1')",
    code: 'EVAL',
  },
} as const

function run(bin: string, dir: string, name: string, code: string, guard: boolean) {
  const entry = path.join(dir, `${name}-${guard ? 'guard' : 'node'}.cjs`)
  fs.writeFileSync(entry, [guard ? `require(${JSON.stringify(CORE)}).install({})` : '', code].join('\n'))
  const out = spawnSync(bin, [entry], { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 60_000 })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr }
}

describe.each(nodes)(
  'an uncaught sync exec refusal is reported as Node reports its own failure, on $label',
  ({ bin }) => {
    let dir: string
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-uncaught-'))
    })
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

    test.each(Object.keys(CALLS) as (keyof typeof CALLS)[])(
      '%s: Node’s header, stderr only, exit 1; no leakgate file in the header',
      (name) => {
        const node = run(bin, dir, name, CALLS[name].node, false)
        const refused = run(bin, dir, name, CALLS[name].refused, true)
        const theirs = UNCAUGHT.exec(node.stderr)
        const ours = UNCAUGHT.exec(refused.stderr)
        expect(theirs, node.stderr).not.toBeNull()
        expect(ours, refused.stderr).not.toBeNull()
        expect(theirs?.groups?.header).toMatch(/^node:child_process:\d+\n/)
        expect(ours?.groups?.header).toBe(theirs?.groups?.header)
        expect(ours?.groups?.error).toMatch(/^LeakgateError: blocked .*\(LEAKGATE_EXEC_BLOCKED\)$/)
        expect(refused.stderr).not.toContain(path.dirname(CORE))
        expect(refused.status).toBe(node.status)
        expect(refused.status).toBe(1)
        expect(refused.stdout).toBe('')
      },
    )

    // No Node code throws these refusals (for process.dlopen Node names the caller's line): the
    // report is the error alone, its message naming the call site, its stack starting there.
    test.each(Object.keys(THROWN) as (keyof typeof THROWN)[])(
      '%s: no header naming leakgate, the call site first in the stack, stderr only, exit 1 as Node',
      (name) => {
        const node = run(bin, dir, name, THROWN[name].node, false)
        const refused = run(bin, dir, name, `\n${THROWN[name].refused}`, true)
        expect(node.stderr).toMatch(/^[^\n]+:\d+\n/) // Node's own: a header (a SyntaxError's caret may be blank)
        expect(refused.stderr, refused.stderr).toMatch(
          new RegExp(
            `^LeakgateError: blocked [^\\n]+\\(LEAKGATE_${THROWN[name].code}_BLOCKED\\)\\n\\n {2}called at {2}[^\\n]*${name}-guard\\.cjs:3:`,
          ),
        )
        expect(refused.stderr).toMatch(new RegExp(`\\n {4}at [^\\n]*${name}-guard\\.cjs:3:\\d+\\)?( \\{)?\\n`))
        expect(refused.stderr).not.toContain(path.dirname(CORE))
        expect(refused.status).toBe(node.status)
        expect(refused.stdout).toBe('')
      },
    )

    test('caught: our error, with Node’s fields, `error` itself and not enumerable; spawnSync’s `error` a data property', () => {
      const code = `
      const cp = require('node:child_process')
      const out = {}
      for (const [name, call] of [['execSync', () => cp.execSync('true', { stdio: 'pipe' })], ['execFileSync', () => cp.execFileSync('true', { stdio: 'pipe' })]]) {
        try { call(); out[name] = 'ran' } catch (e) {
          out[name] = { code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, self: e.error === e,
            selfEnumerable: Object.keys(e).includes('error'), status: e.status, pid: e.pid, json: typeof JSON.stringify(e) }
        }
      }
      const r = cp.spawnSync('true')
      const d = Object.getOwnPropertyDescriptor(r, 'error')
      out.spawnSync = { code: r.error.code, data: 'value' in d, enumerable: d.enumerable, path: r.error.path }
      process.stdout.write(JSON.stringify(out))
    `
      const refused = run(bin, dir, 'caught', code, true)
      expect(refused.status, refused.stderr).toBe(0)
      const out = JSON.parse(refused.stdout)
      for (const name of ['execSync', 'execFileSync']) {
        expect(out[name]).toMatchObject({
          code: 'LEAKGATE_EXEC_BLOCKED',
          self: true,
          selfEnumerable: false,
          json: 'string',
        })
        expect(out[name].syscall).toMatch(/^spawnSync /)
        expect(out[name].errno).toBeTypeOf('number')
      }
      expect(out.execSync.path).toBe('/bin/sh')
      expect(out.execFileSync.path).toBe('true')
      expect(out.spawnSync).toEqual({ code: 'LEAKGATE_EXEC_BLOCKED', data: true, enumerable: true, path: 'true' })
    })

    test('allowed: execSync and execFileSync run and return as without the guard', () => {
      const code = `
      const cp = require('node:child_process')
      const out = [cp.execSync('echo allowed | cat', { encoding: 'utf8' }), cp.execFileSync('echo', ['file'], { encoding: 'utf8' })]
      const r = cp.spawnSync('echo', ['sync'], { encoding: 'utf8' })
      out.push(r.stdout, Object.getOwnPropertyDescriptor(r, 'error'))
      process.stdout.write(JSON.stringify(out))
    `
      const guard = `const core = require(${JSON.stringify(CORE)}); core.install({}); core.allowAudit({ exec: ['echo', 'cat'] })`
      const node = run(bin, dir, 'allowed', code, false)
      const allowed = run(bin, dir, 'allowed', `${guard}\n${code}`, false)
      expect(allowed.status, allowed.stderr).toBe(0)
      expect(allowed.stdout).toBe(node.stdout)
      expect(JSON.parse(allowed.stdout).slice(0, 3)).toEqual(['allowed\n', 'file\n', 'sync\n'])
    })
  },
)
