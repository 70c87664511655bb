import { matchGlob } from './glob.js'
import { readCmdLine, readShellLine, type ShellCommand } from './shell.js'

// Process rules. A spawn is described by the program and its argv; a shell command line
// (`sh -c "git status | head"`) is split into the simple commands it runs, and every one of
// them must be allowed. Lines too complex to read reliably are decided as the shell itself.

export type ExecMatcher =
  | { type: 'any' }
  | { type: 'name'; name: string }
  | { type: 'path'; path: string }
  | { type: 'argv'; words: string[] }

/** One command a spawn runs: the program as written and its arguments (argv[0] excluded). */
export interface ExecCommand {
  file: string
  args: string[]
  /** The arguments could not be read (a toString that throws): only the program is known. */
  unreadable?: true
}

export const EXEC_FORMS =
  "a command name ('git'), an absolute path ('/usr/bin/git'), an argv pattern ('git status', 'npm run *'), { from: 'package' } or { project: 'path/*' }"

/** The longest exec rule read: a rule names a program and a few arguments, not a script. */
const MAX_EXEC_RULE = 1024

const SHELL_SEPARATOR = /;|&&|\|\||\||(?<=^|\s)&(?=\s|$)|\n/

/** A rule as messages show it: quoted, and cut short when very long. */
function quoteRule(rule: string): string {
  return JSON.stringify(rule.length > 60 ? `${rule.slice(0, 59)}…` : rule)
}

/**
 * Parses one exec rule. A rule is matched against the program and the arguments it receives,
 * after any shell has done its work: shell syntax in a rule (`;`, `|`, `&&`, redirections,
 * `$VAR`, quotes) could never match, so it is refused with what was probably meant.
 */
export function parseExecRule(rule: string): ExecMatcher {
  const text = rule.trim()
  if (text === '') throw new Error('an empty string is not a rule')
  if (text.length > MAX_EXEC_RULE) {
    throw new Error(`${quoteRule(rule)} is ${text.length} characters long; an exec rule has at most ${MAX_EXEC_RULE}`)
  }
  if (text === '*') return { type: 'any' }
  // `&` inside a word is an argument (a URL's query); as a word of its own it ends a command.
  const separator = SHELL_SEPARATOR.exec(text)
  if (separator) {
    const programs = text
      .split(SHELL_SEPARATOR)
      .map((part) => part.trim().split(/\s+/)[0])
      .filter((word): word is string => Boolean(word))
    const hint = programs.length > 1 ? `: ${[...new Set(programs)].map((name) => `'${name}'`).join(', ')}` : ''
    throw new Error(
      `${quoteRule(rule)} is a shell line (${JSON.stringify(separator[0])}); a rule matches one program and its arguments, so write one rule per program${hint}`,
    )
  }
  const syntax = /[<>`]|\$(\{[^}\s]*\}?|\(|\w+)|["']/.exec(text)
  if (syntax) {
    const what =
      syntax[0] === '"' || syntax[0] === "'"
        ? 'quotes'
        : syntax[0].startsWith('$')
          ? 'a shell expansion'
          : syntax[0] === '`'
            ? 'a command substitution'
            : 'a redirection'
    throw new Error(
      `${quoteRule(rule)} holds ${what} (${syntax[0]}); a rule matches the words a program receives after the shell expanded them: write them as they arrive, with * for any part`,
    )
  }
  const words = text.split(/\s+/)
  if (words.length > 1) return { type: 'argv', words }
  if (text.startsWith('/') || /^[a-z]:[\\/]/i.test(text)) return { type: 'path', path: text }
  if (text.includes('/') || text.includes('\\')) {
    throw new Error(`${quoteRule(rule)} is a relative path; use the command name or an absolute path`)
  }
  return { type: 'name', name: text }
}

/** `git`, `/usr/bin/git`, `C:\\git\\git.exe` → `git`. */
export function commandName(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1)
  return base.replace(/\.(exe|cmd|bat|com)$/i, '')
}

