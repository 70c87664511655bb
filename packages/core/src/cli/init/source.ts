import { parse } from '@babel/parser'

// Editing a JS/TS config file without reprinting it: @babel/parser finds the nodes, and each
// change is a splice of text at a node's offsets, so the user's formatting and comments stay
// exactly as they were. Only shapes recognised here are edited; anything else is refused and the
// caller prints the lines to add instead.

/** The parts of a Babel AST node this module reads (kept loose: no @babel/types at run time). */
export interface Node {
  type: string
  start: number
  end: number
  [key: string]: unknown
}

export interface Splice {
  start: number
  end: number
  text: string
}

export class Unsupported extends Error {}

export function parseModule(text: string, file: string): Node {
  const typescript = /\.[cm]?tsx?$/.test(file)
  try {
    return parse(text, {
      sourceType: 'unambiguous',
      plugins: typescript ? ['typescript'] : ['jsx'],
      errorRecovery: false,
    }).program as unknown as Node
  } catch (error) {
    throw new Unsupported(`${file} could not be parsed (${(error as Error).message})`)
  }
}

export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text
  for (const splice of [...splices].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, splice.start) + splice.text + out.slice(splice.end)
  }
  return out
}

const body = (program: Node) => program.body as Node[]
const unwrap = (node: Node): Node =>
  ['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'ParenthesizedExpression'].includes(node.type)
    ? unwrap(node.expression as Node)
    : node

/** The initializer of a top-level `const name = ...`. */
function topLevelConst(program: Node, name: string): Node | undefined {
  for (const statement of body(program)) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? (statement.declaration as Node | null) : statement
    if (declaration?.type !== 'VariableDeclaration') continue
    for (const declarator of declaration.declarations as Node[]) {
      const id = declarator.id as Node
      if (id.type === 'Identifier' && id.name === name && declarator.init) return declarator.init as Node
    }
  }
  return undefined
}

const CONFIG_HELPERS = ['defineConfig', 'defineProject']

/**
 * The object literal a config exports: `export default {...}`, `module.exports = {...}`, through
 * `defineConfig({...})`, `defineConfig(() => ({...}))`, `mergeConfig(base, {...})`, a top-level
 * const, `satisfies`/`as`. Throws Unsupported for anything else (a function body, a call of the
 * project's own helper, an await).
 */
export function findConfigObject(program: Node): Node {
  let exported: Node | undefined
  for (const statement of body(program)) {
    if (statement.type === 'ExportDefaultDeclaration') exported = statement.declaration as Node
    if (statement.type === 'ExpressionStatement') {
      const expression = statement.expression as Node
      if (expression.type === 'AssignmentExpression' && isModuleExports(expression.left as Node)) {
        exported = expression.right as Node
      }
    }
  }
  if (!exported) throw new Unsupported('it has no `export default` or `module.exports =`')
  return resolveObject(program, exported, 0)
}

function isModuleExports(node: Node): boolean {
  return (
    node.type === 'MemberExpression' &&
    (node.object as Node).type === 'Identifier' &&
    (node.object as Node).name === 'module' &&
    (node.property as Node).type === 'Identifier' &&
    (node.property as Node).name === 'exports'
  )
}

function resolveObject(program: Node, start: Node, depth: number): Node {
  const node = unwrap(start)
  if (depth > 5) throw new Unsupported('its exported config is too indirect to edit safely')
  if (node.type === 'ObjectExpression') return node
  if (node.type === 'Identifier') {
    const init = topLevelConst(program, node.name as string)
    if (!init) throw new Unsupported(`its export \`${node.name}\` is not a top-level const`)
    return resolveObject(program, init, depth + 1)
  }
  if (node.type === 'CallExpression' && (node.callee as Node).type === 'Identifier') {
    const callee = (node.callee as Node).name as string
    const args = node.arguments as Node[]
    if (CONFIG_HELPERS.includes(callee) && args.length === 1) {
      const arg = unwrap(args[0] as Node)
      if (
        (arg.type === 'ArrowFunctionExpression' || arg.type === 'FunctionExpression') &&
        unwrap(arg.body as Node).type === 'ObjectExpression'
      ) {
        return unwrap(arg.body as Node)
      }
      return resolveObject(program, arg, depth + 1)
    }
    if (callee === 'mergeConfig' && args.length >= 2) return resolveObject(program, args.at(-1) as Node, depth + 1)
  }
  throw new Unsupported('its exported config is not an object literal leakgate can edit safely')
}

/** A property of an object literal by its (identifier or string) key. */
export function property(object: Node, name: string): Node | undefined {
  for (const prop of object.properties as Node[]) {
    if (prop.type !== 'ObjectProperty' || prop.computed) continue
    const key = prop.key as Node
    if ((key.type === 'Identifier' && key.name === name) || (key.type === 'StringLiteral' && key.value === name)) {
      return prop
    }
  }
  if ((object.properties as Node[]).some((prop) => prop.type === 'SpreadElement')) {
    // `{ ...base }` may hold the key: editing around it could silently override it.
    throw new Unsupported(`its config object spreads another object, which may already set \`${name}\``)
  }
  return undefined
}

export interface Style {
  quote: "'" | '"'
  semicolon: boolean
  indent: string
}

