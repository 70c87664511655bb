import path from 'node:path'
import { allowancePlace, allowanceRules, describeTest } from '../message.js'
import { redactText } from '../redact.js'
import type { LeakgateReport, ReportEvent } from './model.js'

// Helpers shared by the formatters. Records are redacted when they are created; `safeText`
// redacts again on the way out, because a report file can come from an older or foreign writer
// and a leaked secret in a CI log cannot be taken back.

/** Text safe to print: the same redaction records get when they are created (redact.ts). */
export function safeText(text: string): string {
  return redactText(text)
}

/** `1 violation`, `2 violations`. */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`
}

/** The project root of the run that saw this event. */
export function rootOf(report: LeakgateReport, event: ReportEvent): string | undefined {
  return (report.runs.find((run) => run.framework === event.framework) ?? report.runs[0])?.root
}

/**
 * A path for CI tools, relative to `workspace` (the repository checkout), with forward slashes.
 * Paths in events are relative to their run's root; a root inside the workspace (a monorepo
 * package) is prefixed. A report made on another machine keeps its root-relative path. An
 * absolute path outside the workspace, or a URL, has no place in the repository: undefined.
 */
export function workspacePath(file: string, root: string | undefined, workspace: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]+:/i.test(file) && !path.isAbsolute(file)) return undefined
  const absolute = path.resolve(root ?? workspace, file)
  const relative = path.relative(workspace, absolute)
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return relative.split(path.sep).join('/')
  }
  return path.isAbsolute(file) ? undefined : file.split(path.sep).join('/')
}

/** `test/api.test.ts > client > fetches`, with the phase when it is not a test body. */
export function describeScope(event: Pick<ReportEvent, 'scope'>): string {
  return describeTest(event.scope) || NO_FILE
}

/** `src/client.ts:12:5` */
export function describeSite(site: { file: string; line: number; column: number }): string {
  return `${site.file}:${site.line}:${site.column}`
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** The allowance that would accept this event, as source text: `allowAudit({ net: ['host:443'] })`. */
export function suggestAllowance(event: ReportEvent): string {
  // No rule allows tampering with the guard: the fix is in the code.
  if (event.category === 'tamper') return 'remove the code that disturbs the guard (docs/errors/LEAKGATE_TAMPERED.md)'
  const rules = allowanceRules(event.category, suggestRule(event))
  switch (allowancePlace(event)) {
    case 'config':
      return `allow: ${rules}`
    case 'config-for-imports':
      // Loading a module the file imports: its imports run before its first line, so only the
      // config can allow it (as the test's own message says).
      return `allow: ${rules} (in the config)`
    default:
      return `allowAudit(${rules})`
  }
}

function suggestRule(event: ReportEvent): string {
  // The engine's own suggestion (every command of a shell line, the address behind a name).
  if (event.suggestion) return event.suggestion
  const fromPackage = event.package ? `{ from: ${quote(event.package)} }` : undefined
  switch (event.category) {
    case 'net':
      return quote(event.target)
    case 'exec': {
      const command = event.target.trim().split(/\s+/, 1)[0] ?? event.target
      return quote(path.basename(command.replace(/^['"]|['"]$/g, '')))
    }
    default:
      return fromPackage ?? 'true'
  }
}

/** How a test names its file when it has none (a global setup, a process outside the run). */
export const NO_FILE = '(outside any test file)'

/** `test/api.test.ts > client > fetches`: where a baseline entry or a capped test is, or NO_FILE. */
export function describePlace(entry: {
  readonly file?: string | undefined
  readonly test?: string | undefined
}): string {
  return [entry.file, entry.test].filter(Boolean).join(' > ') || NO_FILE
}
