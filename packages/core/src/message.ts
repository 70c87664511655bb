import type { AuditRecord, CallSite, Category, EventScope } from './events.js'

// The text of a violation. First line stands alone; then test, call site, package, the rules
// that were consulted and a copy-paste allowance. No colour, paths relative to the root.

export interface MessageContext {
  /** The rules consulted for this category, most specific first (at most five). */
  rules: readonly string[]
  /** The rule that would allow it, as source text: `'api.stripe.com:443'`, `{ from: 'ajv' }`. */
  suggestion: string
  /** A line on what happened, for an operation that could not be refused. */
  note?: string
  /**
   * In the import phase: the file's own code is running (a describe body), so an allowAudit()
   * at its top is in force. Without it, only an event whose call site is the file itself says so.
   */
  fileTop?: boolean
}

function formatSite(site: CallSite): string {
  return `${site.file}:${site.line}:${site.column}`
}

/**
 * `blocked net.connect to "api.stripe.com:443" (LEAKGATE_NET_BLOCKED)`. A violation that was not
 * refused says so in its first line, the one runners show alone: in report mode it "would block"
 * (nothing was), and code detected after it ran (inspectEval) was "detected after it ran".
 */
export function formatShortMessage(
  record: Pick<AuditRecord, 'category' | 'event' | 'target' | 'code'> & { mode?: AuditRecord['mode'] },
  blocked: boolean,
): string {
  const preposition = record.category === 'net' && !record.event.startsWith('dns.') ? 'to' : 'of'
  const what = `${record.event} ${preposition} ${JSON.stringify(record.target)}`
  if (blocked) return `blocked ${what} (${record.code})`
  if (record.mode === 'report') return `would block ${what} (${record.code}; report mode: not blocked)`
  return `detected ${what} after it ran (${record.code})`
}

function where(record: AuditRecord): string {
  switch (record.scope.phase) {
    case 'test':
      return 'in this test'
    case 'late':
      return 'in the test that started it'
    case 'import':
    case 'hook':
      return 'in this file (at its top)'
    default:
      return 'in the config'
  }
}

const PHASES: Partial<Record<EventScope['phase'], string>> = {
  late: ' (after the test ended)',
  import: ' (while importing the file)',
  hook: ' (in a beforeAll/afterAll hook)',
}

/** `test/a.test.ts > renders (after the test ended)`; empty outside any test file. */
export function describeTest(scope: EventScope): string {
  const test = [scope.file, scope.test].filter(Boolean).join(' > ')
  return test ? test + (PHASES[scope.phase] ?? '') : ''
}

/** The full message of a violation. */
export function formatViolation(record: AuditRecord, context: MessageContext): string {
  const lines = [formatShortMessage(record, record.blocked), '']
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(10)} ${value}`)
  const { scope } = record
  const test = describeTest(scope)
  if (test) row('test', test)
  if (record.callSite) row('called at', formatSite(record.callSite))
  if (record.package) row('via', record.via ? `${record.package} (${formatSite(record.via)})` : record.package)
  if (record.origin) row('in', record.origin === 'child' ? `a child process (pid ${record.pid})` : 'a worker thread')
  if (context.note) row('note', context.note)
  if (record.decision.reason === 'hook') row('policy', 'refused by an audit hook')
  else {
    const listed = context.rules.length === 0 ? '[]' : `[${context.rules.map(quoteRule).join(', ')}]`
    row('policy', `no rule matched; allow.${record.category} = ${listed}`)
  }
  lines.push('')
  const value = formatAllowValue(record.category, context.suggestion)
  const call = `allowAudit({ ${record.category}: ${value} })`
  if (scope.phase === 'run') {
    lines.push(`  To allow it in the config:  allow: { ${record.category}: ${value} }`)
  } else if (scope.phase === 'import' && record.callSite?.file !== scope.file && !context.fileTop) {
    // Something the file imports leaked while loading: its static imports run before the
    // file's first line, so an allowAudit() at its top would come too late.
    lines.push(
      `  To allow it in the config (the file's imports run before its first line):  allow: { ${record.category}: ${value} }`,
    )
  } else {
    lines.push(`  To allow it ${where(record)}:  ${call}`)
  }
  return lines.join('\n')
}

function quoteRule(rule: string): string {
  return rule.startsWith('{') || rule.startsWith("'") || rule === 'true' ? rule : JSON.stringify(rule)
}

function formatAllowValue(_category: Category, suggestion: string): string {
  return suggestion === 'true' ? 'true' : `[${suggestion}]`
}

/**
 * The line that ends a capped list of violations (MAX_LISTED_VIOLATIONS listed): a test that
 * swallows thousands of refusals in a loop fails with a message of bounded size.
 */
export function moreViolationsLine(count: number): string {
  const what = count === 1 ? 'violation' : 'violations'
  return `… and ${count.toLocaleString('en-US')} more ${what} not listed here: the leakgate report counts them all (npx leakgate report)`
}

/**
 * The text of an error a test failed with that carries the message of a violation of another
 * test: a library kept our error's message and fails every later call with it (esbuild's
 * service, refused when the first test started it: "The service is no longer running: blocked
 * …"). Its "To allow it in this test" was said to that test, where the process started; here
 * it names that test, and the top of the file, which allows it for every test. `text` unchanged
 * when it does not carry `message`.
 */
export function retellViolation(text: string, message: string, scope: EventScope): string {
  if (!message || !text.includes(message) || scope.test === undefined) return text
  const retold = message.replace(
    /^( {2}To allow it) in this test:/m,
    `$1 in the test that started it (${JSON.stringify(scope.test)}), or for every test at the top of the file:`,
  )
  return text.split(message).join(retold)
}
