import type { Plan } from './plan.js'
import {
  appendElement,
  applySplices,
  detectStyle,
  findConfigObject,
  insertProperty,
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
    if (inserts.length > 0) {
      // One splice for both (two at the same place would land in reverse), in the object's layout.
      const first = insertProperty(text, object, inserts[0] as string, style)
      const second = inserts[1]
      if (second !== undefined) {
        const indent = /\n([ \t]*)/.exec(first.text)?.[1]
        first.text = first.text.replace(
          `${inserts[0]},`,
          indent === undefined ? `${inserts[0]}, ${second},` : `${inserts[0]},\n${indent}${second},`,
        )
      }
      splices.push(first)
    }
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
  let json: Record<string, unknown>
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    return { kind: 'manual', file, reason: `it is not plain JSON (${(error as Error).message})`, lines: MOCHA_MANUAL }
  }
  const config = (key ? json[key] : json) as Record<string, unknown>
  const where = key ? `${file}#${key}` : file
  try {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new Unsupported('its Mocha config is not an object')
    }
    const needs = needsOf(config.require, 'require' in config, 'leakgate' in config)
    if (!needs.require && !needs.options) return { kind: 'already', file: where }
    const next: Record<string, unknown> = { ...config }
    if (needs.require === 'insert') next.require = [MOCHA_PLUGIN]
    else if (needs.require === 'wrap') next.require = [config.require, MOCHA_PLUGIN]
    else if (needs.require === 'append') next.require = [...(config.require as unknown[]), MOCHA_PLUGIN]
    if (needs.options) next.leakgate = { mode: 'report' }
    const indent = /^[ \t]+/m.exec(text)?.[0] ?? '  '
    const whole = key ? { ...json, [key]: next } : next
    const after = `${JSON.stringify(whole, null, indent)}${text.endsWith('\n') ? '\n' : ''}`
    return { kind: 'edit', file, before: text, after, notes: [] }
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error
    return { kind: 'manual', file: where, reason: error.message, lines: MOCHA_MANUAL }
  }
}
