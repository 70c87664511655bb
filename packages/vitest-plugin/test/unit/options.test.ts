import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { effectiveMode, normalizePluginOptions } from '../../src/options.js'

describe('normalizePluginOptions', () => {
  test('defaults: enforce mode, leakgate-report.json', () => {
    const settings = normalizePluginOptions()
    expect(settings).toEqual({ core: {}, report: 'leakgate-report.json' })
    expect(effectiveMode(settings, {})).toBe('enforce')
  })

  test('passes core options through as plain JSON, keeps report apart', () => {
    const settings = normalizePluginOptions({
      mode: 'report',
      allow: { net: ['api.example.com:443'], exec: ['git'], eval: [{ from: 'ajv' }, 'benign'] },
      local: ['127.0.0.1'],
      strict: true,
      report: 'out/leaks.json',
    })
    expect(settings.report).toBe('out/leaks.json')
    expect(settings.core).toEqual({
      mode: 'report',
      allow: { net: ['api.example.com:443'], exec: ['git'], eval: [{ from: 'ajv' }, 'benign'] },
      local: ['127.0.0.1'],
      strict: true,
    })
    expect(normalizePluginOptions({ report: false }).report).toBe(false)
  })

  test.each([
    [{ allow: { nett: [] } }, 'invalid leakgate option allow.nett: unknown category'],
    [{ allow: { net: ['http://example.com/'] } }, 'invalid leakgate option allow.net[0]'],
    [{ mode: 'strict' }, 'invalid leakgate option mode: "strict" is not a mode'],
    [{ report: 42 }, 'invalid leakgate option report: expected a file path or false, got 42'],
    [{ report: '' }, 'invalid leakgate option report'],
    [{ sinkDir: '/tmp/x' }, 'invalid leakgate option sinkDir: the Vitest plugin manages its own sink'],
    [{ reporter: 'x' }, 'invalid leakgate option reporter: unknown option'],
    [{ allow: { eval: [/ajv/] } }, 'invalid leakgate option allow.eval[0]'],
  ])('rejects %j naming the key', (options, message) => {
    expect(() => normalizePluginOptions(options as never)).toThrow(message)
    try {
      normalizePluginOptions(options as never)
    } catch (error) {
      expect((error as { code?: string }).code).toBe('LEAKGATE_INVALID_OPTION')
    }
  })

  test("an unknown option lists the options leakgate() takes: report, not core's sinkDir", () => {
    expect(() => normalizePluginOptions({ reprot: false } as never)).toThrow(
      /^invalid leakgate option reprot: unknown option; did you mean 'report'\? Valid options: mode, allow, local, strict, inspectEval, root, report$/,
    )
    expect(() => normalizePluginOptions({ locl: ['127.0.0.1'] } as never)).toThrow(
      /^invalid leakgate option locl: unknown option; did you mean 'local'\? Valid options: mode, allow, local, strict, inspectEval, root, report$/,
    )
  })

  test('rejects a non-object, showing what leakgate() takes', () => {
    expect(() => normalizePluginOptions('enforce' as never)).toThrow(
      `invalid leakgate option (options): expected an object like leakgate({ allow: { net: ['api.example.com:443'] } }), got "enforce"`,
    )
    expect(() => normalizePluginOptions([] as never)).toThrow('got an array ([])')
  })

  test('the report path is checked on disk once the root is known: refused at start, not at the end', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-options-'))
    fs.writeFileSync(path.join(root, 'plain.txt'), 'x')
    fs.mkdirSync(path.join(root, 'out'))
    try {
      expect(normalizePluginOptions({ report: 'plain.txt/leaks.json' }).report).toBe('plain.txt/leaks.json')
      expect(() => normalizePluginOptions({ report: 'plain.txt/leaks.json' }, root)).toThrow(
        `invalid leakgate option report: "plain.txt/leaks.json" (${path.join(root, 'plain.txt/leaks.json')}) cannot be created: plain.txt is a file, not a directory`,
      )
      expect(() => normalizePluginOptions({ report: 'out' }, root)).toThrow(
        `invalid leakgate option report: "out" (${path.join(root, 'out')}) is a directory; name a file`,
      )
      expect(normalizePluginOptions({ report: 'out/leaks.json' }, root).report).toBe('out/leaks.json')
      expect(normalizePluginOptions({ report: 'new/dir/leaks.json' }, root).report).toBe('new/dir/leaks.json')
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })

  test('a LEAKGATE_MODE typo does not hide behind valid options, and the env wins for the mode', () => {
    const settings = normalizePluginOptions({ mode: 'enforce' })
    expect(effectiveMode(settings, { LEAKGATE_MODE: 'report' })).toBe('report')
    expect(() => effectiveMode(settings, { LEAKGATE_MODE: 'loud' })).toThrow('LEAKGATE_MODE')
  })
})
