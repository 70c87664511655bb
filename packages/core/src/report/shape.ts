// A small structural checker for the JSON files the gate reads. It names the first problem by
// its path (`events[3].count`), which is all a person needs to see that a file is damaged or
// foreign. The published JSON Schema (report-schema.json) is the full contract; this is the
// subset the CLI relies on, without a validator dependency at run time.

export type Check = (value: unknown, path: string) => string | undefined

const describe = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'string'
        ? JSON.stringify(value).slice(0, 40)
        : typeof value === 'object'
          ? 'an object'
          : String(value)

export const isString: Check = (value, path) =>
  typeof value === 'string' ? undefined : `${path} is ${describe(value)}; expected a string`

export const isBoolean: Check = (value, path) =>
  typeof value === 'boolean' ? undefined : `${path} is ${describe(value)}; expected true or false`

export const isCount: Check = (value, path) =>
  Number.isInteger(value) && (value as number) >= 1
    ? undefined
    : `${path} is ${describe(value)}; expected a positive integer`

export const isPosition: Check = (value, path) =>
  Number.isInteger(value) && (value as number) >= 0
    ? undefined
    : `${path} is ${describe(value)}; expected a line or column number`

export function oneOf(...values: readonly string[]): Check {
  return (value, path) =>
    typeof value === 'string' && values.includes(value)
      ? undefined
      : `${path} is ${describe(value)}; expected ${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`
}

export function optional(check: Check): Check {
  return (value, path) => (value === undefined ? undefined : check(value, path))
}

/** An object with these properties (others are allowed: newer minor fields). */
export function object(fields: Record<string, Check>): Check {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return `${path} is ${describe(value)}; expected an object`
    }
    for (const [name, check] of Object.entries(fields)) {
      const problem = check((value as Record<string, unknown>)[name], path ? `${path}.${name}` : name)
      if (problem) return problem
    }
    return undefined
  }
}

export function arrayOf(check: Check): Check {
  return (value, path) => {
    if (!Array.isArray(value)) return `${path} is ${describe(value)}; expected an array`
    for (let i = 0; i < value.length; i++) {
      const problem = check(value[i], `${path}[${i}]`)
      if (problem) return problem
    }
    return undefined
  }
}
