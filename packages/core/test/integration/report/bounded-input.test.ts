import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MAX_INPUT_BYTES, MAX_TOTAL_INPUT_BYTES } from '../../../src/report/json-file.js'
import type { LeakgateReport } from '../../../src/report/model.js'
import { leakgate } from '../../unit/report/cli-helpers.js'
import { makeReport, startServer, temporaryDir, writeJson } from '../../unit/report/helpers.js'

// The gate reads bounded input (issue 11.3): a device, a pipe or a file too large is refused
// before it is read, an unknown schema version is never processed as valid, and an output path
// that cannot be written is refused before any work, each with exit 2 and one line.

let server: Awaited<ReturnType<typeof startServer>>
let dir: string
let report: LeakgateReport

beforeAll(async () => {
  server = await startServer()
  dir = temporaryDir()
  report = makeReport(dir, server.port, [{ file: 'test/api.test.ts', name: 'api > fetches', leaks: ['net'] }])
  writeJson(path.join(dir, 'leakgate-report.json'), report)
})

afterAll(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function expectInputError(result: ReturnType<typeof leakgate>, message: string | RegExp) {
  expect(result.stdout).toBe('')
  if (typeof message === 'string') expect(result.stderr).toBe(`leakgate: ${message}\n`)
  else expect(result.stderr).toMatch(message)
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(result.code).toBe(2)
}

/** A sparse file of `size` bytes: costs no disk, and reads as zeros. */
function sparse(name: string, size: number): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, '')
  fs.truncateSync(file, size)
  return name
}

