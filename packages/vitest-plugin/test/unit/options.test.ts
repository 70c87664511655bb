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
    for (const options of [{ reprot: false }, { locl: ['127.0.0.1'] }]) {
      expect(() => normalizePluginOptions(options as never)).toThrow(
        /unknown option\. Valid options: mode, allow, local, strict, inspectEval, root, report$/,
      )
    }
  })

  test('rejects a non-object', () => {
    expect(() => normalizePluginOptions('enforce' as never)).toThrow('leakgate() takes an object')
  })

  test('a LEAKGATE_MODE typo does not hide behind valid options, and the env wins for the mode', () => {
    const settings = normalizePluginOptions({ mode: 'enforce' })
    expect(effectiveMode(settings, { LEAKGATE_MODE: 'report' })).toBe('report')
    expect(() => effectiveMode(settings, { LEAKGATE_MODE: 'loud' })).toThrow('LEAKGATE_MODE')
  })
})
