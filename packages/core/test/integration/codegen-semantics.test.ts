import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { CORE, nodes } from '../helpers/probe.js'
import { spawnCollect } from '../support/runner-cli.js'

// Code the guard lets through means what it means without the guard (issue 10.3). The same
// programs (fixtures/codegen-semantics/battery.{cjs,mjs}: a CommonJS and an ES module caller)
// run unguarded and guarded with eval allowed, on every Node, and every observation must be the
// same: import() base and loader, new.target, this, strictness, names, lengths, toString, what
// each argument became, stack frames (text and call sites, `eval at` origins included) of the
// Function family, direct and indirect eval, vm.* and compileFunction; and once more in a child
// Node process that gets the guard through the preload (Prettier's CLI shape).

const here = path.dirname(fileURLToPath(import.meta.url))
const MAIN = path.resolve(here, '../fixtures/codegen-semantics/main.cjs')

interface Battery {
  guarded: boolean
  cjs: Record<string, unknown>
  esm: Record<string, unknown>
  stderr?: string
  status?: number
}

async function runBattery(bin: string, guard: string, args: string[]): Promise<Battery> {
  const { code, stdout, stderr } = await spawnCollect(`battery (${guard || 'unguarded'})`, bin, [...args, MAIN], {
    cwd: path.dirname(MAIN),
    env: { ...process.env, NODE_OPTIONS: '', LEAKGATE_GUARD: guard, LEAKGATE_CORE: CORE },
    timeout: 60_000,
  })
  try {
    return JSON.parse(stdout) as Battery
  } catch {
    throw new Error(`battery (${guard || 'unguarded'}) exited ${code}\n${stdout}\n${stderr}`)
  }
}

/** Every observation that differs, by caller kind and name. */
function differences(plain: Battery, guarded: Battery): string[] {
  const out: string[] = []
  for (const kind of ['cjs', 'esm'] as const) {
    for (const [key, value] of Object.entries(plain[kind])) {
      const other = guarded[kind][key]
      if (JSON.stringify(other) !== JSON.stringify(value)) {
        out.push(`${kind}.${key}:\n  without: ${JSON.stringify(value)}\n  guarded: ${JSON.stringify(other)}`)
      }
    }
  }
  return out
}

describe.each(nodes)('generated code means the same with the guard on $label', ({ bin }) => {
  // --experimental-vm-modules: a vm script's own import() callback may return a module namespace.
  const flags = ['--experimental-vm-modules', '--no-warnings']
  let plain: Battery
  let guarded: Battery
  let plainChild: Battery
  let guardedChild: Battery
  beforeAll(async () => {
    ;[plain, guarded, plainChild, guardedChild] = await Promise.all([
      runBattery(bin, '', flags),
      runBattery(bin, 'install', flags),
      runBattery(bin, 'plain-child', []),
      runBattery(bin, 'child', []),
    ])
  }, 60_000)

  test('the batteries ran guarded where they should', () => {
    expect(plain.guarded).toBe(false)
    expect(guarded.guarded).toBe(true)
    expect(plainChild.guarded).toBe(false)
    expect(guardedChild.guarded).toBe(true)
  })

  // What V8 itself does when two files compile the same string (its cache is keyed by the
  // calling frame's bytecode offset: sameSourceElsewhere) and with a vm script's own import()
  // callback (importFromVmCallback) changed across Node versions: those are compared with the
  // unguarded run only, below.
  test('import() from generated code resolves against the caller, through the caller’s loader', () => {
    for (const kind of ['cjs', 'esm'] as const) {
      expect(guarded[kind]).toMatchObject({
        importFunction: { value: 'x beside the caller' },
        importFunctionCall: { value: 'x in sub/' },
        importAsync: { value: 'x beside the caller' },
        importGenerator: { value: 'x beside the caller' },
        importAsyncGenerator: { value: 'x in sub/' },
        importIndirectEval: { value: 'x beside the caller' },
        importStoredEval: { value: 'x in sub/' },
        importDirectEval: { value: 'x beside the caller' },
        importNested: { value: 'x beside the caller' },
      })
    }
  })

  test('every observation is the same as without the guard (CommonJS and ES module callers)', () => {
    expect(differences(plain, guarded)).toEqual([])
  })

  test('in a child Node process guarded through the preload: the same, and nothing more on stderr', () => {
    expect(differences(plainChild, guardedChild)).toEqual([])
    expect(guardedChild.status).toBe(plainChild.status)
    // Node's default loader used for the caller is an experimental vm option; its warning is not
    // the user's to see.
    expect(guardedChild.stderr).toBe(plainChild.stderr)
  })

  test('each argument is converted once, and what Node refuses is refused the same way', () => {
    for (const kind of ['cjs', 'esm'] as const) {
      expect(guarded[kind].converted).toEqual([7, 1])
      expect(guarded[kind].symbolArgument).toBe('TypeError: Cannot convert a Symbol value to a string')
    }
  })
})
