import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { commandName } from '../../src/rules/exec.js'
import { readShellLine } from '../../src/rules/shell.js'
import { nodes, type Probed, probe } from '../helpers/probe.js'

// Shell lines are read like a shell (issue 12.2). First, the reader against the real shells:
// lines generated from the characters that matter (quotes in quotes, substitutions, comments,
// operators, redirections, reserved words) are run by dash and bash with a PATH of logging
// programs; whenever the reader claims to know the commands of a line, every program the shell
// ran must be one of them. Then the guard, end to end: a rule for `git` lets no other program
// run, and a shell whose environment or path makes it run other code is decided itself.

const SEED = Number(process.env.LEAKGATE_FC_SEED ?? 20261206)
const SHELLS = ['/bin/dash', '/bin/bash'].filter((shell) => fs.existsSync(shell))
const PROGRAMS = ['git', 'curl', 'id', 'a', 'b']
// Builtins that run other programs: a line using one is decided under that name (a rule must
// name `eval` to allow it), so what they run is not one of the line's commands.
const RUNNERS = new Set(['eval', 'exec', 'command', 'builtin', '.', 'source', 'trap', 'env', 'xargs'])

let dir: string
let bin: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-shell-'))
  bin = path.join(dir, 'bin')
  fs.mkdirSync(bin)
  for (const name of PROGRAMS) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/dash\necho ${name} >> "$LOG"\n`, { mode: 0o755 })
  }
})

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

/** What a shell really ran of `line`: the logging programs, in order. */
let runs = 0
function ran(shell: string, line: string): string[] {
  // A log of its own per run: a program left in the background cannot write into the next one.
  const log = path.join(dir, `log-${runs++}`)
  fs.writeFileSync(log, '')
  spawnSync(shell, ['-c', line], {
    cwd: dir,
    env: { PATH: bin, LOG: log, HOME: dir },
    stdio: 'ignore',
    timeout: 5000,
  })
  return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

const FRAGMENTS = [
  ...PROGRAMS,
  ' ',
  ' ',
  "'",
  '"',
  '\\',
  '\\\n',
  '$(',
  ')',
  '(',
  '`',
  ';',
  '&',
  '&&',
  '|',
  '||',
  '\n',
  '#',
  '$',
  '${',
  '}',
  '{',
  '<',
  '>',
  '2>&1',
  '<<',
  'x=1',
  '=',
  'if',
  'then',
  'fi',
  '!',
  '*',
  '?',
  'eval',
  '$X',
  "$'",
  '-c',
  'sh',
  `"'"`,
  `'"'`,
  `\\'`,
  `"\\"`,
  ' #',
  '[',
  ']',
  'bin/',
  'b?n/',
]
const fragment = fc.constantFrom(...FRAGMENTS)
// Words as a shell line is made of: programs, quoted spans holding any fragment (quotes of the
// other kind included), substitutions, escapes; joined with or without blanks.
const program = fc.constantFrom(...PROGRAMS)
const inner = fc.array(fragment, { maxLength: 4 }).map((parts) => parts.join(''))
const word = fc.oneof(
  program,
  fragment,
  inner.map((text) => `'${text}'`),
  inner.map((text) => `"${text}"`),
  program.map((name) => `$(${name})`),
  program.map((name) => `\`${name}\``),
)
const lines = fc
  .array(fc.tuple(word, fc.constantFrom(' ', '', ' ', '; ', '\n')), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.map(([text, gap]) => text + gap).join(''))
// Lines built around the known shapes of the hole: a quoted span the eye takes for one word.
const nested = fc
  .tuple(
    fc.constantFrom(`"'"`, `'"'`, `\\'`, `\\"`, `"\\"'"`, '#', "#'", '# "'),
    fc.constantFrom('$(curl)', '`curl`', '; curl', '\ncurl', '| curl', '&& curl', '$(id)'),
    fc.constantFrom(`"'"`, `'"'`, `\\'`, `\\"`, "'", '"', ''),
  )
  .map(([open, inner, close]) => `git ${open} ${inner} ${close}`)

