import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { ERROR_CODES, withCode } from '../../src/error-codes.js'
import { createReport, writeReport } from '../../src/report/model.js'

// One error taxonomy (issue 13.3): every code leakgate gives an error or a failed run has a page
// in docs/errors/, every page is a code, and no code is used in the source without both.

const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
const PAGES = path.join(REPO, 'docs/errors')

/** Names of environment variables, not codes: they share the prefix. Each is read somewhere in src/. */
const ENVIRONMENT = new Set([
  'LEAKGATE_MODE',
  'LEAKGATE_OPTIONS',
  'LEAKGATE_SINK_DIR',
  'LEAKGATE_CONTEXT',
  'LEAKGATE_DEBUG',
  'LEAKGATE_JEST_REPORTER',
  'LEAKGATE_NODE_TEST_RUNNER',
])

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .flatMap((entry) => (entry.isFile() && entry.name.endsWith('.ts') ? [path.join(entry.parentPath, entry.name)] : []))
}

describe('error codes', () => {
  test('every code has its page, whose title is the code, and every page is a code', () => {
    const pages = fs.readdirSync(PAGES).filter((name) => name.endsWith('.md'))
    expect(pages.map((name) => name.replace(/\.md$/, '')).sort()).toEqual(Object.keys(ERROR_CODES).sort())
    for (const code of Object.keys(ERROR_CODES)) {
      expect(fs.readFileSync(path.join(PAGES, `${code}.md`), 'utf8').split('\n')[0]).toBe(`# ${code}`)
    }
  })

  test('every LEAKGATE_ name in the packages’ source is a code or an environment variable, and every variable listed is used', () => {
    const packages = path.join(REPO, 'packages')
    const unknown = new Set<string>()
    const used = new Set<string>()
    for (const name of fs.readdirSync(packages)) {
      const src = path.join(packages, name, 'src')
      if (!fs.existsSync(src)) continue
      for (const file of sources(src)) {
        for (const [word] of fs.readFileSync(file, 'utf8').matchAll(/\bLEAKGATE_[A-Z_]*[A-Z]\b/g)) {
          used.add(word)
          if (!(word in ERROR_CODES) && !ENVIRONMENT.has(word)) unknown.add(`${word} (${path.relative(REPO, file)})`)
        }
      }
    }
    expect([...unknown]).toEqual([])
    // A variable nothing reads any more must leave the list, or it would let a stray name pass.
    expect([...ENVIRONMENT].filter((name) => !used.has(name))).toEqual([])
  })

  test('withCode gives the code without changing what a runner prints', () => {
    const error = withCode(new Error('leakgate: no'), 'LEAKGATE_UNSUPPORTED')
    expect(error.code).toBe('LEAKGATE_UNSUPPORTED')
    expect(Object.keys(error)).toEqual([])
  })

  test('a report that cannot be written throws LEAKGATE_REPORT_UNWRITABLE', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-codes-'))
    try {
      fs.writeFileSync(path.join(dir, 'out'), 'a file')
      const report = createReport(
        { framework: 'test', node: process.version, mode: 'enforce', root: dir, startedAt: '' },
        [],
      )
      expect(() => writeReport(path.join(dir, 'out', 'r.json'), report)).toThrow(
        expect.objectContaining({ code: 'LEAKGATE_REPORT_UNWRITABLE' }),
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
