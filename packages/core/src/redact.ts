// Redaction: targets end up in terminals, CI logs, annotations and reports, and a secret printed
// there cannot be taken back. This is the one place that knows what a secret looks like:
// - a command (argv, or a shell line read word by word, its layout kept): the value of a secret
//   flag (`--password X`, `--token=X`, curl's `-u user:pw` and `-b`, `mysql -pX`, `docker login
//   -p X`, `gh secret set -b X`), a secret header (`Authorization: Bearer …`, `Cookie: …`), a
//   secret key set to a value (`aws configure set aws_secret_access_key X`, `password=X` in a
//   connection string, `NAME_TOKEN=X`), URL credentials, token-shaped words;
// - a code preview: string literals assigned to secret names (`password = "…"`, `apiKey: '…'`);
// - any text (redactText): what applies without knowing its shape, used on every record when it
//   is created (engine.ts) and on every line the report formats print (report/display.ts).
// Masking too much costs a less precise message; masking too little leaks: when in doubt, mask.

const MASK = '***'

/** A name that holds a secret: `password`, `api_key`, `AWS_SECRET_ACCESS_KEY`, `_authToken`. */
const SECRET_NAME =
  /(?:pass(?:word|wd|phrase)|(?<![a-z])pass(?![a-z])|(?<![a-z])pwd(?![a-z])|secret|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key|(?<![a-z])key(?![a-z])|credential|auth(?!or)|cookie|session[-_]?id|(?<![a-z])otp(?![a-z]))/i
// Every pattern below is linear in its input: a match starts only where a name starts (a
// lookbehind, not `\b`, which holds inside `x-x-x…` at every letter), a name is taken whole at
// once (`(?=([…]*))\1`: JavaScript has no atomic groups) and only then is it asked whether it
// is a secret's. Patterns of the form `[\w]*SECRET[\w]*=` backtracked over the whole of a long
// word at every position: cubic, a 20 KB argument took seconds to describe (redact-linear.test.ts).

/** A flag (`--api-token`), a `KEY=value` word's key, a setting's name: letters, digits, `_.-`. */
const FLAG_NAME = /^--?[\w.-]*$/
const KEY_NAME = /^[\w./:@-]*$/
const KEY_TAIL = /^[\w.-]*$/
function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name)
}
/** `--token=value`: the flag and its value, when the flag names a secret. */
function secretFlag(word: string): { flag: string; value: string } | undefined {
  const equals = word.indexOf('=')
  if (equals < 0 || equals === word.length - 1) return undefined
  const flag = word.slice(0, equals)
  return FLAG_NAME.test(flag) && isSecretName(flag) ? { flag, value: word.slice(equals + 1) } : undefined
}
function isSecretFlag(flag: string): boolean {
  return FLAG_NAME.test(flag) && isSecretName(flag)
}
/**
 * `NAME_TOKEN`, `user.password`, `//registry/:_authToken`: a key naming a secret. The secret's
 * name may sit anywhere in it, but after it only `[\w.-]` (as `//host/:_authToken` has).
 */
function isSecretKey(key: string): boolean {
  if (!KEY_NAME.test(key)) return false
  const match = /[/:@]/.test(key)
    ? key.slice(Math.max(key.lastIndexOf('/'), key.lastIndexOf(':'), key.lastIndexOf('@')) + 1)
    : key
  return KEY_TAIL.test(match) && isSecretName(match)
}
/** `NAME_TOKEN=value` as one word: its key, when it names a secret. */
function secretKeyValue(word: string): string | undefined {
  const equals = word.indexOf('=')
  if (equals < 0 || equals === word.length - 1) return undefined
  const key = word.slice(0, equals)
  return isSecretKey(key) ? key : undefined
}
/**
 * Header names whose value is a credential, as `\b…` found them: also after a `-` in a longer
 * name when `loose`. Regular expressions only, each linear: no `toLowerCase()`, which code under
 * test can replace (a broken polyfill), and a record must still be made then.
 */