describe.each(SHELLS)('the reader against %s', (shell) => {
  const property = (line: string) => {
    const commands = readShellLine(line)
    if (!commands) return true
    // Rules match a program by its name: `bin/git` is `git`.
    const files = new Set(commands.map((command) => commandName(command.file)))
    if ([...files].some((file) => RUNNERS.has(file) || file === 'sh')) return true
    const programs = ran(shell, line)
    const unknown = programs.filter((program) => !files.has(program))
    if (unknown.length > 0) {
      throw new Error(`read ${JSON.stringify([...files])} but ${shell} ran ${JSON.stringify(programs)}`)
    }
    return true
  }

  test('generated lines: every program the shell runs is a command the reader found', () => {
    fc.assert(fc.property(lines, property), { seed: SEED, numRuns: 600 })
  }, 120_000)

  test('quotes nested in quotes, comments and escapes around a hidden command', () => {
    fc.assert(fc.property(nested, property), { seed: SEED, numRuns: 150 })
  }, 120_000)

  test('lines it reads are read as the shell reads them (program and arguments)', () => {
    // Logging programs that print their arguments, one per line, for a few fixed lines.
    const echo = path.join(bin, 'args')
    fs.writeFileSync(echo, '#!/bin/dash\nfor a in "$@"; do printf "[%s]" "$a" >> "$LOG"; done; echo >> "$LOG"\n', {
      mode: 0o755,
    })
    for (const line of [
      `args "a\\b" "a\\$b" 'a\\b' a\\ b "x'y" 'x"y' a#b`,
      'args 2>/dev/null x 3>&1 y',
      'A=1 B="x y" args one; args two # three',
      'args\\\n more "quoted\\\nline"',
    ]) {
      const commands = readShellLine(line) ?? []
      const expected = commands.map((command) => `${command.args.map((arg) => `[${arg}]`).join('')}`)
      expect(ran(shell, line), line).toEqual(expected)
    }
  })
})

