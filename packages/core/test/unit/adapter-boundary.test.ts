import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'

// Adapters translate their runner's events into @leakgate/core/session calls: nothing outside
// core may read or write the engine's fields (issue 13). This scans every adapter's sources
// (every package but core, present and future) for the engine and its internals: imported by
// name, reached through a property, through the engine's global symbol, or by a deep import
// into core's files.

const packages = path.resolve(import.meta.dirname, '../../..')

/** Names of core's internals an adapter must not import. */
const INTERNAL_IMPORTS = new Set(['getEngine', 'Engine', 'Scope', 'ScopeTracker', 'CheckRequest', 'ChildContext'])

/** Properties and methods only the engine (or a scope) has; reading one is touching internals. */
const INTERNAL_MEMBERS = [
  'tracker',
  'frameworkPaths',
  'internalDirs',
  'active',
  'realms',
  'recorder',
  'restores',
  'runInScope',
  'createTestScope',
  'endScope',
  'violationTally',
  'violationsOf',
  'errorFor',
  'onOrphanViolation',
  'fileTopApplies',
  'interceptorState',
  'approvedDepth',
  'compileDepth',
  'verifyIntegrity',
  'childContext',
]

/** Imports a source file makes: the module specifier and the names it takes. */
function importsOf(source: string): { from: string; names: string[] }[] {
  const out: { from: string; names: string[] }[] = []
  const statement =
    /\b(?:import|export)\s+(?:type\s+)?(?:\{([^}]*)\}|\*\s+as\s+\w+|\w+)?\s*(?:,\s*\{([^}]*)\})?\s*from\s*['"]([^'"]+)['"]/g
  for (const match of source.matchAll(statement)) {
    const names = `${match[1] ?? ''},${match[2] ?? ''}`
      .split(',')
      .map(
        (name) =>
          name
            .replace(/^\s*type\s+/, '')
            .split(/\s+as\s+/)[0]
            ?.trim() ?? '',
      )
      .filter(Boolean)
    out.push({ from: match[3] as string, names })
  }
  for (const match of source.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    out.push({ from: match[1] as string, names: [] })
  }
  return out
}

/** What a source reaches of core's internals, one line each; empty when it keeps to the API. */
export function findInternals(source: string): string[] {
  const found: string[] = []
  for (const { from, names } of importsOf(source)) {
    if (from.startsWith('@leakgate/core/') && !/^@leakgate\/core\/(session|report|register|preload)$/.test(from)) {
      found.push(`deep import ${from}`)
    }
    if (/(^|\/)core\/(src|dist)\//.test(from)) found.push(`deep import ${from}`)
    if (from === '@leakgate/core' || from.startsWith('@leakgate/core/')) {
      for (const name of names) if (INTERNAL_IMPORTS.has(name)) found.push(`imports ${name}`)
    }
  }
  const code = source.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '')
  if (/Symbol\.for\(\s*['"`]leakgate\.engine['"`]\s*\)/.test(code)) found.push("uses Symbol.for('leakgate.engine')")
  for (const member of INTERNAL_MEMBERS) {
    const access = new RegExp(`(?:\\.|\\[\\s*['"\`])${member}\\b`)
    if (access.test(code)) found.push(`reads .${member}`)
  }
  return found
}

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.(?:[cm]?[jt]s)$/.test(name))
}

const adapters = fs
  .readdirSync(packages)
  .filter((name) => name !== 'core' && fs.existsSync(path.join(packages, name, 'src')))

describe('adapters keep to the session API', () => {
  test('there are adapters to check', () => {
    expect(adapters).toEqual(expect.arrayContaining(['vitest-plugin', 'jest-environment']))
  })

  test.each(adapters)('%s/src reads no engine internals', (adapter) => {
    const dir = path.join(packages, adapter, 'src')
    const found: string[] = []
    for (const file of sources(dir)) {
      for (const what of findInternals(fs.readFileSync(path.join(dir, file), 'utf8'))) found.push(`${file}: ${what}`)
    }
    expect(found).toEqual([])
  })
})

describe('the check itself', () => {
  test.each([
    ["import { getEngine } from '@leakgate/core'", 'imports getEngine'],
    ["import { type Engine, install } from '@leakgate/core'", 'imports Engine'],
    ["import type { Scope } from '@leakgate/core'", 'imports Scope'],
    ["import { x } from '@leakgate/core/dist/engine.js'", 'deep import @leakgate/core/dist/engine.js'],
    ["import { x } from '../../core/src/engine.js'", 'deep import ../../core/src/engine.js'],
    ["const e = require('@leakgate/core/src/scope')", 'deep import @leakgate/core/src/scope'],
    ['engine.tracker.current = scope', 'reads .tracker'],
    ['if (!engine.active) load()', 'reads .active'],
    ['filter.frameworkPaths.push(x)', 'reads .frameworkPaths'],
    ['engine["tracker"].current = s', 'reads .tracker'],
    ['engine.realms.delete(global)', 'reads .realms'],
    ['return engine.runInScope(scope, fn)', 'reads .runInScope'],
    ['const error = engine.errorFor(record)', 'reads .errorFor'],
    ["const KEY = Symbol.for('leakgate.engine')", "uses Symbol.for('leakgate.engine')"],
  ])('flags %s', (source, what) => {
    expect(findInternals(source)).toContain(what)
  })

  test.each([
    "import { allowAudit, LeakgateError } from '@leakgate/core'",
    "import { openSession, type TestAttempt } from '@leakgate/core/session'",
    "import { readRecords } from '@leakgate/core/report'",
    'const attempt = file.startAttempt(name, id); await attempt.run(fn)',
    '// engine.tracker.current was written here once',
    "const outcome = attempt.end({ errors }); if (session.auditing) load(); const active = 'x'",
    'const options = { tracker: true }; const kept = records.filter(Boolean)',
  ])('passes %s', (source) => {
    expect(findInternals(source)).toEqual([])
  })
})
