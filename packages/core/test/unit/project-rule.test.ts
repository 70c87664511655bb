import { describe, expect, test } from 'vitest'
import { LeakgateError } from '../../src/errors.js'
import { compileRules, decide, type Level } from '../../src/policy.js'

// `{ project: 'path' }` (issue 10.11): the project's own files, as `{ from }` names a dependency.
// Validated like every rule; matched on the call site's path relative to the root.

const config = (allow: object): Level[] => [{ source: 'config', rules: compileRules(allow) }]
const from = (file: string | undefined, packages: string[] = []) =>
  [() => packages, () => file] as [() => string[], () => string | undefined]

describe('{ project } rules', () => {
  test('allow what the matching project files call, in every category', () => {
    const levels = config({
      eval: [{ project: 'src/templates/*' }],
      exec: [{ project: 'scripts/build.js' }],
      net: [{ project: './src/api\\*' }],
    })
    const evalFrom = (file: string | undefined) => decide({ category: 'eval' }, levels, ...from(file))
    expect(evalFrom('src/templates/render.js')).toEqual({
      allowed: true,
      reason: 'rule',
      rule: "{ project: 'src/templates/*' }",
      source: 'config',
    })
    expect(evalFrom('src/templates/deep/er/page.ts').allowed).toBe(true)
    expect(evalFrom('src/other.js').allowed).toBe(false)
    expect(evalFrom('test/templates/render.js').allowed).toBe(false)
    expect(evalFrom('src/templates').allowed).toBe(false)
    // Not the project's own code (a dependency, or outside the root): never a project rule.
    expect(evalFrom(undefined).allowed).toBe(false)
    const exec = decide(
      { category: 'exec', commands: [{ file: 'git', args: ['git', 'status'] }] },
      levels,
      ...from('scripts/build.js'),
    )
    expect(exec).toMatchObject({ allowed: true, rule: "{ project: 'scripts/build.js' }" })
    const net = decide(
      { category: 'net', target: { host: 'api.example.com', port: 443 } },
      levels,
      ...from('src/api/client.js'),
    )
    expect(net).toMatchObject({ allowed: true, rule: "{ project: 'src/api/*' }" })
  })

  test('the call stack is read only when a rule needs it', () => {
    let asked = 0
    const levels = config({ eval: true })
    decide(
      { category: 'eval' },
      levels,
      () => [],
      () => {
        asked++
        return 'src/x.js'
      },
    )
    expect(asked).toBe(0)
  })

  test.each([
    [{ project: '' }, '"" is empty'],
    [{ project: '/abs/src/*' }, '"/abs/src/*" is absolute; write it relative to the project root'],
    [{ project: 'C:\\work\\src' }, '"C:\\\\work\\\\src" is absolute; write it relative to the project root'],
    [{ project: '../sibling/*' }, '"../sibling/*" leaves the project (..)'],
    [
      { project: 'node_modules/ajv/*' },
      `"node_modules/ajv/*" is inside node_modules; for a dependency, write { from: 'package' }`,
    ],
    [{ project: 42 }, '{ project: 42 } needs a path'],
    [{ projet: 'src/*' }, `{"projet":"src/*"} is not a rule; did you mean { project: 'src/*' }?`],
    [{ project: 'src/*', from: 'ajv' }, '{"project":"src/*","from":"ajv"} is not a rule'],
  ])('refused: %j', (rule, problem) => {
    let error: unknown
    try {
      compileRules({ eval: [rule] })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(LeakgateError)
    expect((error as LeakgateError).message).toContain(`allow.eval[0]: ${problem}`)
    expect((error as LeakgateError).message).toContain("{ project: 'src/templates/*' } (the project's own files)")
  })
})