const PROBE = `
  const cp = require('node:child_process'), fs = require('node:fs'), path = require('node:path'), os = require('node:os')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-shell-probe-'))
  const bin = path.join(dir, 'bin'), marker = path.join(dir, 'ran')
  fs.mkdirSync(bin)
  fs.writeFileSync(path.join(bin, 'git'), '#!/bin/sh\\necho git "$@"\\n', { mode: 0o755 })
  fs.writeFileSync(path.join(dir, 'startup'), 'echo startup > ' + JSON.stringify(marker) + '\\n')
  fs.mkdirSync(path.join(dir, 'other'))
  fs.symlinkSync('/bin/bash', path.join(dir, 'other', 'bash'))
  const env = { ...process.env, PATH: bin + ':' + process.env.PATH }
  const run = (line, options = {}) => { fs.rmSync(marker, { force: true }); try { const out = cp.execSync(line, { env, stdio: ['ignore', 'pipe', 'ignore'], ...options }).toString().trim(); return { ok: true, out, marker: fs.existsSync(marker) } } catch (e) { return { ...kit.describeError(e), marker: fs.existsSync(marker) } } }
  const touch = 'touch ' + JSON.stringify(marker)
  core.install({ allow: { exec: ['git'] } })
  const r = {}
  r.plain = run('git status')
  r.nestedQuotes = run('git "\\'" $(' + touch + ') "\\'"')
  r.backticks = run('git "\\'" \`' + touch + '\` "\\'"')
  r.escapedQuote = run("git \\\\' $(" + touch + ") \\\\'")
  r.comment = run("git #'\\n" + touch + " #'")
  r.bashEnv = run('git status', { env: { ...env, BASH_ENV: path.join(dir, 'startup') }, shell: '/bin/bash' })
  r.envVar = run('git status', { env: { ...env, ENV: path.join(dir, 'startup') } })
  r.exportedFunction = run('git status', { env: { ...env, 'BASH_FUNC_git%%': '() { ' + touch + '; }' }, shell: '/bin/bash' })
  r.ps4 = run('git status', { env: { ...env, SHELLOPTS: 'xtrace', PS4: '$(' + touch + ')' }, shell: '/bin/bash' })
  r.otherShell = run('git status', { shell: path.join(dir, 'other', 'bash') })
  r.otherOnPath = run('git status', { shell: 'bash', env: { ...env, PATH: path.join(dir, 'other') + ':' + env.PATH } })
  r.pathInLine = run('PATH=' + path.join(dir, 'other') + ':$PATH bash -c "git status"')
  r.systemOnPath = run('git status', { shell: 'bash' })
  r.inLine = run('BASH_ENV=' + path.join(dir, 'startup') + ' bash -c "git status"')
  // process.execve (Node 22+): refused, it throws; let through, it would replace this probe.
  r.execve = typeof process.execve !== 'function' ? 'absent' : (() => { try { process.execve('/bin/bash', ['bash', '-c', 'git status'], { ...env, BASH_ENV: path.join(dir, 'startup') }); return 'replaced' } catch (e) { return { ...kit.describeError(e), marker: fs.existsSync(marker) } } })()
  r.events = core.getEngine().tracker.run.violations.map((v) => v.target)
  r.message = r.bashEnv.message
  // Allowed with the shell named too; the variable the run started with is the machine's.
  core.allowAudit({ exec: ['bash'] })
  r.bashEnvAllowed = run('git status', { env: { ...env, BASH_ENV: path.join(dir, 'startup') }, shell: '/bin/bash' })
  core.uninstall()
  process.env.BASH_ENV = path.join(dir, 'startup')
  core.install({ allow: { exec: ['git'] } })
  r.startingEnv = run('git status', { env: { ...env, BASH_ENV: path.join(dir, 'startup') }, shell: '/bin/bash' })
  core.uninstall()
  fs.rmSync(dir, { recursive: true, force: true })
  return r
`

const refused = { ok: false, code: 'LEAKGATE_EXEC_BLOCKED', leakgate: true, marker: false }

describe.each(nodes)('shell lines guarded, on $label', ({ bin: node }) => {
  let r: Probed
  beforeAll(async () => {
    r = (await probe(node, PROBE, { timeout: 60_000 })).result
  })

  test('a rule for git allows git, and nothing hidden in quotes, backticks or comments', () => {
    expect(r.plain).toEqual({ ok: true, out: 'git status', marker: false })
    for (const key of ['nestedQuotes', 'backticks', 'escapedQuote', 'comment'])
      expect(r[key], key).toMatchObject(refused)
  })

  test('a shell whose environment or path makes it run other code is decided itself', () => {
    if (r.execve !== 'absent') expect(r.execve).toMatchObject(refused)
    expect(r.systemOnPath).toEqual({ ok: true, out: 'git status', marker: false })
    for (const key of [
      'bashEnv',
      'envVar',
      'exportedFunction',
      'ps4',
      'otherShell',
      'otherOnPath',
      'pathInLine',
      'inLine',
    ]) {
      expect(r[key], key).toMatchObject(refused)
    }
    expect(r.message).toContain('with BASH_ENV set, bash runs code of its own')
    expect(r.events).toEqual(
      expect.arrayContaining([expect.stringContaining('(with BASH_ENV set'), expect.stringContaining('(with ENV set')]),
    )
  })

  test('allowed when the shell is named too; the variables the run started with are the machine’s', () => {
    expect(r.bashEnvAllowed).toEqual({ ok: true, out: 'git status', marker: true })
    expect(r.startingEnv).toEqual({ ok: true, out: 'git status', marker: true })
  })
})
