import schemaJson from '../../report-schema.json' with { type: 'json' }

// The report's shape has one source of truth: report-schema.json, published with the package.
// This checks a value against it (or one of its $defs) with the subset of JSON Schema that file
// uses, and names the first problem by its path (`events[3].count is -1; expected a positive
// integer`): all a person needs to see that a file is damaged or foreign. No validator
// dependency, and no code generated at run time.
//
// Unknown properties are accepted on reading (`additionalProperties` is for writers): a newer
// minor version may add a field; an incompatible change bumps `schemaVersion` instead.

export interface SchemaNode {
  $ref?: string
  type?: string | string[]
  const?: unknown
  enum?: unknown[]
  required?: string[]
  properties?: Record<string, SchemaNode>
  items?: SchemaNode
  minimum?: number
  pattern?: string
}

interface SchemaDocument extends SchemaNode {
  $defs: Record<string, SchemaNode>
}

export const REPORT_SCHEMA = schemaJson as unknown as SchemaDocument

function describe(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value)
  if (typeof value === 'object') return 'an object'
  return String(value)
}

function list(values: readonly unknown[]): string {
  const words = values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
  return words.length === 1 ? (words[0] as string) : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`
}

function resolve(node: SchemaNode, root: SchemaDocument): SchemaNode {
  let current = node
  for (let depth = 0; current.$ref !== undefined && depth < 8; depth++) {
    const name = /^#\/\$defs\/(.+)$/.exec(current.$ref)?.[1]
    const target = name === undefined ? undefined : root.$defs[name]
    if (!target) throw new Error(`report-schema.json: unresolved $ref ${current.$ref}`)
    current = target
  }
  return current
}

/** What a value of this type is called in a message. */
function expectedType(node: SchemaNode): string {
  const types = Array.isArray(node.type) ? node.type : [node.type]
  const words = types.map((type) => {
    switch (type) {
      case 'string':
        return 'a string'
      case 'boolean':
        return 'true or false'
      case 'integer':
        if (node.minimum === 1) return 'a positive integer'
        return node.minimum === 0 ? 'an integer of 0 or more' : 'an integer'
      case 'number':
        return 'a number'
      case 'object':
        return 'an object'
      case 'array':
        return 'an array'
      case 'null':
        return 'null'
      default:
        return String(type)
    }
  })
  return list(words)
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
    case 'array':
      return Array.isArray(value)
    case 'null':
      return value === null
    default:
      return false
  }
}

const patterns = new Map<string, RegExp>()

function matches(pattern: string, text: string): boolean {
  let regexp = patterns.get(pattern)
  if (!regexp) {
    regexp = new RegExp(pattern)
    patterns.set(pattern, regexp)
  }
  return regexp.test(text)
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name
}

/** The first problem of `value` against `node`, or undefined when it conforms. */
export function checkNode(value: unknown, node: SchemaNode, path: string, root = REPORT_SCHEMA): string | undefined {
  const schema = resolve(node, root)
  const at = path || 'the file'
  if (schema.const !== undefined && value !== schema.const) {
    return `${at} is ${describe(value)}; expected ${JSON.stringify(schema.const)}`
  }
  if (schema.enum && !schema.enum.includes(value)) return `${at} is ${describe(value)}; expected ${list(schema.enum)}`
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type]
    if (!types.some((type) => hasType(value, type)))
      return `${at} is ${describe(value)}; expected ${expectedType(schema)}`
  }
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) {
    return `${at} is ${describe(value)}; expected ${expectedType(schema)}`
  }
  if (schema.pattern !== undefined && typeof value === 'string' && !matches(schema.pattern, value)) {
    return `${at} is ${describe(value)}; expected text matching ${schema.pattern}`
  }
  if (hasType(value, 'object')) {
    const record = value as Record<string, unknown>
    for (const name of schema.required ?? []) {
      if (!Object.hasOwn(record, name)) {
        const property = schema.properties?.[name]
        const expected = property ? `; expected ${expectedOf(property, root)}` : ''
        return `${join(path, name)} is missing${expected}`
      }
    }
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (!Object.hasOwn(record, name)) continue
      const problem = checkNode(record[name], property, join(path, name), root)
      if (problem) return problem
    }
  }
  if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) {
      const problem = checkNode(value[i], schema.items, `${path}[${i}]`, root)
      if (problem) return problem
    }
  }
  return undefined
}

function expectedOf(node: SchemaNode, root: SchemaDocument): string {
  const schema = resolve(node, root)
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  if (schema.enum) return list(schema.enum)
  return schema.type === undefined ? 'a value' : expectedType(schema)
}

/** Checks a whole report against report-schema.json. */
export function checkReportShape(value: unknown): string | undefined {
  return checkNode(value, REPORT_SCHEMA, '')
}

/** Checks a value against one of the schema's $defs (`baseline`, `event`, ...). */
export function checkDefinition(value: unknown, name: string): string | undefined {
  return checkNode(value, { $ref: `#/$defs/${name}` }, '')
}
