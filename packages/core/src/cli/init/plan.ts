import { Unsupported } from './source.js'

// What `leakgate init` will do to one file: write it (edit or create), nothing (already set up),
// or leave it alone and print the lines to add (a shape it cannot edit safely).

export type Plan =
  | { kind: 'edit'; file: string; before: string | undefined; after: string; notes: string[] }
  | { kind: 'already'; file: string }
  | { kind: 'manual'; file: string; reason: string; lines: readonly string[] }

/** What a runner's JSON config (its own file, or a key of package.json) needs from `leakgate init`. */
export interface JsonConfigEdit {
  /** The runner, as the refusal of a config that is not an object names it. */
  runner: string
  /** What `init` says of a file that does not parse: `valid JSON`, `plain JSON`. */
  parses: string
  /** The lines to add by hand. */
  manual: readonly string[]
  /** The config with leakgate set up; undefined when it is already. Throws Unsupported to leave it to the user. */
  edit(config: Record<string, unknown>): Record<string, unknown> | undefined
}

/**
 * A JSON config, or package.json's `key`: rewritten with the file's own indentation, keys in
 * their order (JSON.parse keeps it). A shape `edit` cannot handle (Unsupported) is left to the user.
 */
export function planJsonConfig(file: string, text: string, key: string | undefined, spec: JsonConfigEdit): Plan {
  let json: Record<string, unknown>
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    return {
      kind: 'manual',
      file,
      reason: `it is not ${spec.parses} (${(error as Error).message})`,
      lines: spec.manual,
    }
  }
  const config = (key ? json[key] : json) as Record<string, unknown>
  const where = key ? `${file}#${key}` : file
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    return { kind: 'manual', file: where, reason: `its ${spec.runner} config is not an object`, lines: spec.manual }
  }
  let next: Record<string, unknown> | undefined
  try {
    next = spec.edit(config)
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error
    return { kind: 'manual', file: where, reason: error.message, lines: spec.manual }
  }
  if (!next) return { kind: 'already', file: where }
  const indent = /^[ \t]+/m.exec(text)?.[0] ?? '  '
  const whole = key ? { ...json, [key]: next } : next
  const after = `${JSON.stringify(whole, null, indent)}${text.endsWith('\n') ? '\n' : ''}`
  return { kind: 'edit', file, before: text, after, notes: [] }
}
