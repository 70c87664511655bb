// Shell lines, read the way a POSIX shell reads them (XCU 2.3, token recognition), so that a rule
// for `git` allows `sh -c "git status"` and nothing else. The reader accepts the part of the
// language whose meaning is certain: words made of plain characters, single quotes, double
// quotes and backslashes; parameter expansions (`$NAME`) in arguments; the operators `;` `&`
// `&&` `|` `||` and newlines; redirections to a plain word; comments. Everything else is beyond
// certain reading and makes the line unreadable (null): command substitution (`$(…)`, backticks,
// also inside double quotes), `${…}`, `$'…'`, subshells and groups, here-documents, reserved
// words (`if`, `for`, `!` …) where a command starts, a program word the shell would expand
// (`$X`, `*`), an unterminated quote. An unreadable line is decided as the whole line, under the
// shell's own name.
//
// No library is used: the maintained full parser (mvdan/sh as `sh-syntax`) is an asynchronous
// WebAssembly module of several megabytes with a Go runtime to start, and a spawnSync must be
// decided synchronously, in every worker and child; `shell-quote` tokenizes but is not a
// parser (it reads `$(…)` as plain text); `bash-parser` and its fork pull in 17 packages and
// an old Babel. A reader of a strict subset fails closed by construction, and is checked against
// the real dash and bash by property tests (test/integration/shell-lines.test.ts).

/** One command of a line: the program as written, its arguments, the variables it assigns. */
export interface ShellCommand {
  file: string
  args: string[]
  /** Names assigned in front of the command (`FOO=1 cmd`), which reach its environment. */
  assigned: string[]
}

/** Reserved words, and bash's, where a command starts: the line has structure. */
const RESERVED = new Set([
  '!',
  '{',
  '}',
  'case',
  'coproc',
  'do',
  'done',
  'elif',
  'else',
  'esac',
  'fi',
  'for',
  'function',
  'if',
  'in',
  'select',
  'then',
  'time',
  'until',
  'while',
  '[[',
  ']]',
])

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/

interface Word {
  text: string
  /** The word as written, quotes included. */
  raw: string
  /** Some part was quoted or escaped (a reserved word or an io number is then a plain word). */
  quoted: boolean
  /** The shell would expand it: `$` outside single quotes, or an unquoted glob character. */
  expands: boolean
}

/** Splits a POSIX shell line into the commands it runs; null when it cannot be read with certainty. */
export function readShellLine(line: string): ShellCommand[] | null {
  const commands: ShellCommand[] = []
  let words: Word[] = []
  let text = ''
  let start = -1
  let quoted = false
  let expands = false
  /** An unquoted `[` was read in this word: a `]` after it makes a pattern. */
  let bracket = false
  /** A redirection operator was read: the next word is its target, not an argument. */
  let redirect = false
  let failed = false

  const endWord = (end: number) => {
    if (start === -1) return
    const word: Word = { text, raw: line.slice(start, end), quoted, expands }
    text = ''
    start = -1
    quoted = false
    expands = false
    bracket = false
    if (redirect) redirect = false
    else words.push(word)
  }
  const endCommand = (end: number) => {
    endWord(end)
    if (redirect) failed = true
    const assigned: string[] = []
    let first = 0
    while (first < words.length) {
      const match = ASSIGNMENT.exec((words[first] as Word).raw)
      if (!match) break
      assigned.push(match[1] as string)
      first++
    }
    const program = words[first]
    if (program) {
      if ((!program.quoted && RESERVED.has(program.text)) || program.expands) failed = true
      commands.push({ file: program.text, args: words.slice(first + 1).map((word) => word.text), assigned })
    }
    words = []
  }
  const begin = (at: number) => {
    if (start === -1) start = at
  }

  let i = 0
  while (i < line.length && !failed) {
    const ch = line[i] as string
    if (ch === '\\') {
      const next = line[i + 1]
      if (next === undefined) return null
      if (next !== '\n') {
        begin(i)
        text += next
        quoted = true
      }
      i += 2
    } else if (ch === "'") {
      const close = line.indexOf("'", i + 1)
      if (close === -1) return null
      begin(i)
      text += line.slice(i + 1, close)
      quoted = true
      i = close + 1
    } else if (ch === '"') {
      begin(i)
      quoted = true
      let k = i + 1
      for (;;) {
        const c = line[k]
        if (c === undefined || c === '`') return null
        if (c === '"') break
        if (c === '\\') {
          const next = line[k + 1]
          if (next === undefined) return null
          if (next === '\n') {
            // A line continuation.
          } else if ('$`"\\'.includes(next)) text += next
          else text += `\\${next}`
          k += 2
          continue
        }
        if (c === '$') {
          if (line[k + 1] === '(' || line[k + 1] === '{') return null
          expands = true
        }
        text += c
        k++
      }
      i = k + 1
    } else if (ch === '`' || ch === '(' || ch === ')' || ch === '{' || ch === '}') {
      return null
    } else if (ch === '$') {
      const next = line[i + 1]
      if (next === '(' || next === '{' || next === "'" || next === '"' || next === '[') return null
      begin(i)
      text += ch
      expands = true
      i++
    } else if (ch === '#' && start === -1) {
      const end = line.indexOf('\n', i)
      i = end === -1 ? line.length : end
    } else if (ch === ' ' || ch === '\t') {
      endWord(i)
      i++
    } else if (ch === '\n' || ch === ';' || ch === '&' || ch === '|') {
      endWord(i)
      if (redirect) return null
      const next = line[i + 1]
      // `;;`, `;&`: case clauses. `&&`, `||`, `|&` (bash's pipe of both streams): one operator.
      if (ch === ';' && (next === ';' || next === '&')) return null
      endCommand(i)
      i += (ch === '&' && next === '&') || (ch === '|' && (next === '|' || next === '&')) ? 2 : 1
    } else if (ch === '<' || ch === '>') {
      // A word of digits just before the operator is the descriptor redirected, not an argument.
      if (start !== -1 && !quoted && /^\d+$/.test(text)) {
        text = ''
        start = -1
      }
      endWord(i)
      if (redirect) return null
      const next = line[i + 1]
      // Here-documents (`<<`, `<<-`, bash's `<<<`), process substitution: beyond reading.
      if (ch === '<' && next === '<') return null
      if (next === '(') return null
      i += next === '&' || next === '>' || (ch === '>' && next === '|') || (ch === '<' && next === '>') ? 2 : 1
      redirect = true
    } else {
      begin(i)
      // `*` and `?` are patterns; `[` only with a `]` after it in the word (`[ -f x ]` is the
      // program named `[`).
      if (ch === '*' || ch === '?' || (ch === ']' && bracket)) expands = true
      if (ch === '[') bracket = true
      text += ch
      i++
    }
  }
  if (failed) return null
  endCommand(line.length)
  if (failed) return null
  return commands
}

/**
 * A cmd.exe line (`cmd /d /s /c "…"`): cmd's quoting is not POSIX (`'` is a plain character,
 * `^` escapes, `%VAR%` expands anywhere), so only plain words separated by spaces and the
 * operators `&`, `&&`, `|`, `||` are read; anything else makes the line unreadable.
 */
export function readCmdLine(line: string): ShellCommand[] | null {
  if (/[\^%!"'()<>\r\n]/.test(line)) return null
  const commands: ShellCommand[] = []
  for (const part of line.split(/&&|\|\||&|\|/)) {
    const words = part.split(/[ \t]+/).filter(Boolean)
    const [file, ...args] = words
    if (file === undefined) return null
    commands.push({ file, args, assigned: [] })
  }
  return commands
}