/** The file's own quotes, semicolons and indentation, so inserted lines look like the rest. */
export function detectStyle(text: string): Style {
  const singles = (text.match(/'/g) ?? []).length
  const doubles = (text.match(/"/g) ?? []).length
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  '
  const firstLine = text.split('\n').find((line) => /^(import|const|export|module)\b/.test(line)) ?? ''
  return { quote: doubles > singles ? '"' : "'", semicolon: /;\s*$/.test(firstLine), indent }
}

export function quoted(style: Style, value: string): string {
  return `${style.quote}${value}${style.quote}`
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1
}

function indentAt(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))?.[0] ?? ''
}

/** Inserts `key: value` as the first property of an object literal, in the object's layout. */
export function insertProperty(text: string, object: Node, source: string, style: Style): Splice {
  const props = object.properties as Node[]
  const first = props[0]
  if (!first) {
    const inner = indentAt(text, object.start) + style.indent
    return { start: object.start, end: object.end, text: `{\n${inner}${source},\n${indentAt(text, object.start)}}` }
  }
  const multiline = text.slice(object.start, first.start).includes('\n')
  if (multiline)
    return { start: object.start + 1, end: object.start + 1, text: `\n${indentAt(text, first.start)}${source},` }
  return { start: first.start, end: first.start, text: `${source}, ` }
}

/**
 * Several new properties as one splice at the same place (two splices there would land in
 * reverse), in the given order and in the object's layout.
 */
export function insertProperties(text: string, object: Node, sources: readonly string[], style: Style): Splice {
  const [head, ...rest] = sources as [string, ...string[]]
  const first = insertProperty(text, object, head, style)
  if (rest.length === 0) return first
  const indent = /\n([ \t]*)/.exec(first.text)?.[1]
  first.text =
    indent === undefined
      ? first.text.replace(head, [head, ...rest].join(', '))
      : first.text.replace(`${head},`, [head, ...rest].map((source) => `${source},`).join(`\n${indent}`))
  return first
}

/** Appends an element to an array literal, in the array's layout. */
export function appendElement(text: string, array: Node, source: string): Splice {
  const elements = (array.elements as (Node | null)[]).filter((element): element is Node => element !== null)
  const last = elements.at(-1)
  if (!last) return { start: array.start + 1, end: array.end - 1, text: source }
  const multiline = text.slice(array.start, last.start).includes('\n')
  return {
    start: last.end,
    end: last.end,
    text: multiline ? `,\n${indentAt(text, last.start)}${source}` : `, ${source}`,
  }
}

/** Where a new import (or require) line goes: after the last one, else at the top. */
export function importSplice(text: string, program: Node, line: string): Splice {
  let after: Node | undefined
  for (const statement of body(program)) {
    if (statement.type === 'ImportDeclaration' || isRequireDeclaration(statement)) after = statement
  }
  if (after) return { start: after.end, end: after.end, text: `\n${line}` }
  const shebang = text.startsWith('#!') ? text.indexOf('\n') + 1 : 0
  return { start: shebang, end: shebang, text: `${line}\n` }
}

function isRequireDeclaration(statement: Node): boolean {
  if (statement.type !== 'VariableDeclaration') return false
  return (statement.declarations as Node[]).some((declarator) => {
    const init = declarator.init as Node | null
    return (
      init?.type === 'CallExpression' &&
      (init.callee as Node).type === 'Identifier' &&
      (init.callee as Node).name === 'require'
    )
  })
}

/** Does the module import or require `name` (or a subpath of it)? */
export function mentionsModule(program: Node, name: string): boolean {
  const matches = (value: unknown) => typeof value === 'string' && (value === name || value.startsWith(`${name}/`))
  let found = false
  const visit = (node: unknown): void => {
    if (found || node === null || typeof node !== 'object') return
    if (Array.isArray(node)) {
      for (const child of node) visit(child)
      return
    }
    const n = node as Node
    if (n.type === 'ImportDeclaration' && matches((n.source as Node).value)) found = true
    if (n.type === 'StringLiteral' && matches(n.value)) found = true
    for (const key of Object.keys(n)) {
      if (key !== 'loc' && key !== 'start' && key !== 'end') visit(n[key])
    }
  }
  visit(program)
  return found
}

/** Is `name` declared at the top level (an import binding or a declaration)? */
export function declaresTopLevel(program: Node, name: string): boolean {
  for (const statement of body(program)) {
    if (statement.type === 'ImportDeclaration') {
      if ((statement.specifiers as Node[]).some((specifier) => (specifier.local as Node).name === name)) return true
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations as Node[]) {
        const id = declarator.id as Node
        if (id.type === 'Identifier' && id.name === name) return true
        if (id.type === 'ObjectPattern' && JSON.stringify(id).includes(`"name":"${name}"`)) return true
      }
    }
    if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) {
      if ((statement.id as Node).name === name) return true
    }
  }
  return false
}

/** ESM (`import`/`export`) or CommonJS (`require`/`module.exports`). */
export function isEsm(program: Node): boolean {
  return body(program).some((statement) =>
    ['ImportDeclaration', 'ExportDefaultDeclaration', 'ExportNamedDeclaration'].includes(statement.type),
  )
}