const HEADER_EXACT = /^(?:proxy-)?(?:authorization|cookie|set-cookie|private-token|x-auth)$/i
const HEADER_SUFFIX = /(?:^|-)(?:authorization|cookie|set-cookie|private-token|x-auth)$/i
const HEADER_X_EXACT = /^(?:proxy-)?x-/i
const HEADER_X_LOOSE = /(?:^|-)x-/i
const HEADER_X_SECRET = /token|key|secret/i
const HEADER_API_KEY = /api[-_]?key$/i
function isSecretHeaderName(name: string, loose: boolean): boolean {
  if ((loose ? HEADER_SUFFIX : HEADER_EXACT).test(name)) return true
  // `x-…token…`, `x-…key…`, `x-…secret…` (`X-Api-Key`, `X-Amz-Security-Token`); the earliest `x-`
  // leaves the most after it.
  const x = (loose ? HEADER_X_LOOSE : HEADER_X_EXACT).exec(name)
  if (x !== null && HEADER_X_SECRET.test(name.slice(x.index + x[0].length))) return true
  // `foo-api-key`, `apikey`: only where the exact header is read (a word given to `-H`).
  return !loose && HEADER_API_KEY.test(name)
}
/** Headers whose value is a credential: `name: value`, the name checked by isSecretHeaderName. */
const SECRET_HEADER = /^(\s*(?=([\w-]*))\2\s*:\s*)(.*)$/s
/** Inside text: `key=value` pairs with a secret key (a query string, a connection string). */
const KEY_VALUE_IN_TEXT = /((?:^|[\s?&;,"'(])(?=([\w.-]*))\2=)(?![=*])[^\s&;,"')]+/g
/** Inside text: a credential after its scheme. */
const SCHEME_CREDENTIAL = /\b(Bearer|Basic|Digest)\s+(?!\*\*\*)[A-Za-z0-9._~+/=-]{6,}/g
/** Inside text: a header line with a credential (`Authorization: Bearer x`, `Cookie: a=b`). */
const HEADER_IN_TEXT = /((?<![\w-])(?=([\w-]+))\2\s*:\s*)(?!\s|\*\*\*)[^"'`\n]+/g
/** In code: an assignment to a name (`password = `, `apiKey: `, `"token": `) up to its quote. */
const CODE_ASSIGNMENT_HEAD = /(?<![\w$])(?=([\w$]+))\1["'`]?\s*(?:[:=]|\?\?=|\|\|=)\s*(["'`])/g
const TOKEN_CANDIDATE = /[A-Za-z0-9_+=.-]{16,}/g

const TOKEN_SHAPES = [
  /^(gh[pousr]_|github_pat_)[A-Za-z0-9_]{16,}$/, // GitHub
  /^glpat-[A-Za-z0-9_-]{16,}$/, // GitLab
  /^xox[abposr]-[A-Za-z0-9-]{10,}$/, // Slack
  /^(sk|pk|rk)_(live|test)_[A-Za-z0-9]{10,}$/, // Stripe
  /^sk-[A-Za-z0-9_-]{20,}$/, // OpenAI-style
  /^(AKIA|ASIA)[A-Z0-9]{16}$/, // AWS access key id
  /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/, // JWT
  /^npm_[A-Za-z0-9]{30,}$/, // npm
  /^AIza[0-9A-Za-z_-]{30,}$/, // Google API key
]

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
    .replace(/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:[^/\s@]*@/gi, `$1${MASK}@`)
    .replace(URL_PARAMETER, (whole: string, lead: string, name: string) =>
      URL_SECRET.test(name) ? `${lead}${MASK}` : whole,
    )
}
const URL_PARAMETER = /([?&#](?=([\w.-]*))\2=)(?!\*\*\*)[^&#\s"'`]+/g
const URL_SECRET = /token|key|secret|password|passwd|auth|sig|signature|code|session/i

/** A token-shaped word masked; a sentence's final dot is not part of the token. */
function maskToken(word: string): string {
  if (isSecretLike(word)) return MASK
  let end = word.length
  while (end > 0 && (word[end - 1] === '.' || word[end - 1] === '-')) end--
  const core = word.slice(0, end)
  return core !== word && isSecretLike(core) ? `${MASK}${word.slice(core.length)}` : word
}

/**
 * Any text, safe to print: URL credentials, secret `key=value` pairs and flags, credential
 * headers and schemes, string literals given to secret names, token-shaped words. Idempotent.
 */
export function redactText(text: string): string {
  return maskCodeAssignments(
    redactUrls(text)
      .replace(HEADER_IN_TEXT, (whole: string, lead: string, name: string) =>
        isSecretHeaderName(name, true) ? `${lead}${MASK}` : whole,
      )
      .replace(SCHEME_CREDENTIAL, `$1 ${MASK}`),
  )
    .replace(KEY_VALUE_IN_TEXT, (whole: string, lead: string, key: string) =>
      KEY_TAIL.test(key) && isSecretName(key) ? `${lead}${MASK}` : whole,
    )
    .replace(TOKEN_CANDIDATE, maskToken)
}

/**
 * String literals given to secret names masked (`password = "…"` → `password = "***"`). The
 * literal is read by hand, escapes skipped: a quote never closed is remembered, so later
 * assignments with that quote do not read to the end again.
 */
function maskCodeAssignments(text: string): string {
  let out = ''
  let last = 0
  const unclosed = new Map<string, number>()
  CODE_ASSIGNMENT_HEAD.lastIndex = 0
  for (let match = CODE_ASSIGNMENT_HEAD.exec(text); match !== null; match = CODE_ASSIGNMENT_HEAD.exec(text)) {
    const name = match[1] as string
    const quote = match[2] as string
    const open = CODE_ASSIGNMENT_HEAD.lastIndex
    if (!isSecretName(name)) {
      CODE_ASSIGNMENT_HEAD.lastIndex = match.index + name.length
      continue
    }
    if (open >= (unclosed.get(quote) ?? Number.POSITIVE_INFINITY)) continue
    let end = open
    while (end < text.length && text[end] !== quote) end += text[end] === '\\' ? 2 : 1
    if (end >= text.length) {
      unclosed.set(quote, open)
      continue
    }
    out += `${text.slice(last, open)}${MASK}${quote}`
    last = end + 1
    CODE_ASSIGNMENT_HEAD.lastIndex = end + 1
  }
  return out + text.slice(last)
}

/** `user:password` → `user:***` (curl -u, --proxy-user); a value without a colon is masked whole. */
function maskUserPassword(value: string): string {
  const colon = value.indexOf(':')
  return colon >= 0 ? `${value.slice(0, colon)}:${MASK}` : value
}

function header(value: string): string | undefined {
  const match = SECRET_HEADER.exec(value)
  return match && isSecretHeaderName(match[2] as string, false) ? `${match[1]}${MASK}` : undefined
}

const MYSQL_LIKE = /^(mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mariadb[\w-]*)$/
const CONFIG_VERBS = new Set(['set', 'config', 'configure', 'variable', 'env', 'add'])

/** How a program's flags carry secrets: the value of the flag, or the whole next word. */
interface Context {
  program: string
  /**
   * What the words before this one (after the program) hold: the subcommands `login`, `secret`
   * and a config verb (`set`, `config`, …). Kept as flags, not a list: a command of many words
   * is described in one pass.
   */
  login: boolean
  secret: boolean
  configVerb: boolean
}

/** The redacted value of `word` as the value of the flag `flag` in `context`, if it is a secret. */
function flagValue(flag: string, word: string, context: Context): string | undefined {
  const { program } = context
  if (program === 'curl' || program === 'wget' || program === 'http' || program === 'httpie') {
    if (flag === '-u' || flag === '--user' || flag === '-U' || flag === '--proxy-user' || flag === '--http-user') {
      return maskUserPassword(word)
    }
    if (flag === '-b' || flag === '--cookie' || flag === '--oauth2-bearer' || flag === '-a' || flag === '--auth') {
      return MASK
    }
    if (flag === '-H' || flag === '--header' || flag === '--proxy-header') return header(word)
  }
  if (flag === '-H' || flag === '--header') return header(word)
  if (flag === '-c' && program === 'git') {
    const equals = word.indexOf('=')
    const key = equals < 0 ? word : word.slice(0, equals)
    if (equals >= 0 && (/extraheader/i.test(key) || SECRET_NAME.test(key))) {
      const value = word.slice(equals + 1)
      return `${key}=${header(value) ?? MASK}`
    }
    return undefined
  }
  if (flag === '-p' && (program === 'docker' || program === 'podman' || program === 'helm' || program === 'oras')) {
    return context.login ? MASK : undefined
  }
  if (flag === '-u' && (program === 'docker' || program === 'podman') && context.login) {
    return undefined
  }
  if ((flag === '-b' || flag === '--body') && program === 'gh' && context.secret) return MASK
  if (isSecretFlag(flag) && !/^-[A-Za-z]$/.test(flag) && !/-(stdin|prompt)$/i.test(flag)) {
    // `--password X`, `--token X`; never a short flag by its letter alone (`-p` is a port to most).
    return MASK
  }
  return undefined
}

/** Redacts one word of a command, knowing the word before it and the command it is in. */
function redactWord(word: string, previous: string | undefined, context: Context): string {
  if (previous !== undefined && /^-/.test(previous)) {
    const value = flagValue(previous, word, context)
    if (value !== undefined) return value
  }
  const { program } = context
  if (MYSQL_LIKE.test(program) && /^-p./.test(word)) return `-p${MASK}` // -pPASSWORD, attached
  if (/^--?[\w.-]+=/.test(word)) {
    const equals = word.indexOf('=')
    const flag = word.slice(0, equals)
    const value = flagValue(flag, word.slice(equals + 1), context)
    if (value !== undefined) return `${flag}=${value}`
    const secret = secretFlag(word)
    if (secret) return `${secret.flag}=${MASK}`
  }
  if ((program === 'curl' || program === 'wget') && /^-u./.test(word)) return `-u${maskUserPassword(word.slice(2))}`
  const headerValue = header(word)
  if (headerValue !== undefined) return headerValue
  // `aws configure set aws_secret_access_key X`, `git config user.password X`, `npm config set _authToken X`
  if (
    previous !== undefined &&
    !previous.startsWith('-') &&
    !word.startsWith('-') &&
    !CONFIG_VERBS.has(previous) &&
    isSecretKey(previous) &&
    context.configVerb
  ) {
    return MASK
  }
  const pair = secretKeyValue(word)
  if (pair !== undefined && !word.startsWith('-')) return `${pair}=${MASK}`
  if (isSecretLike(word)) return MASK
  return redactText(word)
}

function basename(file: string): string {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1)
  return name.replace(/\.(exe|cmd|bat)$/i, '').toLowerCase()
}

/** Redacts a command's words: `argv[0]` is the program (after any `NAME=value` assignments). */
export function redactArgv(argv: readonly string[]): string[] {
  let start = 0
  while (start < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[start] as string)) start++
  const program = basename(argv[start] ?? '')
  const out: string[] = []
  const seen = { login: false, secret: false, configVerb: false }
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string
    if (i < start) {
      const pair = secretKeyValue(word)
      out.push(pair !== undefined ? `${pair}=${MASK}` : redactText(word))
      continue
    }
    if (i === start) {
      out.push(redactText(word))
      continue
    }
    const context: Context = { program, ...seen }
    out.push(redactWord(word, i > start ? argv[i - 1] : undefined, context))
    if (word === 'login') seen.login = true
    else if (word === 'secret') seen.secret = true
    if (CONFIG_VERBS.has(word)) seen.configVerb = true
  }
  return out
}

/** Redacts one argv word out of context. `previous` is the word before it (for `--token VALUE`). */
export function redactArg(arg: string, previous?: string): string {
  return redactWord(arg, previous, { program: '', login: false, secret: false, configVerb: false })
}

interface Token {
  kind: 'word' | 'space' | 'operator'
  raw: string
  /** For a word: its text with quotes and escapes removed. */
  text: string
}

/** Splits a shell line into words, spaces and operators, keeping every character (layout). */
function lex(line: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < line.length) {
    const char = line[i] as string
    if (char === ' ' || char === '\t') {
      let j = i
      while (j < line.length && (line[j] === ' ' || line[j] === '\t')) j++
      tokens.push({ kind: 'space', raw: line.slice(i, j), text: '' })
      i = j
      continue
    }
    if (';&|\n()'.includes(char)) {
      const two = line.slice(i, i + 2)
      const raw = two === '&&' || two === '||' || two === ';;' ? two : char
      tokens.push({ kind: 'operator', raw, text: raw })
      i += raw.length
      continue
    }
    let j = i
    let text = ''
    while (j < line.length && !' \t;&|\n()'.includes(line[j] as string)) {
      const c = line[j] as string
      if (c === "'") {
        const end = line.indexOf("'", j + 1)
        const stop = end < 0 ? line.length : end
        text += line.slice(j + 1, stop)
        j = stop + 1
      } else if (c === '"') {
        j++
        while (j < line.length && line[j] !== '"') {
          if (line[j] === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1] as string)) j++
          text += line[j]
          j++
        }
        j++
      } else if (c === '\\' && j + 1 < line.length) {
        text += line[j + 1]
        j += 2
      } else {
        text += c
        j++
      }
    }
    j = Math.min(j, line.length)
    tokens.push({ kind: 'word', raw: line.slice(i, j), text })
    i = j
  }
  return tokens
}

