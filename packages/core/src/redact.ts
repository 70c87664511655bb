// Redaction: targets end up in terminals, CI logs, annotations and reports. Never print a
// password in a URL, a token-looking argument, or more than a short preview of generated code.

const SECRET_FLAG =
  /^(--?[\w-]*(pass(word)?|passwd|secret|token|api[-_]?key|auth|credential|private[-_]?key)[\w-]*)(=)(.+)$/i
const SECRET_FLAG_ALONE =
  /^--?[\w-]*(pass(word)?|passwd|secret|token|api[-_]?key|auth|credential|private[-_]?key)[\w-]*$/i
const SECRET_ENV = /^([A-Za-z_][A-Za-z0-9_]*(PASS|PASSWORD|SECRET|TOKEN|KEY|AUTH|CREDENTIAL)[A-Za-z0-9_]*)=(.+)$/i
const TOKEN_SHAPES = [
  /^(gh[pousr]_|github_pat_)[A-Za-z0-9_]{16,}$/, // GitHub
  /^xox[abposr]-[A-Za-z0-9-]{10,}$/, // Slack
  /^(sk|pk|rk)_(live|test)_[A-Za-z0-9]{10,}$/, // Stripe
  /^sk-[A-Za-z0-9_-]{20,}$/, // OpenAI-style
  /^AKIA[A-Z0-9]{16}$/, // AWS access key id
  /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/, // JWT
  /^npm_[A-Za-z0-9]{30,}$/, // npm
]
const MASK = '***'

/** Long random-looking strings: 32+ chars of hex or base64 alphabet with mixed classes. */
function looksRandom(value: string): boolean {
  if (value.length < 32 || /[\s/.:]/.test(value)) return false
  if (/^[0-9a-f]+$/i.test(value)) return true
  return /^[A-Za-z0-9+_=-]+$/.test(value) && /\d/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value)
}

export function isSecretLike(value: string): boolean {
  return TOKEN_SHAPES.some((shape) => shape.test(value)) || looksRandom(value)
}

/** Removes `user:password@` from URLs and masks secret-named query parameters. */
export function redactUrls(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:[^/\s@]*@/gi, `$1${MASK}@`)
    .replace(/([?&][\w-]*(token|key|secret|password|passwd|auth|sig|signature)[\w-]*=)[^&#\s]+/gi, `$1${MASK}`)
}

/** Redacts one argv word. `previous` is the word before it (for `--token VALUE`). */
export function redactArg(arg: string, previous?: string): string {
  if (previous !== undefined && SECRET_FLAG_ALONE.test(previous)) return MASK
  const flag = SECRET_FLAG.exec(arg)
  if (flag) return `${flag[1]}=${MASK}`
  const env = SECRET_ENV.exec(arg)
  if (env) return `${env[1]}=${MASK}`
  if (isSecretLike(arg)) return MASK
  return redactUrls(arg)
}

export function redactArgv(argv: readonly string[]): string[] {
  return argv.map((arg, i) => redactArg(arg, i > 0 ? argv[i - 1] : undefined))
}

/** Redacts secrets inside a shell command line, word by word, keeping its layout. */
export function redactCommandLine(line: string): string {
  const words = line.split(/(\s+)/)
  let previous: string | undefined
  return words
    .map((word) => {
      if (/^\s+$/.test(word) || word === '') return word
      const redacted = redactArg(word.replace(/^(['"])(.*)\1$/, '$2'), previous)
      const out = redacted === word.replace(/^(['"])(.*)\1$/, '$2') ? word : redacted
      previous = word
      return out
    })
    .join('')
}

/** Quotes a word for display when it holds spaces or quotes. */
function showWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`
}

/** A display string for a command: `git status --short`, redacted and at most `max` chars. */
export function formatCommand(file: string, args: readonly string[], max = 160): string {
  const shown = [file, ...args]
  const redacted = redactArgv(shown).map(showWord).join(' ')
  return truncate(redacted, max)
}

/** One-line preview of generated code, secrets masked, at most `max` characters. */
export function previewCode(code: string, max = 80): string {
  const oneLine = code.replace(/\s+/g, ' ').trim()
  const masked = redactUrls(oneLine).replace(/(["'`])([^"'`\s]{16,})\1/g, (whole, quote: string, body: string) =>
    isSecretLike(body) ? `${quote}${MASK}${quote}` : whole,
  )
  return truncate(masked, max)
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