describe('inputs that are not regular files, or too large', () => {
  test('a character device is refused without reading it (/dev/zero would never end)', () => {
    expectInputError(
      leakgate(dir, ['report', '/dev/zero']),
      '/dev/zero: is a character device, not a report file. Pass the leakgate-report.json the test run wrote.',
    )
    expectInputError(
      leakgate(dir, ['report', '--baseline', '/dev/zero']),
      '/dev/zero: is a character device, not a baseline file. Pass the leakgate-baseline.json `leakgate baseline` wrote.',
    )
    expectInputError(
      leakgate(dir, ['baseline', '/dev/urandom', '--dry-run']),
      '/dev/urandom: is a character device, not a report file. Pass the leakgate-report.json the test run wrote.',
    )
  })

  test('a named pipe is refused without waiting for a writer', () => {
    const fifo = path.join(dir, 'pipe.json')
    const made = spawnSync('mkfifo', [fifo])
    if (made.status !== 0) return // no mkfifo here: nothing to check
    const started = Date.now()
    expectInputError(
      leakgate(dir, ['report', 'pipe.json']),
      'pipe.json: is a named pipe, not a report file. Pass the leakgate-report.json the test run wrote.',
    )
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  test('a file over the size limit is refused before it is read', () => {
    const name = sparse('huge.json', MAX_INPUT_BYTES + 1)
    expectInputError(
      leakgate(dir, ['report', name]),
      `${name}: is 64.0 MiB, more than the 64 MiB leakgate reads from one file (docs/cli.md#limits). A leakgate report stays far smaller; is it the right file?`,
    )
    const baseline = sparse('huge-baseline.json', MAX_INPUT_BYTES + 1)
    expectInputError(
      leakgate(dir, ['report', '--baseline', baseline]),
      `${baseline}: is 64.0 MiB, more than the 64 MiB leakgate reads from one file (docs/cli.md#limits). A leakgate baseline stays far smaller; is it the right file?`,
    )
  })

  test.skipIf(!fs.existsSync('/proc/self/status'))(
    '/proc files (size 0 by stat, content when read) are read to their end, within the limit',
    () => {
      expectInputError(
        leakgate(dir, ['report', '/proc/self/status']),
        /^leakgate: \/proc\/self\/status: is not valid JSON/,
      )
    },
  )

  test('many inputs together are bounded too', () => {
    // Each under the per-file limit, together over the total: refused at the one that crosses it.
    const count = Math.floor(MAX_TOTAL_INPUT_BYTES / MAX_INPUT_BYTES) + 1
    const names = Array.from({ length: count }, (_, i) => sparse(`part-${i}.json`, MAX_INPUT_BYTES - 1))
    expectInputError(
      leakgate(dir, ['report', ...names]),
      `${names[count - 1]}: the inputs together are more than the 256 MiB leakgate reads in one run (docs/cli.md#limits). Pass fewer reports at once.`,
    )
    for (const name of names) fs.rmSync(path.join(dir, name))
  })
})

describe('schema versions', () => {
  test.each([
    [0, 'has schemaVersion 0, which no leakgate writes (this one reads version'],
    [-1, 'has schemaVersion -1, which no leakgate writes (this one reads version'],
    [1.5, 'has schemaVersion 1.5; expected an integer.'],
    ['1', 'has schemaVersion "1"; expected an integer.'],
    [null, 'has schemaVersion null; expected an integer.'],
    [99, 'is a version 99 report, newer than this leakgate'],
  ])('schemaVersion %j is never processed as valid', (version, message) => {
    writeJson(path.join(dir, 'versioned.json'), { ...report, schemaVersion: version })
    const result = leakgate(dir, ['report', 'versioned.json'])
    expectInputError(
      result,
      new RegExp(`^leakgate: versioned\\.json: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    )
  })
})

describe('output paths', () => {
  test('--output naming a directory is refused before any work', () => {
    fs.mkdirSync(path.join(dir, 'out-dir'), { recursive: true })
    expectInputError(
      leakgate(dir, ['report', '--format', 'sarif', '--output', 'out-dir']),
      '--output out-dir: is a directory; name a file (for example out-dir/leakgate.sarif). See `leakgate report --help`.',
    )
  })

  test('--output ending in a slash names a directory, even one that does not exist yet', () => {
    expectInputError(
      leakgate(dir, ['report', '--format', 'junit', '--output', 'reports/']),
      '--output reports/: is a directory; name a file (for example reports/leakgate-junit.xml). See `leakgate report --help`.',
    )
    expect(fs.existsSync(path.join(dir, 'reports'))).toBe(false)
  })

  test('--output under a regular file is refused (it cannot be a directory)', () => {
    fs.writeFileSync(path.join(dir, 'plain.txt'), 'x')
    expectInputError(
      leakgate(dir, ['report', '--output', 'plain.txt/out.sarif']),
      '--output plain.txt/out.sarif: cannot be created: plain.txt is a file, not a directory. See `leakgate report --help`.',
    )
  })

  // Root writes anywhere: only an ordinary user can see the refusal.
  test.skipIf(process.getuid?.() === 0)('--output in a directory that cannot be written is refused', () => {
    const locked = path.join(dir, 'locked')
    fs.mkdirSync(locked, { recursive: true })
    fs.chmodSync(locked, 0o500)
    try {
      expectInputError(
        leakgate(dir, ['report', '--output', 'locked/out.txt']),
        '--output locked/out.txt: cannot be created: locked is not writable (permission denied). See `leakgate report --help`.',
      )
    } finally {
      fs.chmodSync(locked, 0o700)
    }
  })

  test('baseline --output naming a directory is refused and nothing is written', () => {
    fs.mkdirSync(path.join(dir, 'baseline-dir'), { recursive: true })
    expectInputError(
      leakgate(dir, ['baseline', '--output', 'baseline-dir']),
      '--output baseline-dir: is a directory; name a file (for example baseline-dir/leakgate-baseline.json). See `leakgate baseline --help`.',
    )
    expect(fs.readdirSync(path.join(dir, 'baseline-dir'))).toEqual([])
  })

  test('writing to a character device (--output /dev/null) still works', () => {
    const result = leakgate(dir, ['report', '--format', 'json', '--output', '/dev/null'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(1)
  })
})
