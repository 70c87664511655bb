import { type Plan, planJsonConfig } from './plan.js'
import {
  appendElement,
  applySplices,
  detectStyle,
  findConfigObject,
  insertProperties,
  type Node,
  parseModule,
  property,
  quoted,
  type Splice,
  Unsupported,
} from './source.js'

// `leakgate init` for Mocha: the plugin in `require` and `leakgate: { mode: 'report' }` in the
// Mocha config (.mocharc.js/.cjs, .mocharc.json, or package.json's "mocha"); a new .mocharc.cjs
// for a project that has none. YAML and JSONC configs (comments would be lost) are left alone,
// with the lines to add.

export const MOCHA_PLUGIN = '@leakgate/mocha'

export const MOCHA_MANUAL = [`require: ['${MOCHA_PLUGIN}'],`, "leakgate: { mode: 'report' },"]

/** A new .mocharc.cjs for a project that has no Mocha config (Mocha's defaults stay as they were). */
export function newMochaConfig(): string {
  return [
    '// leakgate in report mode: every leak is recorded in leakgate-report.json, no test fails yet.',
    "// Remove mode: 'report' to enforce once the baseline is empty.",
    'module.exports = {',
    `  require: ['${MOCHA_PLUGIN}'],`,
    "  leakgate: { mode: 'report' },",
    '}',
    '',
  ].join('\n')
}

interface MochaNeeds {
  require: 'insert' | 'append' | 'wrap' | undefined
  options: boolean
}

function needsOf(required: unknown, hasRequire: boolean, hasOptions: boolean): MochaNeeds {
  const needs: MochaNeeds = { require: undefined, options: !hasOptions }
  if (!hasRequire) needs.require = 'insert'
  else if (typeof required === 'string') needs.require = required === MOCHA_PLUGIN ? undefined : 'wrap'
  else if (!Array.isArray(required)) throw new Unsupported('its require is neither a string nor an array literal')
  else if (!required.includes(MOCHA_PLUGIN)) needs.require = 'append'
  return needs
}

function literal(node: Node | undefined): unknown {
  if (!node) return undefined
  if (node.type === 'StringLiteral') return node.value
  if (node.type === 'ArrayExpression') {
    return (node.elements as (Node | null)[]).map((element) =>
      element?.type === 'StringLiteral' ? element.value : { unknown: element?.type },
    )
  }
  return { unknown: node.type }
}

/** .mocharc.js / .mocharc.cjs (`module.exports = { ... }`). */
export function planMochaFile(file: string, text: string): Plan {
  let program: Node
  try {
    program = parseModule(text, file)
  } catch (error) {
    return { kind: 'manual', file, reason: (error as Error).message, lines: MOCHA_MANUAL }
  }
  try {
    const object = findConfigObject(program)
    const required = property(object, 'require')?.value as Node | undefined
    const needs = needsOf(literal(required), required !== undefined, property(object, 'leakgate') !== undefined)
    if (!needs.require && !needs.options) return { kind: 'already', file }
    const style = detectStyle(text)
    const q = (value: string) => quoted(style, value)
    const splices: Splice[] = []
    const inserts: string[] = []
    if (needs.require === 'append' && required) splices.push(appendElement(text, required, q(MOCHA_PLUGIN)))
    else if (needs.require === 'wrap' && required) {
      splices.push({
        start: required.start as number,
        end: required.end as number,
        text: `[${text.slice(required.start as number, required.end as number)}, ${q(MOCHA_PLUGIN)}]`,
      })
    } else if (needs.require === 'insert') inserts.push(`require: [${q(MOCHA_PLUGIN)}]`)
    if (needs.options) inserts.push(`leakgate: { mode: ${q('report')} }`)
    if (inserts.length > 0) splices.push(insertProperties(text, object, inserts, style))
    return { kind: 'edit', file, before: text, after: applySplices(text, splices), notes: [] }
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error
    return { kind: 'manual', file, reason: error.message, lines: MOCHA_MANUAL }
  }
}

/**
 * .mocharc.json, or package.json's "mocha" key (`key`): rewritten with the file's own
 * indentation, keys in their order.
 */
export function planMochaJson(file: string, text: string, key?: string): Plan {
  return planJsonConfig(file, text, key, {
    runner: 'Mocha',
    parses: 'plain JSON',
    manual: MOCHA_MANUAL,
    edit(config) {
      const needs = needsOf(config.require, 'require' in config, 'leakgate' in config)
      if (!needs.require && !needs.options) return undefined
      const next: Record<string, unknown> = { ...config }
      if (needs.require === 'insert') next.require = [MOCHA_PLUGIN]
      else if (needs.require === 'wrap') next.require = [config.require, MOCHA_PLUGIN]
      else if (needs.require === 'append') next.require = [...(config.require as unknown[]), MOCHA_PLUGIN]
      if (needs.options) next.leakgate = { mode: 'report' }
      return next
    },
  })
}
