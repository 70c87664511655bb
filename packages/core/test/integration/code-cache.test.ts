import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { nodes } from '../helpers/probe.js'

// The CommonJS runtime chunk is compiled with a V8 code cache made after the first install and
// tame (build/runtime-loader.cjs, issue 15): later workers skip compiling the chunk and the
// functions install runs. A cached load must behave as a plain one: same refusals, frames that
// name leakgate's real file (call sites and hidden frames go by it), and a cache that is bad,
// unwritable or in a directory others may write is never a failure and never read.

const CORE = fileURLToPath(new URL('../../', import.meta.url))
const DIST = path.join(CORE, 'dist')

const PROBE = `const path = require('node:path')
const core = require('@leakgate/core')
core.install({ mode: 'enforce' })
core.tameRealm(globalThis)
let error
try { new Function('return 1') } catch (caught) { error = caught }
const violation = core.getEngine().tracker.run.violations[0]
console.log(JSON.stringify({
  code: error && error.code,
  leakgateFrames: String(error && error.stack).split('\\n').filter((line) => line.includes(${JSON.stringify(`${path.sep}dist${path.sep}`)})).length,
  callSite: violation && violation.callSite && path.basename(violation.callSite.file),
  chunkRequired: Object.keys(require.cache).some((file) => file.endsWith('.code.cjs')),
}))`

let root: string
let project: string
let tmp: string

/** A project with leakgate installed in its node_modules, as a user has it (a copy of dist). */
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-code-cache-test-'))
  project = path.join(root, 'project')
  tmp = path.join(root, 'tmp')
  const installed = path.join(project, 'node_modules', '@leakgate', 'core')
  fs.mkdirSync(installed, { recursive: true })
  fs.mkdirSync(tmp)
  fs.copyFileSync(path.join(CORE, 'package.json'), path.join(installed, 'package.json'))
  fs.cpSync(DIST, path.join(installed, 'dist'), { recursive: true })
  for (const dependency of ['ipaddr.js', '@babel/parser']) {
    const local = path.join(CORE, 'node_modules', dependency)
    const real = fs.realpathSync(fs.existsSync(local) ? local : path.join(CORE, '../../node_modules', dependency))
    fs.mkdirSync(path.dirname(path.join(project, 'node_modules', dependency)), { recursive: true })
    fs.symlinkSync(real, path.join(project, 'node_modules', dependency))
  }
  fs.writeFileSync(path.join(project, 'probe.cjs'), PROBE)
})

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

function run(bin: string, env: Record<string, string> = {}): Record<string, unknown> {
  const result = spawnSync(bin, ['probe.cjs'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', TMPDIR: tmp, LEAKGATE_CODE_CACHE: '', ...env },
    timeout: 60_000,
  })
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(result.stdout) as Record<string, unknown>
}

const PLAIN = { code: 'LEAKGATE_EVAL_BLOCKED', leakgateFrames: 0, callSite: 'probe.cjs', chunkRequired: false }

function cacheFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => file.endsWith('.bin')) : []
}

describe.each(nodes)('the runtime chunk’s code cache on $label', ({ bin }) => {
  const cacheDir = () => path.join(project, 'node_modules', '.cache', 'leakgate')

  test('the first process writes it to node_modules/.cache/leakgate; the next one loads from it and behaves the same', () => {
    expect(run(bin)).toEqual(PLAIN)
    const [file] = cacheFiles(cacheDir())
    expect(file).toMatch(/^runtime-[\w-]+-v\d+\.\d+\.\d+-\w+-\w+\.bin$/)
    const written = fs.statSync(path.join(cacheDir(), file as string))
    expect(written.size).toBeGreaterThan(10_000)
    expect(run(bin)).toEqual(PLAIN)
    // Used, not rewritten: V8 accepted it.
    expect(fs.statSync(path.join(cacheDir(), file as string)).mtimeMs).toBe(written.mtimeMs)
    expect(cacheFiles(cacheDir())).toHaveLength(1)
  })

  test('a cache V8 rejects is replaced, and the process behaves the same', () => {
    run(bin)
    const file = path.join(cacheDir(), cacheFiles(cacheDir())[0] as string)
    fs.writeFileSync(file, Buffer.alloc(4096, 7))
    expect(run(bin)).toEqual(PLAIN)
    expect(fs.readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false)
    expect(fs.statSync(file).size).toBeGreaterThan(10_000)
  })

  test('an unwritable cache directory falls back to a directory of this user in the temporary directory', () => {
    fs.writeFileSync(path.join(project, 'node_modules', '.cache'), 'not a directory')
    expect(run(bin)).toEqual(PLAIN)
    const own = path.join(tmp, `leakgate-code-cache-${process.getuid?.() ?? 'user'}`)
    expect(cacheFiles(own)).toHaveLength(1)
    expect(fs.statSync(own).mode & 0o077).toBe(0)
    expect(run(bin)).toEqual(PLAIN)
  })

  test.skipIf(typeof process.getuid !== 'function')(
    'a temporary directory others may write is neither read nor written',
    () => {
      fs.writeFileSync(path.join(project, 'node_modules', '.cache'), 'not a directory')
      const own = path.join(tmp, `leakgate-code-cache-${process.getuid?.()}`)
      fs.mkdirSync(own)
      fs.chmodSync(own, 0o777)
      expect(run(bin)).toEqual(PLAIN)
      expect(cacheFiles(own)).toEqual([])
    },
  )

  test('LEAKGATE_CODE_CACHE=0 requires the chunk as it is, and writes nothing', () => {
    expect(run(bin, { LEAKGATE_CODE_CACHE: '0' })).toEqual({ ...PLAIN, chunkRequired: true })
    expect(cacheFiles(cacheDir())).toEqual([])
    expect(fs.readdirSync(tmp)).toEqual([])
  })
})
