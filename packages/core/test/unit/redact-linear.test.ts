import { describe, expect, test } from 'vitest'
import {
  formatCommand,
  previewCode,
  redactArg,
  redactArgv,
  redactCommandLine,
  redactErrorFields,
  redactText,
  redactUrls,
} from '../../src/redact.js'

// Redaction runs on every record (a refused or allowed spawn's command line, generated code's
// preview, a URL) and on every line a report prints. It used regular expressions that could
// start a match anywhere and backtrack over the whole of a long word: a 20 KB argument took
// ~4 s to describe, a 100 KB one ~70 s, so a test spawning `node -e <bundle>` or passing a
// large JSON argument hung in the guard. Every function must stay linear in its input's length:
// 128 KB of each shape below well under the bound (the old patterns took minutes at 16 KB).

const SIZE = Number(process.env.REDACT_SIZE ?? 128 * 1024)
const repeat = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE)

const SHAPES: Record<string, string> = {
  'one long word': repeat('x'),
  'a secret name repeated': repeat('token'),
  'secret names with separators': repeat('password_'),
  'key=value pairs': repeat('token=a&'),
  'unclosed string assignments': repeat('apiKey = "'),
  'assignments without values': repeat('secret:'),
  'header-like words': repeat('x-'),
  'header names repeated': repeat('x-token-'),
  'authorization lines': repeat('Authorization: '),
  'scheme credentials': repeat('Bearer '),
  'URL credentials': repeat('https://a:'),
  'query parameters': repeat('?token'),
  flags: repeat('--password-'),
  'mixed punctuation': repeat('a\'b"c`d=e:f;g,h(i)j&k?l'),
  'random-looking': repeat('aB3+'),
  spaces: repeat('a '),
  'escapes in a string': `password = "${repeat('\\')}`,
}

const FUNCTIONS: Record<string, (text: string) => unknown> = {
  redactText,
  redactUrls,
  previewCode: (text) => previewCode(text),
  redactCommandLine,
  redactArg: (text) => redactArg(text, '--password'),
  'redactArgv (one argument)': (text) => redactArgv(['node', '-e', text]),
  'redactArgv (as words)': (text) => redactArgv(['node', ...text.split(' ').slice(0, 10_000)]),
  formatCommand: (text) => formatCommand('node', ['-e', text]),
  redactErrorFields: (text) => {
    const error = Object.assign(new Error('x'), { path: '/bin/sh', spawnargs: ['-c', text], cmd: text })
    redactErrorFields(error)
  },
}

describe('redaction takes time linear in its input', () => {
  for (const [name, run] of Object.entries(FUNCTIONS)) {
    test(name, () => {
      const slow: string[] = []
      for (const [shape, text] of Object.entries(SHAPES)) {
        const started = performance.now()
        run(text)
        const ms = performance.now() - started
        // Linear takes milliseconds per shape (a word-by-word command ~0.5 s); the bound leaves room for a loaded machine.
        if (process.env.REDACT_SHOW) console.log(`${name} | ${shape}: ${ms.toFixed(1)} ms`)
        if (ms > Number(process.env.REDACT_BOUND ?? 5000)) slow.push(`${shape}: ${Math.round(ms)} ms`)
      }
      expect(slow).toEqual([])
    }, 600_000)
  }
})
