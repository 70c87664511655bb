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

/** `net.connect to "api.stripe.com:443"`, `Function of "return 1"`: what a violation did, as every rendering names it. */
export function describeWhat(record: Pick<AuditRecord, 'category' | 'event' | 'target'>): string {
  const preposition = record.category === 'net' && !record.event.startsWith('dns.') ? 'to' : 'of'
  return `${record.event} ${preposition} ${JSON.stringify(record.target)}`
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
  const what = describeWhat(record)
  if (blocked) return `blocked ${what} (${record.code})`
  if (record.mode === 'report') return `would block ${what} (${record.code}; report mode: not blocked)`
  return `detected ${what} after it ran (${record.code})`
}

function where(record: Pick<AuditRecord, 'scope'>): string {
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

/** The rows of a violation's facts, in the order every rendering shows them. */
export type FactLabel = 'test' | 'called at' | 'via' | 'in'

export type ViolationFacts = Pick<AuditRecord, 'scope' | 'callSite' | 'package' | 'via' | 'origin'> & { pid?: number }

/**
 * The facts of one violation every rendering of it shows, as [label, value] rows in this order:
 * the test (and phase), the call site, the package it came through, the process it ran in. The
 * thrown error, the runners' summaries and every report format lay them out their own way.
 * `pid`: name a child process's pid (the error, said while that process may still run).
 * `noTest`: the test row of an event outside any test file (omitted by default).
 */
export function violationFacts(
  record: ViolationFacts,
  options: { pid?: boolean; noTest?: string } = {},
): [FactLabel, string][] {
  const rows: [FactLabel, string][] = []
  const test = describeTest(record.scope) || options.noTest
  if (test) rows.push(['test', test])
  if (record.callSite) rows.push(['called at', formatSite(record.callSite)])
  if (record.package) rows.push(['via', record.via ? `${record.package} (${formatSite(record.via)})` : record.package])
  if (record.origin === 'child') {
    rows.push([
      'in',
      options.pid && record.pid !== undefined ? `a child process (pid ${record.pid})` : 'a child process',
    ])
  } else if (record.origin) rows.push(['in', 'a worker thread'])
  return rows
}

/**
 * The text of a violation known only as a record (one a child process or a worker thread wrote
 * to the sink): its first line, then its facts, laid out as the thrown error lays them.
 */
export function formatRecordedViolation(record: Pick<AuditRecord, 'message'> & ViolationFacts): string {
  const rows = violationFacts(record, { pid: true }).map(([label, value]) => `  ${label.padEnd(10)} ${value}`)
  return [record.message, '', ...rows].join('\n')
}

/** Where the allowance of a violation goes: the config, or an allowAudit() where it happened. */
export type AllowancePlace = 'config' | 'config-for-imports' | 'here'

/**
 * Where the one line that allows a violation goes. A violation outside any test file is the
 * config's; so is one while a file was imported when something the file imports leaked (its
 * static imports run before the file's first line, so an allowAudit() at its top comes too
 * late), unless the file's own code was running (`fileTop`: a describe body).
 */
export function allowancePlace(record: Pick<AuditRecord, 'scope' | 'callSite'>, fileTop = false): AllowancePlace {
  if (record.scope.phase === 'run') return 'config'
  if (record.scope.phase === 'import' && record.callSite?.file !== record.scope.file && !fileTop) {
    return 'config-for-imports'
  }
  return 'here'
}

/** `{ net: ['api.stripe.com:443'] }`: the rules that allow a violation, from the rule that would (`true` for all). */
export function allowanceRules(category: Category, suggestion: string): string {
  return `{ ${category}: ${suggestion === 'true' ? 'true' : `[${suggestion}]`} }`
}

/** The full message of a violation. */
export function formatViolation(record: AuditRecord, context: MessageContext): string {
  const lines = [formatShortMessage(record, record.blocked), '']
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(10)} ${value}`)
  for (const [label, value] of violationFacts(record, { pid: true })) row(label, value)
  if (context.note) row('note', context.note)
  if (record.decision.reason === 'hook') row('policy', 'refused by an audit hook')
  else {
    const listed = context.rules.length === 0 ? '[]' : `[${context.rules.map(quoteRule).join(', ')}]`
    row('policy', `no rule matched; allow.${record.category} = ${listed}`)
  }
  lines.push('')
  const rules = allowanceRules(record.category, context.suggestion)
  switch (allowancePlace(record, context.fileTop)) {
    case 'config':
      lines.push(`  To allow it in the config:  allow: ${rules}`)
      break
    case 'config-for-imports':
      lines.push(`  To allow it in the config (the file's imports run before its first line):  allow: ${rules}`)
      break
    default:
      lines.push(`  To allow it ${where(record)}:  allowAudit(${rules})`)
  }
  return lines.join('\n')
}

function quoteRule(rule: string): string {
  return rule.startsWith('{') || rule.startsWith("'") || rule === 'true' ? rule : JSON.stringify(rule)
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
