import type { Plan } from './plan.js'
import {
  appendElement,
  applySplices,
  declaresTopLevel,
  detectStyle,
  findConfigObject,
  importSplice,
  insertProperty,
  isEsm,
  mentionsModule,
  type Node,
  parseModule,
  property,
  quoted,
  type Splice,
  Unsupported,
} from './source.js'

// `leakgate init` for Vitest: the plugin in report mode, in the config's `plugins`.

export const VITEST_PLUGIN = '@leakgate/vitest-plugin'

/** The lines a user adds by hand when the config cannot be edited safely. */
export const VITEST_MANUAL = [
  `import { leakgate } from '${VITEST_PLUGIN}'`,
  '// in the object passed to defineConfig():',
  "plugins: [leakgate({ mode: 'report' })],",
]

/** A new vitest.config for a project that has none. */
export function newVitestConfig(): string {
  return [
    `import { leakgate } from '${VITEST_PLUGIN}'`,
    "import { defineConfig } from 'vitest/config'",
    '',
    'export default defineConfig({',
    '  // leakgate in report mode: every leak is recorded in leakgate-report.json, no test fails yet.',
    "  // Remove mode: 'report' to enforce once the baseline is empty.",
    "  plugins: [leakgate({ mode: 'report' })],",
    '})',
    '',
  ].join('\n')
}

export function planVitest(file: string, text: string): Plan {
  let program: Node
  try {
    program = parseModule(text, file)
  } catch (error) {
    return { kind: 'manual', file, reason: (error as Error).message, lines: VITEST_MANUAL }
  }
  if (mentionsModule(program, VITEST_PLUGIN)) return { kind: 'already', file }
  try {
    if (declaresTopLevel(program, 'leakgate')) throw new Unsupported('it already declares a name `leakgate`')
    const style = detectStyle(text)
    const object = findConfigObject(program)
    const call = `leakgate({ mode: ${quoted(style, 'report')} })`
    const splices: Splice[] = []
    const plugins = property(object, 'plugins')
    if (!plugins) splices.push(insertProperty(text, object, `plugins: [${call}]`, style))
    else if ((plugins.value as Node).type === 'ArrayExpression')
      splices.push(appendElement(text, plugins.value as Node, call))
    else throw new Unsupported('its `plugins` is not an array literal')
    const end = style.semicolon ? ';' : ''
    const line = isEsm(program)
      ? `import { leakgate } from ${quoted(style, VITEST_PLUGIN)}${end}`
      : `const { leakgate } = require(${quoted(style, VITEST_PLUGIN)})${end}`
    splices.push(importSplice(text, program, line))
    const notes: string[] = []
    const test = property(object, 'test')
    if (test && (test.value as Node).type === 'ObjectExpression' && property(test.value as Node, 'projects')) {
      notes.push(
        'this config has test.projects: the root plugin reaches the projects that extend it (extends: true); give the others leakgate() in their own plugins',
      )
    }
    return { kind: 'edit', file, before: text, after: applySplices(text, splices), notes }
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error
    return { kind: 'manual', file, reason: error.message, lines: VITEST_MANUAL }
  }
}