/** What an exec rule cannot carry as written: blanks (a rule is trimmed and split on them), quotes, shell syntax, slashes. */
const UNWRITABLE = /[\s"'`$<>;&|\\/()]+/g

/**
 * The rule, as source text, that allows `command` when pasted: its name when that parses back
 * and matches (a name read with a space left at its end does not: rules are trimmed), else the
 * name with what a rule cannot carry as `*`. Undefined when neither matches.
 */
export function suggestExecRule(command: ExecCommand): string | undefined {
  const name = commandName(command.file)
  const globbed = name.replace(UNWRITABLE, '*').replace(/\*{2,}/g, '*')
  for (const candidate of [name, globbed]) {
    if (candidate === '' || candidate === '*') continue
    try {
      if (matchExec(parseExecRule(candidate), command)) return `'${candidate}'`
    } catch {
      // Not a rule: try the next form.
    }
  }
  return undefined
}

function matchProgram(word: string, file: string): boolean {
  if (word.startsWith('/') || /^[a-z]:[\\/]/i.test(word)) return word === file
  return matchGlob(word, commandName(file))
}

export function matchExec(matcher: ExecMatcher, command: ExecCommand): boolean {
  switch (matcher.type) {
    case 'any':
      return true
    case 'name':
      return matchProgram(matcher.name, command.file)
    case 'path':
      return matcher.path === command.file
    case 'argv': {
      const [program, ...rest] = matcher.words as [string, ...string[]]
      if (!matchProgram(program, command.file)) return false
      if (command.unreadable && rest.length > 0) return false
      if (rest.length > command.args.length) return false
      return rest.every((word, i) => matchGlob(word, command.args[i] as string))
    }
  }
}

/** POSIX-family shells whose `-c` line is read (zsh and ksh share the syntax read here). */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash'])

/** Where the system's shells live: a shell elsewhere (`shell: '/tmp/x/bash'`) is a program like any other. */
const SYSTEM_DIRS = new Set(['/bin', '/usr/bin', '/usr/local/bin', '/opt/homebrew/bin', '/run/current-system/sw/bin'])

/** Options that change nothing about what a shell runs (`-e`, `-o pipefail`, `--norc`…). */
const SAFE_FLAGS = /^[-+][eufxvCnabhBH]*$/
const SAFE_SET_OPTIONS = new Set([
  'errexit',
  'nounset',
  'pipefail',
  'xtrace',
  'verbose',
  'noglob',
  'noclobber',
  'posix',
])
const SAFE_LONG_OPTIONS = new Set(['--norc', '--noprofile', '--posix'])

/**
 * Variables that make a shell run code of their own before or around the line: startup files
 * (BASH_ENV, ENV), exported functions (BASH_FUNC_name%%), options and the trace prompt
 * (SHELLOPTS, BASHOPTS, PS4 with a substitution), a library loaded into the shell itself.
 */
export function isShellCodeVariable(name: string): boolean {
  return SHELL_CODE_VARIABLES.has(name) || name.startsWith('BASH_FUNC_')
}
const SHELL_CODE_VARIABLES = new Set(['BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'LD_PRELOAD', 'LD_AUDIT'])

/** A program that reads command lines: a POSIX-family shell or cmd.exe, by name. */
export function isShellProgram(file: string): boolean {
  const name = commandName(file)
  return SHELLS.has(name) || name.toLowerCase() === 'cmd'
}

/** The `-c` line of a system shell started with options that change nothing; else undefined. */
function shellLine(file: string, args: readonly string[], found: string | null | undefined): string | undefined {
  if (!SHELLS.has(commandName(file))) return undefined
  // A bare name runs what the PATH finds (`found`; null: a PATH the line changed, unknown).
  const where = file.includes('/') ? file : found
  if (where === null || (where !== undefined && !SYSTEM_DIRS.has(where.slice(0, where.lastIndexOf('/'))))) {
    return undefined
  }
  let command = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '-o' || arg === '+o') {
      if (!SAFE_SET_OPTIONS.has(args[++i] as string)) return undefined
    } else if (SAFE_LONG_OPTIONS.has(arg)) {
      // Reads fewer startup files.
    } else if (/^-[eufxvCnabhBH]*c[eufxvCnabhBH]*$/.test(arg)) {
      command = true
    } else if (arg === '--' || arg === '-') {
      return command ? args[i + 1] : undefined
    } else if (arg.startsWith('-') || arg.startsWith('+')) {
      if (!SAFE_FLAGS.test(arg)) return undefined
    } else {
      return command ? arg : undefined
    }
  }
  return undefined
}

/** How deep shells started by shell lines are read (`sh -c "bash -c '…'"`). */
const MAX_DEPTH = 4

/**
 * The commands a spawn runs. A system shell's `-c` line yields every command in it (a shell it
 * starts in turn is read too); a line that cannot be read with certainty yields the shell
 * itself, with the whole line. `shellCode` names a variable of the spawn's environment that
 * makes the shell run code of its own (see isShellCodeVariable): the shell is then decided too.
 * `found` is where the PATH finds a shell given by its bare name (`shell: 'bash'`).
 */
export function expandCommands(
  file: string,
  args: readonly string[],
  shellCode?: string,
  found?: string,
): ExecCommand[] {
  return expand(file, args, shellCode !== undefined, 0, found)
}

function expand(
  file: string,
  args: readonly string[],
  shellRunsCode: boolean,
  depth: number,
  found: string | null | undefined,
): ExecCommand[] {
  const whole: ExecCommand[] = [{ file, args: [...args] }]
  const name = commandName(file)
  let commands: ShellCommand[] | null = null
  if (SHELLS.has(name)) {
    const line = shellLine(file, args, found)
    if (line === undefined || depth >= MAX_DEPTH) return whole
    commands = readShellLine(line)
  } else if (name.toLowerCase() === 'cmd' && /^\/d$/i.test(args[0] ?? '') && args.includes('/c')) {
    // Windows: cmd.exe /d /s /c "line"
    const line = args[args.indexOf('/c') + 1]
    commands = line === undefined ? null : readCmdLine(line.replace(/^"(.*)"$/, '$1'))
  } else {
    return whole
  }
  if (!commands || commands.length === 0) return whole
  const result: ExecCommand[] = shellRunsCode ? [...whole] : []
  for (const command of commands) {
    const assignsCode = command.assigned.some(isShellCodeVariable)
    // `PATH=/tmp/x bash -c …`: which bash runs is not known.
    const path = command.assigned.includes('PATH') ? null : undefined
    result.push(...expand(command.file, command.args, assignsCode, depth + 1, path))
  }
  return result
}

/** Splits a shell line into commands; null when the line cannot be read with certainty. */
export function splitShellLine(line: string): ExecCommand[] | null {
  const commands = readShellLine(line)
  return commands && commands.length > 0 ? commands.map(({ file, args }) => ({ file, args })) : null
}
