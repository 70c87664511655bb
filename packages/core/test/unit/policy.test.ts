import { describe, expect, test } from 'vitest'
import { LeakgateError } from '../../src/errors.js'
import { compileRules, decide, isLocal, type Level, listRules, mergeRules, normalizeOptions } from '../../src/policy.js'
import { parseAddress } from '../../src/rules/address.js'

const levels = (test: object, file: object = {}, config: object = {}): Level[] => [
  { source: 'test', rules: compileRules(test) },
  { source: 'file', rules: compileRules(file) },
  { source: 'config', rules: compileRules(config) },
]
const noPackages = () => []

describe('normalizeOptions', () => {
  test('defaults: enforce, loopback and localhost are local', () => {
    const policy = normalizeOptions({}, {})
    expect(policy.mode).toBe('enforce')
    expect(isLocal({ address: parseAddress('127.0.0.9')! }, policy.local)).toBe(true)
    expect(isLocal({ address: parseAddress('::ffff:127.0.0.1')! }, policy.local)).toBe(true)
    expect(isLocal({ address: parseAddress('0.0.0.0')! }, policy.local)).toBe(true)
    expect(isLocal({ host: 'localhost' }, policy.local)).toBe(true)
    expect(isLocal({ host: 'api.localhost' }, policy.local)).toBe(true)
    expect(isLocal({ host: 'localhost.example.com' }, policy.local)).toBe(false)
    expect(isLocal({ address: parseAddress('169.254.169.254')! }, policy.local)).toBe(false)
    expect(isLocal({ address: parseAddress('10.0.0.1')! }, policy.local)).toBe(false)
    expect(isLocal({ address: parseAddress('::127.0.0.1')! }, policy.local)).toBe(false)
  })

  test('LEAKGATE_MODE wins over options', () => {
    expect(normalizeOptions({ mode: 'enforce' }, { LEAKGATE_MODE: 'report' }).mode).toBe('report')
  })

  test.each([
    [{ mode: 'strict' }, 'invalid leakgate option mode: "strict" is not a mode. Valid forms: enforce, report, off'],
    [{ inspectEval: 'yes' }, 'invalid leakgate option inspectEval: expected true or false, got "yes"'],
    [
      { allow: { network: [] } },
      'invalid leakgate option allow.network: unknown category. Valid forms: net, exec, eval',
    ],
    [
      { allow: { net: 'example.com' } },
      'invalid leakgate option allow.net: expected true or an array of rules, got "example.com"',
    ],
    [
      { allow: { net: ['ok.com', '10.0.0.0/40'] } },
      'invalid leakgate option allow.net[1]: "10.0.0.0/40" is not a valid CIDR range',
    ],
    [{ allow: { exec: [{ form: 'x' }] } }, 'invalid leakgate option allow.exec[0]: {"form":"x"} is not a rule'],
    [
      { allow: { eval: ['ajv'] } },
      `invalid leakgate option allow.eval[0]: "ajv" is not an eval rule (for a package, write { from: 'ajv' }). Valid forms: true, { from: 'package' }, { project: 'src/templates/*' } (the project's own files) or 'benign'`,
    ],
    [
      { allow: { eval: ['new Function'] } },
      `invalid leakgate option allow.eval[0]: "new Function" is not an eval rule. Valid forms:`,
    ],
    [{ allow: { eval: [{ from: 'Not A Package!' }] } }, 'is not an npm package name'],
    [{ alow: {} }, 'invalid leakgate option alow: unknown option'],
    [{ local: '127.0.0.1' }, 'invalid leakgate option local: expected an array'],
    [
      { local: ['127.0.0.1', '127.0.0.2:80'] },
      `invalid leakgate option local[1]: "127.0.0.2:80" has a port; local names hosts and addresses, not ports. Valid forms: 'localhost', '*.localhost', '127.0.0.1'`,
    ],
    [{ local: ['[::1]:8080'] }, 'invalid leakgate option local[0]: "[::1]:8080" has a port'],
    [
      { local: [{ from: 'x' }] },
      `invalid leakgate option local[0]: {"from":"x"} is not a string. Valid forms: 'localhost'`,
    ],
    [{ strict: 'yes' }, 'invalid leakgate option strict: expected true or false'],
  ])('rejects %j naming the key and the fix', (options, message) => {
    let error: unknown
    try {
      normalizeOptions(options as never, {})
    } catch (caught) {
      error = caught
    }
    expect(LeakgateError.is(error)).toBe(true)
    expect((error as LeakgateError).code).toBe('LEAKGATE_INVALID_OPTION')
    expect((error as LeakgateError).message).toContain(message)
  })
})

