import { matchGlob } from './glob.js'

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
  "a command name ('git'), an absolute path ('/usr/bin/git'), an argv pattern ('git status', 'npm run *') or { from: 'package' }"

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

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash'])

/**
 * The commands a spawn runs. `sh -c "a && b | c"` yields a, b and c; a line with substitutions,
 * redirections into subshells or other constructs we cannot read yields the shell itself.
 */
export function expandCommands(file: string, args: readonly string[]): ExecCommand[] {
  const name = commandName(file)
  if (SHELLS.has(name) && args[0] === '-c' && typeof args[1] === 'string') {
    const commands = splitShellLine(args[1])
    if (commands) return commands
  } else if (name.toLowerCase() === 'cmd' && /^\/d$/i.test(args[0] ?? '') && args.includes('/c')) {
    // Windows: cmd.exe /d /s /c "line"
    const line = args[args.indexOf('/c') + 1]
    const commands = line === undefined ? null : splitShellLine(line.replace(/^"(.*)"$/, '$1'))
    if (commands) return commands
  }
  return [{ file, args: [...args] }]
}

/** Splits a simple shell line into commands; null when the line is beyond simple parsing. */
export function splitShellLine(line: string): ExecCommand[] | null {
  // `$VAR` in an argument is fine for deciding the program; substitutions and subshells are not.
  if (/`|\$\(|[(){}]/.test(line.replace(/'[^']*'/g, "''"))) return null
  const commands: ExecCommand[] = []
  let words: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | null = null
  const endWord = () => {
    if (inWord) words.push(word)
    word = ''
    inWord = false
  }
  const endCommand = () => {
    endWord()
    // Leading `NAME=value` assignments set the environment; they are not the program.
    while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] as string)) words.shift()
    if (words.length > 0) {
      const [file, ...args] = words as [string, ...string[]]
      commands.push({ file, args })
    }
    words = []
  }
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string
    if (quote) {
      if (ch === quote) quote = null
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word += line[++i]
      else word += ch
      continue
    }
    if (ch === '"' || ch === "'") {
      quote = ch
      inWord = true
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i]
      inWord = true
    } else if (ch === ' ' || ch === '\t') {
      endWord()
    } else if (ch === ';' || ch === '\n' || ch === '|' || ch === '&') {
      endCommand()
      if ((ch === '|' || ch === '&') && line[i + 1] === ch) i++
    } else if (ch === '<' || ch === '>') {
      // A redirection: drop a file-descriptor prefix (`2>`), skip its target word.
      if (inWord && /^\d+$/.test(word)) {
        word = ''
        inWord = false
      }
      endWord()
      if (line[i + 1] === '>' || line[i + 1] === '&') i++
      while (line[i + 1] === ' ') i++
      while (i + 1 < line.length && !/[\s;|&]/.test(line[i + 1] as string)) i++
    } else {
      word += ch
      inWord = true
    }
  }
  if (quote) return null
  endCommand()
  return commands.length > 0 ? commands : null
}
