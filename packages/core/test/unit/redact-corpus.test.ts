import { describe, expect, test } from 'vitest'
// The corpus is the secrets fixture's own (fixtures/secrets), so what the adapters' e2e runs is
// what is checked here, word for word.
// @ts-expect-error: a plain ES module of the fixtures, without types
import { ARGV, CODE, LINES } from '../../../../fixtures/secrets/corpus.js'
import { formatCommand, previewCode, redactCommandLine, redactErrorFields, redactText } from '../../src/redact.js'

// Issue 11.4: secrets never reach a record. Table-driven over a corpus of secret-bearing
// commands (curl, wget, git, docker, mysql, psql, aws, gh, npm), shell lines, URLs and code:
// each target as the interceptors build it must hold none of its secrets, must keep the words
// that are not secret, and must survive the final pass records get (redactText) unchanged.

interface Entry {
  tool: string
  secrets: string[]
  keep: string[]
}

function check(shown: string, entry: Entry): void {
  for (const secret of entry.secrets) expect(shown, `${secret} in ${shown}`).not.toContain(secret)
  for (const word of entry.keep) expect(shown, `${word} lost in ${shown}`).toContain(word)
  expect(redactText(shown)).toBe(shown)
}

describe('argv (execFile, spawn)', () => {
  test.each((ARGV as (Entry & { argv: string[] })[]).map((entry) => [entry.argv.join(' '), entry]))(
    '%s',
    (_, entry) => {
      check(formatCommand(entry.argv[0] as string, entry.argv.slice(1), 400), entry)
    },
  )
})

describe('shell lines (exec, execSync, sh -c)', () => {
  test.each((LINES as (Entry & { line: string })[]).map((entry) => [entry.line, entry]))('%s', (_, entry) => {
    check(redactCommandLine(entry.line), entry)
  })
})

describe('code previews (eval, Function, vm)', () => {
  test.each((CODE as (Entry & { code: string })[]).map((entry) => [entry.code, entry]))('%s', (_, entry) => {
    check(previewCode(entry.code), entry)
  })
})

describe('what must stay as it is', () => {
  test.each([
    ['git', ['status', '--short']],
    ['mysql', ['-u', 'alice', '-h', '127.0.0.1', 'shop']],
    ['docker', ['run', '-p', '8080:80', '-u', '1000', 'app']],
    ['ssh', ['-p', '2222', 'host.example.test']],
    ['jest', ['--passWithNoTests', '--ci']],
    ['npm', ['run', 'build', '--', '--author=alice']],
    ['curl', ['-H', 'Accept: application/json', 'http://127.0.0.1:8080/']],
  ])('%s %j', (file, args) => {
    expect(formatCommand(file, args)).toBe(
      [file, ...args].map((word) => (/\s/.test(word) ? `'${word}'` : word)).join(' '),
    )
  })

  test('ordinary code previews are untouched', () => {
    for (const code of [
      'return this',
      'return a + b',
      'const token = getToken(); return token',
      'if (a == b) return 1',
    ]) {
      expect(previewCode(code)).toBe(code)
    }
  })
})

describe("a refused spawn's error, as a runner publishes it (Jest's --json)", () => {
  test.each((ARGV as (Entry & { argv: string[] })[]).map((entry) => [entry.argv.join(' '), entry]))(
    'spawnargs of %s',
    (_, entry) => {
      const error = Object.assign(new Error('refused'), { path: entry.argv[0], spawnargs: entry.argv.slice(1) })
      redactErrorFields(error)
      check(JSON.stringify(error.spawnargs), { ...entry, keep: [] })
      expect(Object.keys(error)).toEqual(['path', 'spawnargs'])
    },
  )

  test.each((LINES as (Entry & { line: string })[]).map((entry) => [entry.line, entry]))('sh -c %s', (_, entry) => {
    const error = Object.assign(new Error('refused'), {
      path: '/bin/sh',
      spawnargs: ['-c', entry.line],
      cmd: entry.line,
    })
    redactErrorFields(error)
    check(JSON.stringify([error.spawnargs, error.cmd]), { ...entry, keep: [] })
  })
})