describe('decide', () => {
  const net = (host: string, port: number) => {
    const address = parseAddress(host)
    return { category: 'net' as const, target: address ? { address, port } : { host, port } }
  }

  test('the most specific level that matches names the rule and its source', () => {
    expect(decide(net('api.example.com', 443), levels({ net: ['api.example.com'] }), noPackages)).toEqual({
      allowed: true,
      reason: 'rule',
      rule: 'api.example.com',
      source: 'test',
    })
    expect(decide(net('api.example.com', 443), levels({}, {}, { net: ['*.example.com'] }), noPackages)).toMatchObject({
      source: 'config',
      rule: '*.example.com',
    })
    expect(decide(net('api.example.com', 443), levels({}, { net: true }), noPackages)).toMatchObject({
      source: 'file',
      rule: 'true',
    })
  })

  test('nothing matched is a violation', () => {
    expect(decide(net('203.0.113.5', 80), levels({ net: ['198.51.100.0/24'] }), noPackages)).toEqual({
      allowed: false,
      reason: 'no-rule',
    })
  })

  test('{ from } rules consult the packages on the stack, lazily', () => {
    let asked = 0
    const packages = () => {
      asked++
      return ['ajv', 'my-lib']
    }
    expect(decide({ category: 'eval' }, levels({}, {}, { eval: [{ from: 'my-lib' }] }), packages)).toMatchObject({
      allowed: true,
      rule: "{ from: 'my-lib' }",
    })
    expect(asked).toBe(1)
    expect(decide(net('api.example.com', 1), levels({ net: ['api.example.com'] }), packages).allowed).toBe(true)
    expect(asked).toBe(1)
  })

  test("the 'benign' preset allows the known generators only", () => {
    expect(decide({ category: 'eval' }, levels({}, {}, { eval: ['benign'] }), () => ['depd']).allowed).toBe(true)
    expect(decide({ category: 'eval' }, levels({}, {}, { eval: ['benign'] }), () => ['handlebars']).allowed).toBe(false)
    // zod 4: its `new Function('')` probe and the object parsers it then compiles.
    expect(decide({ category: 'eval' }, levels({}, {}, { eval: ['benign'] }), () => ['zod']).allowed).toBe(true)
    // Fastify's router compiles per route (find-my-way 9: lib/node.js, handler-storage.js,
    // constrainer.js, compiler.js); fastify itself, asking through it, is not the generator.
    expect(
      decide({ category: 'eval' }, levels({}, {}, { eval: ['benign'] }), () => ['find-my-way', 'fastify']).allowed,
    ).toBe(true)
    expect(decide({ category: 'eval' }, levels({}, {}, { eval: ['benign'] }), () => ['fastify']).allowed).toBe(false)
  })

  test("the 'benign' preset goes by the package that generated the code, not one it came through", () => {
    const benign = levels({}, {}, { eval: ['benign'] })
    // handlebars generated the code; depd's wrapper (or ajv) only called handlebars.
    expect(decide({ category: 'eval' }, benign, () => ['handlebars', 'depd']).allowed).toBe(false)
    expect(decide({ category: 'eval' }, benign, () => ['ajv', 'my-lib']).allowed).toBe(true)
    // Generic utilities run functions they are handed: a polyfill mapping the test's strings
    // through Function is not a benign generator.
    for (const utility of ['core-js', 'core-js-pure', 'regenerator-runtime']) {
      expect(decide({ category: 'eval' }, benign, () => [utility]).allowed, utility).toBe(false)
    }
  })

  test('every command of a shell line must be allowed', () => {
    const request = {
      category: 'exec' as const,
      commands: [
        { file: 'git', args: ['log'] },
        { file: 'head', args: [] },
      ],
    }
    expect(decide(request, levels({ exec: ['git'] }), noPackages).allowed).toBe(false)
    expect(decide(request, levels({ exec: ['git', 'head'] }), noPackages).allowed).toBe(true)
  })

  test('rules merge, never replace', () => {
    const merged = mergeRules(compileRules({ net: ['a.test'] }), compileRules({ net: ['b.test'], exec: true }))
    expect(merged.raw).toEqual({ net: ['a.test', 'b.test'], exec: true })
    expect(listRules([{ source: 'test', rules: merged }], 'net')).toEqual(['a.test', 'b.test'])
  })

  test('listRules shows at most five rules', () => {
    const many = compileRules({ net: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })
    expect(listRules([{ source: 'config', rules: many }], 'net')).toEqual(['a', 'b', 'c', 'd', 'e', '… 2 more'])
  })
})