/** Quotes a word for display when it holds spaces or quotes. */
function showWord(word: string): string {
  return /^[\w@%+=:,./*-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`
}

/** Flags that read a secret from stdin: what is piped into them is the secret. */
const STDIN_SECRET = /^--(password-stdin|with-token|token-stdin)$/

/** Redacts secrets inside a shell line, command by command, keeping its layout. */
export function redactCommandLine(line: string): string {
  const tokens = lex(line)
  let out = ''
  let segment: Token[] = []
  // `echo X | docker login --password-stdin`: X is the secret. Each segment that pipes into
  // such a command has its printed words masked.
  const pipedSecret = new Set<number>()
  {
    let words: string[] = []
    const segments: string[][] = []
    const operators: string[] = []
    for (const token of tokens) {
      if (token.kind === 'operator') {
        segments.push(words)
        operators.push(token.raw)
        words = []
      } else if (token.kind === 'word') words.push(token.text)
    }
    segments.push(words)
    for (let i = 0; i + 1 < segments.length; i++) {
      const program = basename(segments[i]?.[0] ?? '')
      if (operators[i] === '|' && (program === 'echo' || program === 'printf' || program === 'cat')) {
        if ((segments[i + 1] ?? []).some((word) => STDIN_SECRET.test(word))) pipedSecret.add(i)
      }
    }
  }
  let segmentIndex = 0
  const flush = () => {
    const words = segment.filter((token) => token.kind === 'word')
    const texts = words.map((word) => word.text)
    const redacted = pipedSecret.has(segmentIndex)
      ? texts.map((text, i) => (i === 0 || text.startsWith('-') ? text : MASK))
      : redactArgv(texts)
    segmentIndex++
    let index = 0
    for (const token of segment) {
      if (token.kind !== 'word') {
        out += token.raw
        continue
      }
      const value = redacted[index++] as string
      out += value === token.text ? redactText(token.raw) : showWord(value)
    }
    segment = []
  }
  for (const token of tokens) {
    if (token.kind === 'operator') {
      flush()
      out += token.raw
    } else segment.push(token)
  }
  flush()
  return out
}

/** A display string for a command: `git status --short`, redacted and at most `max` chars. */
export function formatCommand(file: string, args: readonly string[], max = 160): string {
  const redacted = redactArgv([file, ...args])
    .map(showWord)
    .join(' ')
  return truncate(redacted, max)
}

/** One-line preview of generated code, secrets masked (before it is cut), at most `max` characters. */
export function previewCode(code: string, max = 80): string {
  const oneLine = code.replace(/\s+/g, ' ').trim()
  const masked = redactText(oneLine).replace(/(["'`])([^"'`\s]{16,})\1/g, (whole, quote: string, body: string) =>
    isSecretLike(body) ? `${quote}${MASK}${quote}` : whole,
  )
  return truncate(masked, max)
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/**
 * Redacts, in place, the fields of a refused spawn's error that hold the raw command (`spawnargs`,
 * `cmd`): what an adapter hands to its runner, which serializes every enumerable field (Jest's
 * --json results). The program's own error keeps them for the code that caught it; this is for
 * the copy the runner publishes.
 */
export function redactErrorFields(error: unknown): void {
  if (!error || typeof error !== 'object') return
  const fields = error as { path?: unknown; spawnargs?: unknown; cmd?: unknown }
  const set = (key: 'spawnargs' | 'cmd', value: unknown) => {
    const descriptor = Object.getOwnPropertyDescriptor(error, key)
    if (descriptor && 'value' in descriptor) Object.defineProperty(error, key, { ...descriptor, value })
  }
  const args = fields.spawnargs
  if (Array.isArray(args) && args.every((arg) => typeof arg === 'string')) {
    const file = typeof fields.path === 'string' ? fields.path : ''
    const shell = args.length >= 2 && /^(-c|\/c|\/d|\/s)$/i.test(args[args.length - 2] as string)
    const head = shell ? args.slice(0, -1) : args
    const redacted = redactArgv([file, ...head]).slice(1)
    if (shell) redacted.push(redactCommandLine(args[args.length - 1] as string))
    set('spawnargs', redacted)
  }
  if (typeof fields.cmd === 'string') set('cmd', redactCommandLine(fields.cmd))
}
