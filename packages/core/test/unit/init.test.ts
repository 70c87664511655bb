import { describe, expect, test } from 'vitest'
import { formatDiff } from '../../src/cli/init/diff.js'
import { planJestFile, planJestJson } from '../../src/cli/init/jest.js'
import { newMochaConfig, planMochaFile, planMochaJson } from '../../src/cli/init/mocha.js'
import type { Plan } from '../../src/cli/init/plan.js'
import { planVitest } from '../../src/cli/init/vitest.js'
import { closest } from '../../src/suggest.js'

// `leakgate init`'s config edits: each shape it recognises becomes exactly the text a person
// would write (formatting and comments kept), a config that already has leakgate is left alone,
// and every shape it cannot edit safely is refused with the lines to add.

const after = (plan: Plan) => {
  if (plan.kind !== 'edit') throw new Error(`expected an edit, got ${JSON.stringify(plan)}`)
  return plan.after
}

describe('Vitest configs', () => {
  test('defineConfig with no plugins: the plugin first, the import after the last import', () => {
    const text = `import { defineConfig } from 'vitest/config'

// my comment stays
export default defineConfig({
  test: { environment: 'node' },
})
`
    expect(after(planVitest('vitest.config.ts', text))).toBe(`import { defineConfig } from 'vitest/config'
import { leakgate } from '@leakgate/vitest-plugin'

// my comment stays
export default defineConfig({
  plugins: [leakgate({ mode: 'report' })],
  test: { environment: 'node' },
})
`)
  })

  test('an existing plugins array gets one more element, in its layout; double quotes and semicolons kept', () => {
    const text = `import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [
    react(),
  ],
});
`
    expect(after(planVitest('vite.config.mts', text))).toBe(`import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { leakgate } from "@leakgate/vitest-plugin";

export default defineConfig({
  plugins: [
    react(),
    leakgate({ mode: "report" }),
  ],
});
`)
    expect(after(planVitest('a.ts', 'export default { plugins: [a()] }\n'))).toBe(
      "import { leakgate } from '@leakgate/vitest-plugin'\nexport default { plugins: [a(), leakgate({ mode: 'report' })] }\n",
    )
  })

  test('through a const, satisfies, an arrow, mergeConfig; CommonJS gets a require', () => {
    const viaConst = `import type { UserConfig } from 'vitest/config'
const config = { test: {} } satisfies UserConfig
export default config
`
    expect(after(planVitest('vitest.config.ts', viaConst))).toContain(
      "const config = { plugins: [leakgate({ mode: 'report' })], test: {} } satisfies UserConfig",
    )
    expect(after(planVitest('v.mjs', 'export default defineConfig(() => ({ test: {} }))\n'))).toContain(
      "defineConfig(() => ({ plugins: [leakgate({ mode: 'report' })], test: {} }))",
    )
    expect(after(planVitest('v.mjs', 'export default mergeConfig(base, defineConfig({ test: {} }))\n'))).toContain(
      "mergeConfig(base, defineConfig({ plugins: [leakgate({ mode: 'report' })], test: {} }))",
    )
    const cjs = "const { defineConfig } = require('vitest/config')\nmodule.exports = defineConfig({})\n"
    expect(after(planVitest('vitest.config.cjs', cjs))).toBe(
      "const { defineConfig } = require('vitest/config')\nconst { leakgate } = require('@leakgate/vitest-plugin')\nmodule.exports = defineConfig({\n  plugins: [leakgate({ mode: 'report' })],\n})\n",
    )
  })

  test('idempotent: a config that has the plugin is left alone', () => {
    const text = after(planVitest('vitest.config.ts', 'export default defineConfig({ test: {} })\n'))
    expect(planVitest('vitest.config.ts', text)).toEqual({ kind: 'already', file: 'vitest.config.ts' })
  })

  test.each([
    ['a function body', 'export default defineConfig(() => { return {} })'],
    ['a helper of the project', 'export default makeConfig({})'],
    ['plugins from a call', 'export default defineConfig({ plugins: getPlugins() })'],
    ['a spread that may hold plugins', 'export default defineConfig({ ...base })'],
    ['an await', 'export default await load()'],
    ['no export', 'const x = {}'],
    ['a syntax error', 'export default defineConfig({'],
    ['a name taken', 'const leakgate = 1\nexport default {}'],
  ])('refused, with the lines to add: %s', (_, text) => {
    const plan = planVitest('vitest.config.ts', `${text}\n`)
    expect(plan.kind).toBe('manual')
    if (plan.kind === 'manual') expect(plan.lines.join('\n')).toContain("plugins: [leakgate({ mode: 'report' })]")
  })
})

