import { type Plan, planJsonConfig } from './plan.js'
import {
  appendElement,
  applySplices,
  detectStyle,
  findConfigObject,
  insertProperties,
  insertProperty,
  type Node,
  parseModule,
  property,
  quoted,
  type Splice,
  type Style,
  Unsupported,
} from './source.js'

// `leakgate init` for Jest: the environment (node or jsdom, as the project had), its options in
// report mode, and the reporter that writes leakgate-report.json. In a JS/TS config file (edited
// at the AST's offsets), in jest.config.json, or in package.json's "jest" key.

export const JEST_ENVIRONMENT = '@leakgate/jest-environment'
export const JEST_REPORTER = '@leakgate/jest-environment/reporter'

/** Environments leakgate can stand in for: Jest's own node and jsdom ones, by any spelling. */
const REPLACEABLE: Record<string, string> = {
  node: JEST_ENVIRONMENT,
  'jest-environment-node': JEST_ENVIRONMENT,
  jsdom: `${JEST_ENVIRONMENT}/jsdom`,
  'jest-environment-jsdom': `${JEST_ENVIRONMENT}/jsdom`,
}

export const JEST_MANUAL = [
  `testEnvironment: '${JEST_ENVIRONMENT}', // or '${JEST_ENVIRONMENT}/jsdom'`,
  "testEnvironmentOptions: { leakgate: { mode: 'report' } },",
  `reporters: ['default', '${JEST_REPORTER}'],`,
]

export function newJestConfig(): string {
  return [
    '// leakgate in report mode: every leak is recorded in leakgate-report.json, no test fails yet.',
    "// Remove mode: 'report' to enforce once the baseline is empty.",
    'module.exports = {',
    `  testEnvironment: '${JEST_ENVIRONMENT}',`,
    "  testEnvironmentOptions: { leakgate: { mode: 'report' } },",
    `  reporters: ['default', '${JEST_REPORTER}'],`,
    '}',
    '',
  ].join('\n')
}

const isOurs = (value: unknown) => typeof value === 'string' && value.startsWith(JEST_ENVIRONMENT)

/** The changes a Jest config object needs, as plain data, shared by the JS and the JSON paths. */
interface JestNeeds {
  environment?: { replace: boolean; value: string }
  options: boolean
  reporter: 'insert' | 'append' | undefined
}

function reporterNames(list: readonly unknown[]): unknown[] {
  return list.map((entry) => (Array.isArray(entry) ? entry[0] : entry))
}

function checkPreset(preset: unknown, hasEnvironment: boolean): void {
  // A preset may set its own testEnvironment (jest-preset-angular, react-native): setting ours
  // would silently replace it. ts-jest's presets do not set one.
  if (!hasEnvironment && preset !== undefined && !(typeof preset === 'string' && preset.startsWith('ts-jest'))) {
    throw new Unsupported(`its preset ${JSON.stringify(preset)} may set the test environment`)
  }
}

function needsOf(config: {
  environment: unknown
  hasEnvironment: boolean
  preset: unknown
  options: unknown
  hasOptions: boolean
  reporters: unknown
  hasReporters: boolean
  projects: boolean
}): JestNeeds {
  if (config.projects) throw new Unsupported('it has projects: each project needs the environment')
  checkPreset(config.preset, config.hasEnvironment)
  const needs: JestNeeds = { options: false, reporter: undefined }
  if (!config.hasEnvironment) needs.environment = { replace: false, value: JEST_ENVIRONMENT }
  else if (!isOurs(config.environment)) {
    const replacement = typeof config.environment === 'string' ? REPLACEABLE[config.environment] : undefined
    if (!replacement) {
      throw new Unsupported(
        `its testEnvironment ${JSON.stringify(config.environment)} is not Jest's node or jsdom one: wrap it with makeLeakgateEnvironment() (see docs/jest.md)`,
      )
    }
    needs.environment = { replace: true, value: replacement }
  }
  if (!config.hasOptions) needs.options = true
  else if (config.options === null || typeof config.options !== 'object' || Array.isArray(config.options)) {
    throw new Unsupported('its testEnvironmentOptions is not an object literal')
  } else if (!('leakgate' in config.options)) needs.options = true
  if (!config.hasReporters) needs.reporter = 'insert'
  else if (!Array.isArray(config.reporters)) throw new Unsupported('its reporters is not an array literal')
  else if (!reporterNames(config.reporters).includes(JEST_REPORTER)) needs.reporter = 'append'
  return needs
}

