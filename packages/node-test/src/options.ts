import fs from 'node:fs'
import path from 'node:path'
import { LeakgateError, type LeakgateOptions, normalizeOptions, OPTION_CHECKS, type OptionSpec } from '@leakgate/core'

// Where the options come from: node:test has no config file of its own, so the project's
// package.json ("leakgate": { ... }), and LEAKGATE_OPTIONS (a JSON object, as for
// @leakgate/core/register), whose keys win. Both are checked by core's validator: a bad option
// stops the run before any test, with a message that names the key and where it was written.

export const OPTIONS_ENV = 'LEAKGATE_OPTIONS'

export const DEFAULT_REPORT = 'leakgate-report.json'

/** The keys this adapter adds to core's (and the one it manages), for core's validator. */
const SPEC: OptionSpec = {
  extra: { report: OPTION_CHECKS.outputFileOrFalse },
  managed: { sinkDir: '@leakgate/node-test manages its own sink; set `report` for where the report goes' },
  example: '"leakgate": { "allow": { "net": ["api.example.com:443"] } }',
}

export interface LoadedOptions {
  /** Core's options (without `report`). */
  options: LeakgateOptions
  /** Where the report goes, relative to the root (default leakgate-report.json), or false. */
  report: string | false
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
    normalizeOptions(options as LeakgateOptions, env, { ...SPEC, base: cwd })
  } catch (error) {
    if (LeakgateError.is(error) && sources.length > 0 && !error.message.includes(' in ')) {
      throw new LeakgateError(error.code, `${error.message}\n\n  in ${sources.join(' and ')}`)
    }
    throw error
  }
  const { report = DEFAULT_REPORT, ...core } = options as LeakgateOptions & { report?: string | false }
  return { options: core, report, sources }
}
