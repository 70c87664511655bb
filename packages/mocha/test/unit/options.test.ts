import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { DEFAULT_REPORT, readOptions } from '../../src/options.js'

// The `leakgate` key of the Mocha config, checked by core's validator with the keys this plugin
// adds (`report`) and manages (`sinkDir`, `root`): every refusal names the key and where it lives.

const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-mocha-options-'))

function refusal(raw: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    readOptions(raw, cwd, env)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('readOptions', () => {
  test('no options: enforce mode, the default report, the directory Mocha runs in as root', () => {
    expect(readOptions(undefined, cwd, {})).toEqual({ core: { root: cwd }, report: DEFAULT_REPORT })
  })

  test("core's options pass through; report is the plugin's", () => {
    const settings = readOptions(
      { mode: 'report', allow: { net: ['localhost:5432'], exec: ['git'] }, report: 'out/leaks.json' },
      cwd,
      {},
    )
    expect(settings).toEqual({
      core: { mode: 'report', allow: { net: ['localhost:5432'], exec: ['git'] }, root: cwd },
      report: 'out/leaks.json',
    })
    expect(readOptions({ report: false }, cwd, {}).report).toBe(false)
  })

  test('a typo names the key, what was meant and where the options live', () => {
    const message = refusal({ mod: 'enforce' })
    expect(message).toContain("invalid leakgate option mod: unknown option; did you mean 'mode'?")
    expect(message).toContain('in the Mocha config:  .mocharc.*  leakgate: { ... }')
  })

  test('a bad value is refused with the valid forms', () => {
    expect(refusal({ mode: 'strict' })).toMatch(/^invalid leakgate option mode\b/)
    expect(refusal({ allow: { net: 'api.example.com' } })).toMatch(/^invalid leakgate option allow\.net\b/)
    expect(refusal({ report: true })).toContain(
      'invalid leakgate option report: expected a file path or false, got true',
    )
    expect(refusal('enforce')).toContain('expected an object like leakgate: {')
  })

  test('keys the plugin manages are refused with what to do instead', () => {
    expect(refusal({ sinkDir: '/tmp/x' })).toContain('the Mocha plugin manages its own sink')
    expect(refusal({ root: cwd })).toContain('the Mocha plugin uses the directory Mocha runs in as the root')
  })

  test('a bad LEAKGATE_MODE points at the environment, not at a config that is fine', () => {
    const message = refusal({}, { LEAKGATE_MODE: 'enforcing' })
    expect(message).toMatch(/^invalid leakgate option LEAKGATE_MODE\b/)
    expect(message).toContain('in the environment:  LEAKGATE_MODE=enforce, report or off')
    expect(message).not.toContain('.mocharc')
  })
})
