import fs from 'node:fs'
import path from 'node:path'
import { LeakgateError, type LeakgateOptions, normalizeOptions } from '@leakgate/core'

// Where the options come from: node:test has no config file of its own, so the project's
// package.json ("leakgate": { ... }), and LEAKGATE_OPTIONS (a JSON object, as for
// @leakgate/core/register), whose keys win. Both are checked by core's validator: a bad option
// stops the run before any test, with a message that names the key and where it was written.

export const OPTIONS_ENV = 'LEAKGATE_OPTIONS'

export interface LoadedOptions {
  options: LeakgateOptions
  /** Where they were read, for messages. */
  sources: string[]
}

function invalid(message: string): LeakgateError {
  return new LeakgateError('LEAKGATE_INVALID_OPTION', `invalid leakgate option ${message}`)
}

function findPackageJson(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json')
    if (fs.existsSync(candidate)) return candidate
    if (path.dirname(dir) === dir) return undefined
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads and checks the options; throws LEAKGATE_INVALID_OPTION naming the key and its source. */
export function loadOptions(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): LoadedOptions {
  const options: Record<string, unknown> = {}
  const sources: string[] = []
  const packageJson = findPackageJson(cwd)
  if (packageJson) {
    let pkg: unknown
    try {
      pkg = JSON.parse(fs.readFileSync(packageJson, 'utf8'))
    } catch {
      pkg = undefined // not ours to judge: Node says so when it matters
    }
    const own = isPlainObject(pkg) ? pkg.leakgate : undefined
    if (own !== undefined) {
      const where = `"leakgate" in ${path.relative(cwd, packageJson) || 'package.json'}`
      if (!isPlainObject(own))
        throw invalid(`${where}: expected an object like {"mode":"report"}, got ${JSON.stringify(own)}`)
      Object.assign(options, own)
      sources.push(where)
    }
  }
  const raw = env[OPTIONS_ENV]
  if (raw) {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch (error) {
      throw invalid(
        `${OPTIONS_ENV} (environment): not valid JSON (${(error as Error).message.split('\n', 1)[0]}). Write a JSON object like {"mode":"report","allow":{"exec":["git"]}}.`,
      )
    }
    if (!isPlainObject(parsed)) throw invalid(`${OPTIONS_ENV} (environment): expected a JSON object, got ${raw}`)
    Object.assign(options, parsed)
    sources.push(`${OPTIONS_ENV} (environment)`)
  }
  try {
    normalizeOptions(options as LeakgateOptions, env)
  } catch (error) {
    if (LeakgateError.is(error) && sources.length > 0 && !error.message.includes(' in ')) {
      throw new LeakgateError(error.code, `${error.message}\n\n  in ${sources.join(' and ')}`)
    }
    throw error
  }
  return { options: options as LeakgateOptions, sources }
}
