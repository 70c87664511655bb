import fs from 'node:fs'
import path from 'node:path'
import { LeakgateInputError } from '../report/input-error.js'

// Report arguments may be globs (`reports/**/leakgate-report.json`), for shells that do not
// expand `**` and for the GitHub action, which passes its input as one word. `*` and `?` match
// within a path segment, `**` across segments; node_modules and .git are never searched.

const GLOB = /[*?[]/

function toRegExp(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/'
        source += slash ? '(?:.*/)?' : '.*'
        i += slash ? 2 : 1
      } else source += '[^/]*'
    } else if (char === '?') source += '[^/]'
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) walk(full, out)
    else if (entry.isFile()) out.push(full)
  }
}

/** Expands globs among `args` (relative to `cwd`); plain paths pass through unchanged. */
export function expandFiles(args: readonly string[], cwd: string): string[] {
  const files: string[] = []
  for (const arg of args) {
    if (!GLOB.test(arg)) {
      files.push(arg)
      continue
    }
    const normalized = arg.split(path.sep).join('/')
    const segments = normalized.split('/')
    const firstGlob = segments.findIndex((segment) => GLOB.test(segment))
    const base = segments.slice(0, firstGlob).join('/')
    const baseDir = path.resolve(cwd, base || '.')
    const matcher = toRegExp(segments.slice(firstGlob).join('/'))
    const found: string[] = []
    walk(baseDir, found)
    const matches = found
      .map((file) => path.relative(baseDir, file).split(path.sep).join('/'))
      .filter((relative) => matcher.test(relative))
      .sort()
      .map((relative) => (base ? `${base}/${relative}` : relative))
    if (matches.length === 0) {
      throw new LeakgateInputError(
        'LEAKGATE_REPORT_INVALID',
        `${arg}: no file matches this pattern (searched ${path.relative(cwd, baseDir) || '.'}). Check the path, or that the test jobs uploaded their reports.`,
      )
    }
    files.push(...matches)
  }
  return [...new Set(files)]
}