describe('Jest configs', () => {
  test('module.exports: environment, options and reporter, in the documented order', () => {
    const text = `/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
}
`
    expect(after(planJestFile('jest.config.js', text))).toBe(`/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '@leakgate/jest-environment',
  testEnvironmentOptions: { leakgate: { mode: 'report' } },
  reporters: ['default', '@leakgate/jest-environment/reporter'],
  preset: 'ts-jest',
}
`)
  })

  test('TypeScript const with a type, jsdom replaced by ours, existing options and reporters extended', () => {
    const text = `import type { Config } from 'jest'

const config: Config = {
  testEnvironment: 'jsdom',
  testEnvironmentOptions: { url: 'http://localhost/' },
  reporters: ['default', 'jest-junit'],
}

export default config
`
    expect(after(planJestFile('jest.config.ts', text))).toBe(`import type { Config } from 'jest'

const config: Config = {
  testEnvironment: '@leakgate/jest-environment/jsdom',
  testEnvironmentOptions: { leakgate: { mode: 'report' }, url: 'http://localhost/' },
  reporters: ['default', 'jest-junit', '@leakgate/jest-environment/reporter'],
}

export default config
`)
  })

  test('only what is missing is added; a full config is left alone', () => {
    const partial = `module.exports = {
  testEnvironment: '@leakgate/jest-environment',
  testEnvironmentOptions: { leakgate: {} },
}
`
    expect(after(planJestFile('jest.config.cjs', partial))).toBe(`module.exports = {
  reporters: ['default', '@leakgate/jest-environment/reporter'],
  testEnvironment: '@leakgate/jest-environment',
  testEnvironmentOptions: { leakgate: {} },
}
`)
    const full = after(planJestFile('jest.config.cjs', 'module.exports = {}\n'))
    expect(planJestFile('jest.config.cjs', full)).toEqual({ kind: 'already', file: 'jest.config.cjs' })
  })

  test('package.json "jest" and jest.config.json keep their indentation and key order', () => {
    const pkg = `{
    "name": "x",
    "jest": {
        "testEnvironment": "node",
        "verbose": true
    },
    "version": "1.0.0"
}
`
    const edited = JSON.parse(after(planJestJson('package.json', pkg, 'jest')))
    expect(Object.keys(edited)).toEqual(['name', 'jest', 'version'])
    expect(edited.jest).toEqual({
      testEnvironment: '@leakgate/jest-environment',
      verbose: true,
      testEnvironmentOptions: { leakgate: { mode: 'report' } },
      reporters: ['default', '@leakgate/jest-environment/reporter'],
    })
    expect(after(planJestJson('package.json', pkg, 'jest'))).toMatch(/^ {4}"name"/m)
    const again = after(planJestJson('package.json', pkg, 'jest'))
    expect(planJestJson('package.json', again, 'jest').kind).toBe('already')
  })

  test.each([
    ['projects', "module.exports = { projects: ['a'] }"],
    ['a custom environment', "module.exports = { testEnvironment: './my-env.js' }"],
    ['a preset that may set the environment', "module.exports = { preset: 'jest-preset-angular' }"],
    ['reporters from a variable', 'module.exports = { reporters }'],
    ['an async config', 'module.exports = async () => ({})'],
  ])('refused, with the lines to add: %s', (_, text) => {
    const plan = planJestFile('jest.config.js', `${text}\n`)
    expect(plan.kind).toBe('manual')
    if (plan.kind === 'manual') expect(plan.lines.join('\n')).toContain("testEnvironment: '@leakgate/jest-environment'")
  })
})

