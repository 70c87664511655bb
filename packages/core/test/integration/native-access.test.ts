import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Ways around every other layer, audited as exec events: native addons (process.dlopen),
// process.binding, and node:ffi on Node 26.

/** A real native addon from the dev dependencies (@swc/core ships one per platform). */
function findAddon(): string | undefined {
  const scope = path.resolve(import.meta.dirname, '../../../../node_modules/@swc')
  for (const entry of fs.existsSync(scope) ? fs.readdirSync(scope) : []) {
    if (!entry.startsWith('core-')) continue
    const file = fs.readdirSync(path.join(scope, entry)).find((name) => name.endsWith('.node'))
    if (file) return path.join(scope, entry, file)
  }
  return undefined
}

const addon = findAddon()

describe.each(nodes)('native access on $label', ({ bin }) => {
  test('a native addon load is refused, then allowed by its package', async () => {
    expect(addon, 'no native addon found under node_modules/@swc: run npm install').toBeDefined()
    const { result } = await probe<Probed>(
      bin,
      `core.install({})
       const refused = await kit.attempt(() => require(${JSON.stringify(addon)}))
       const record = core.getEngine().tracker.run.violations[0]
       core.allowAudit({ exec: [{ from: record.package }] })
       const allowed = await kit.attempt(() => typeof require(${JSON.stringify(addon)}))
       return { refused, event: record.event, package: record.package, suggestion: core.getEngine().errorFor(record).message.split('\\n').pop(), allowed }`,
    )
    expect(result.refused).toMatchObject({ ok: false, code: 'LEAKGATE_EXEC_BLOCKED' })
    expect(result.event).toBe('process.dlopen')
    expect(result.package).toMatch(/^@swc\/core-/)
    expect(result.suggestion).toContain(`allow: { exec: [{ from: '${result.package}' }] }`)
    expect(result.allowed).toEqual({ ok: true, value: 'object' })
  })

  test('process.binding is refused, then allowed by name', async () => {
    const { result } = await probe<Probed>(
      bin,
      `core.install({})
       const refused = await kit.attempt(() => process.binding('fs'))
       core.allowAudit({ exec: ['process.binding'] })
       const allowed = await kit.attempt(() => typeof process.binding('fs'))
       return { refused, allowed }`,
      { args: ['--no-deprecation'] },
    )
    expect(result.refused).toMatchObject({
      ok: false,
      code: 'LEAKGATE_EXEC_BLOCKED',
      message: 'blocked process.binding of "process.binding fs" (LEAKGATE_EXEC_BLOCKED)',
    })
    expect(result.allowed).toEqual({ ok: true, value: 'object' })
  })

  test('node:ffi (Node 26) dlopen and DynamicLibrary are refused', async () => {
    const { result } = await probe<Probed>(
      bin,
      `let ffi
       try { ffi = process.getBuiltinModule('node:ffi') } catch {}
       if (!ffi) return { absent: true, major: Number(process.versions.node.split('.')[0]) }
       core.install({})
       return {
         dlopen: await kit.attempt(() => ffi.dlopen('libc.so.6')),
         library: await kit.attempt(() => new ffi.DynamicLibrary('libc.so.6')),
       }`,
      { args: ['--no-warnings'] },
    )
    if (result.absent) {
      expect(result.major, 'node:ffi is on by default from Node 26').toBeLessThan(26)
      return
    }
    expect(result.dlopen).toMatchObject({ ok: false, code: 'LEAKGATE_EXEC_BLOCKED' })
    expect(result.library).toMatchObject({ ok: false, code: 'LEAKGATE_EXEC_BLOCKED' })
  })
})