const nothingToDo = (needs: JestNeeds) => !needs.environment && !needs.options && !needs.reporter

/** A JS/TS literal's value when it is a plain string, else a marker object. */
function literal(node: Node | undefined): unknown {
  if (!node) return undefined
  if (node.type === 'StringLiteral') return node.value
  if (node.type === 'ArrayExpression') {
    return (node.elements as (Node | null)[]).map((element) =>
      element?.type === 'ArrayExpression' ? [literal((element.elements as Node[])[0])] : literal(element ?? undefined),
    )
  }
  if (node.type === 'ObjectExpression') {
    const out: Record<string, unknown> = {}
    for (const prop of node.properties as Node[]) {
      if (prop.type !== 'ObjectProperty') throw new Unsupported('its testEnvironmentOptions spreads another object')
      const key = prop.key as Node
      out[String(key.name ?? key.value)] = true
    }
    return out
  }
  return { unknown: node.type }
}

export function planJestFile(file: string, text: string): Plan {
  let program: Node
  try {
    program = parseModule(text, file)
  } catch (error) {
    return { kind: 'manual', file, reason: (error as Error).message, lines: JEST_MANUAL }
  }
  try {
    const object = findConfigObject(program)
    const value = (name: string) => property(object, name)?.value as Node | undefined
    const environment = value('testEnvironment')
    const options = value('testEnvironmentOptions')
    const reporters = value('reporters')
    const needs = needsOf({
      environment: literal(environment),
      hasEnvironment: environment !== undefined,
      preset: literal(value('preset')),
      options: literal(options),
      hasOptions: options !== undefined,
      reporters: literal(reporters),
      hasReporters: reporters !== undefined,
      projects: value('projects') !== undefined,
    })
    if (nothingToDo(needs)) return { kind: 'already', file }
    const style: Style = detectStyle(text)
    const q = (text: string) => quoted(style, text)
    const splices: Splice[] = []
    const inserts: string[] = []
    if (needs.environment?.replace && environment) {
      splices.push({ start: environment.start, end: environment.end, text: q(needs.environment.value) })
    } else if (needs.environment) inserts.push(`testEnvironment: ${q(needs.environment.value)}`)
    if (needs.options && options)
      splices.push(insertProperty(text, options, `leakgate: { mode: ${q('report')} }`, style))
    else if (needs.options) inserts.push(`testEnvironmentOptions: { leakgate: { mode: ${q('report')} } }`)
    if (needs.reporter === 'append' && reporters) splices.push(appendElement(text, reporters, q(JEST_REPORTER)))
    else if (needs.reporter === 'insert') inserts.push(`reporters: [${q('default')}, ${q(JEST_REPORTER)}]`)
    // In the documented order.
    if (inserts.length > 0) splices.push(insertProperties(text, object, inserts, style))
    return { kind: 'edit', file, before: text, after: applySplices(text, splices), notes: [] }
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error
    return { kind: 'manual', file, reason: error.message, lines: JEST_MANUAL }
  }
}

/**
 * jest.config.json, or package.json's "jest" key (`key`): the JSON is rewritten with the file's
 * own indentation; key order is kept (JSON.parse keeps it).
 */
export function planJestJson(file: string, text: string, key?: string): Plan {
  return planJsonConfig(file, text, key, {
    runner: 'Jest',
    parses: 'valid JSON',
    manual: JEST_MANUAL,
    edit(config) {
      const needs = needsOf({
        environment: config.testEnvironment,
        hasEnvironment: 'testEnvironment' in config,
        preset: config.preset,
        options: config.testEnvironmentOptions,
        hasOptions: 'testEnvironmentOptions' in config,
        reporters: config.reporters,
        hasReporters: 'reporters' in config,
        projects: 'projects' in config,
      })
      if (nothingToDo(needs)) return undefined
      const next: Record<string, unknown> = {}
      if (needs.environment && !needs.environment.replace) next.testEnvironment = needs.environment.value
      for (const [name, value] of Object.entries(config)) next[name] = value
      if (needs.environment?.replace) next.testEnvironment = needs.environment.value
      if (needs.options) {
        next.testEnvironmentOptions = {
          ...((config.testEnvironmentOptions as object) ?? {}),
          leakgate: { mode: 'report' },
        }
      }
      if (needs.reporter) next.reporters = [...((config.reporters as unknown[]) ?? ['default']), JEST_REPORTER]
      return next
    },
  })
}
