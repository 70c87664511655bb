import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import type { CliIo } from '../../src/cli/io.js'
import { runCli } from '../../src/cli/run.js'
import { createReport, writeReport } from '../../src/report/model.js'
import { temporaryDir } from './report/helpers.js'

// The conveniences of the `leakgate` command: did-you-mean for commands and flags, colour through
// util.styleText only when wanted, and a progress line for large merges on a terminal only.

const dir = temporaryDir('leakgate-cli-')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
for (let i = 0; i < 12; i++) {
  const report = createReport(
    { framework: 'vitest', node: process.version, mode: 'report', root: dir, startedAt: new Date(0).toISOString() },
    [],
  )
  writeReport(path.join(dir, `leakgate-report.shard-${i}.json`), report)
}

async function run(args: string[], options: Partial<CliIo> = {}) {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (text) => {
      stdout += text
    },
    stderr: (text) => {
      stderr += text
    },
    cwd: dir,
    env: {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    ...options,
  }
  const code = await runCli(args, io)
  return { code, stdout, stderr }
}

describe('did you mean', () => {
  test('a mistyped command names the closest one; a word far from all does not guess', async () => {
    const typo = await run(['reprot'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toBe(
      "leakgate: unknown command 'reprot'; use report, baseline, doctor, init. Did you mean `leakgate report`? See `leakgate --help`.\n",
    )
    expect((await run(['intt'])).stderr).toContain('Did you mean `leakgate init`?')
    expect((await run(['deploy'])).stderr).not.toContain('Did you mean')
  })

  test("a mistyped flag names the command's closest flag", async () => {
    expect((await run(['report', '--formt', 'json'])).stderr).toBe(
      "leakgate: unknown option '--formt'. Did you mean '--format'? See `leakgate report --help`.\n",
    )
    expect((await run(['baseline', '--prnue'])).stderr).toContain("Did you mean '--prune'?")
    expect((await run(['init', '--dryrun'])).stderr).toContain("Did you mean '--dry-run'?")
    expect((await run(['report', '--zzzzzz'])).stderr).toBe(
      "leakgate: unknown option '--zzzzzz'. See `leakgate report --help`.\n",
    )
  })
})

describe('colour', () => {
  test('on a terminal the verdict is coloured; NO_COLOR, a pipe or TERM=dumb turn it off', async () => {
    const tty = await run(['report'], { stdoutIsTTY: true })
    expect(tty.stdout).toContain('\u001b[32m✔ leakgate: no new violations')
    for (const options of [
      { stdoutIsTTY: true, env: { NO_COLOR: '1' } },
      { stdoutIsTTY: false },
      { stdoutIsTTY: true, env: { TERM: 'dumb' } },
    ]) {
      expect((await run(['report'], options)).stdout).not.toContain('\u001b[')
    }
    expect((await run(['report'], { stdoutIsTTY: false, env: { FORCE_COLOR: '1' } })).stdout).toContain('\u001b[32m')
  })
})

describe('progress', () => {
  test('a large merge on a terminal shows a progress line on stderr, cleared before the verdict', async () => {
    const result = await run(['report'], { stderrIsTTY: true })
    expect(result.code).toBe(0)
    expect(result.stderr.startsWith('\r\u001b[Kleakgate: reading reports 1/12 (')).toBe(true)
    expect(result.stderr).toContain('reading reports 12/12')
    expect(result.stderr.endsWith('\r\u001b[K')).toBe(true)
    expect(result.stdout).not.toContain('reading reports')
  })

  test('never in a pipe or a log, and not for a small merge', async () => {
    expect((await run(['report'], { stderrIsTTY: false })).stderr).toBe('')
    expect((await run(['report', 'leakgate-report.shard-1.json'], { stderrIsTTY: true })).stderr).toBe('')
  })
})