describe('Mocha configs', () => {
  test('.mocharc.cjs: the plugin in a new require, the options after it', () => {
    const text = `module.exports = {
  spec: ['test/**/*.spec.js'],
  timeout: 5000,
}
`
    expect(after(planMochaFile('.mocharc.cjs', text))).toBe(`module.exports = {
  require: ['@leakgate/mocha'],
  leakgate: { mode: 'report' },
  spec: ['test/**/*.spec.js'],
  timeout: 5000,
}
`)
    expect(after(planMochaFile('.mocharc.js', "module.exports = { spec: 'test' }\n"))).toBe(
      "module.exports = { require: ['@leakgate/mocha'], leakgate: { mode: 'report' }, spec: 'test' }\n",
    )
    expect(after(planMochaFile('.mocharc.js', 'module.exports = {}\n'))).toBe(
      "module.exports = {\n  require: ['@leakgate/mocha'],\n  leakgate: { mode: 'report' },\n}\n",
    )
  })

  test('an existing require array gets one more element; a single string becomes an array; double quotes kept', () => {
    const list = `module.exports = { require: ["ts-node/register"], leakgate: {} };\n`
    expect(after(planMochaFile('.mocharc.js', list))).toBe(
      `module.exports = { require: ["ts-node/register", "@leakgate/mocha"], leakgate: {} };\n`,
    )
    const single = "module.exports = { require: 'ts-node/register', leakgate: {} }\n"
    expect(after(planMochaFile('.mocharc.js', single))).toBe(
      "module.exports = { require: ['ts-node/register', '@leakgate/mocha'], leakgate: {} }\n",
    )
  })

  test('idempotent: a config with the plugin and its options is left alone', () => {
    const text = "module.exports = { require: ['@leakgate/mocha'], leakgate: { mode: 'report' } }\n"
    expect(planMochaFile('.mocharc.cjs', text)).toEqual({ kind: 'already', file: '.mocharc.cjs' })
    expect(planMochaJson('.mocharc.json', '{ "require": "@leakgate/mocha", "leakgate": {} }')).toEqual({
      kind: 'already',
      file: '.mocharc.json',
    })
  })

  test('.mocharc.json and package.json "mocha" keep their indentation and key order', () => {
    const rc = '{\n    "spec": "test",\n    "require": ["source-map-support/register"]\n}\n'
    expect(after(planMochaJson('.mocharc.json', rc))).toBe(
      '{\n    "spec": "test",\n    "require": [\n        "source-map-support/register",\n        "@leakgate/mocha"\n    ],\n    "leakgate": {\n        "mode": "report"\n    }\n}\n',
    )
    const pkg = '{\n  "name": "app",\n  "mocha": { "spec": "test" }\n}\n'
    expect(after(planMochaJson('package.json', pkg, 'mocha'))).toBe(
      '{\n  "name": "app",\n  "mocha": {\n    "spec": "test",\n    "require": [\n      "@leakgate/mocha"\n    ],\n    "leakgate": {\n      "mode": "report"\n    }\n  }\n}\n',
    )
  })

  test.each([
    [
      'a computed config',
      "module.exports = makeConfig('app')\n",
      /has no `export default` or `module.exports =`|too indirect|not an object/,
    ],
    [
      'a require that is not a literal',
      'module.exports = { require: plugins }\n',
      /require is neither a string nor an array literal/,
    ],
  ])('%s is left alone, with the lines to add', (_label, text, reason) => {
    const plan = planMochaFile('.mocharc.js', text)
    expect(plan.kind).toBe('manual')
    if (plan.kind === 'manual') {
      expect(plan.reason).toMatch(reason)
      expect(plan.lines).toEqual(["require: ['@leakgate/mocha'],", "leakgate: { mode: 'report' },"])
    }
  })

  test('a JSON config with comments (.mocharc.jsonc) is left alone rather than losing them', () => {
    const plan = planMochaJson('.mocharc.jsonc', '{\n  // the specs\n  "spec": "test"\n}\n')
    expect(plan.kind).toBe('manual')
  })

  test('a new .mocharc.cjs: the plugin and report mode, nothing else', () => {
    expect(newMochaConfig()).toContain("  require: ['@leakgate/mocha'],\n  leakgate: { mode: 'report' },\n")
  })
})

test('the dry-run diff shows the changed lines with their context', () => {
  expect(formatDiff('a.ts', 'one\ntwo\nthree\nfour\n', 'one\ntwo\nnew\nthree\nfour\n')).toBe(
    ['--- a.ts', '+++ a.ts', '@@ line 2 @@', '  two', '+ new', '  three'].join('\n'),
  )
  expect(formatDiff('b.ts', undefined, 'x\n')).toBe('+++ b.ts (new file)\n+ x')
})

test('did you mean: close typos only', () => {
  expect(closest('reprot', ['report', 'baseline', 'doctor', 'init'])).toBe('report')
  expect(closest('--formt', ['--format', '--output'])).toBe('--format')
  expect(closest('--no-basline', ['--baseline', '--no-baseline'])).toBe('--no-baseline')
  expect(closest('Doctor', ['report', 'doctor'])).toBe('doctor')
  expect(closest('deploy', ['report', 'baseline', 'doctor', 'init'])).toBeUndefined()
  expect(closest('x', ['init'])).toBeUndefined()
})
