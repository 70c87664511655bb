import type { Category } from '../events.js'
import { VERSION } from '../version.js'
import { LeakgateInputError } from './input-error.js'
import { readJsonFile } from './json-file.js'
import { type LeakgateReport, REPORT_SCHEMA_VERSION } from './model.js'
import { arrayOf, isBoolean, isCount, isPosition, isString, object, oneOf, optional } from './shape.js'

// Reading a report file for `leakgate report` and `leakgate baseline`: every problem becomes a
// one-line LEAKGATE_REPORT_INVALID error naming the file, what is wrong and what to do.

const CATEGORIES: readonly Category[] = ['net', 'exec', 'eval']
const site = optional(object({ file: isString, line: isPosition, column: isPosition }))

const checkRun = object({
  framework: isString,
  node: isString,
  mode: oneOf('enforce', 'report', 'off'),
  root: isString,
  startedAt: isString,
  id: optional(isString),
  files: optional(arrayOf(isString)),
})

const checkEvent = object({
  category: oneOf(...CATEGORIES),
  event: isString,
  target: isString,
  scope: object({
    file: optional(isString),
    test: optional(isString),
    phase: oneOf('test', 'hook', 'import', 'late', 'run'),
  }),
  callSite: site,
  via: site,
  package: optional(isString),
  decision: object({ allowed: isBoolean, reason: oneOf('rule', 'no-rule', 'hook') }),
  mode: oneOf('enforce', 'report', 'off'),
  blocked: isBoolean,
  message: isString,
  count: isCount,
  framework: isString,
  firstSeen: isString,
})

const checkReport = object({ runs: arrayOf(checkRun), events: arrayOf(checkEvent) })

/** The first problem that makes `value` unusable as a report, or undefined when it is one. */
export function findReportProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'is not a leakgate report (expected a JSON object with "schemaVersion", "runs" and "events").'
  }
  const record = value as Record<string, unknown>
  if (record.kind === 'leakgate-baseline') return 'is a leakgate baseline, not a report. Pass it with --baseline.'
  if (record.version === '2.1.0' && Array.isArray(record.runs)) {
    return 'is a SARIF log, not a leakgate report. Pass the leakgate-report.json the test run wrote.'
  }
  const tool = record.tool as { name?: unknown } | undefined
  if (record.schemaVersion === undefined || tool?.name !== '@leakgate/core') {
    return 'is not a leakgate report (no "schemaVersion" and "tool": "@leakgate/core"). Is it another tool\'s JSON?'
  }
  if (typeof record.schemaVersion !== 'number' || !Number.isInteger(record.schemaVersion)) {
    return `has schemaVersion ${JSON.stringify(record.schemaVersion)}; expected an integer.`
  }
  if (record.schemaVersion > REPORT_SCHEMA_VERSION) {
    return `is a version ${record.schemaVersion} report, newer than this leakgate (${VERSION}) reads (version ${REPORT_SCHEMA_VERSION}). Upgrade @leakgate/core.`
  }
  const problem = checkReport(value, '')
  return problem ? `is damaged: ${problem}. Re-run the tests to write it again.` : undefined
}

/** Reads and checks one report file. Throws LeakgateInputError (LEAKGATE_REPORT_INVALID). */
export function readReport(file: string, name = file): LeakgateReport {
  const value = readJsonFile(
    file,
    {
      what: 'report',
      code: 'LEAKGATE_REPORT_INVALID',
      whenMissing:
        'Run the tests with the leakgate reporter first (it writes leakgate-report.json), or pass the report path.',
      whenTruncated: 'The test run probably stopped while writing it; re-run the tests.',
    },
    name,
  )
  const problem = findReportProblem(value)
  if (problem) throw new LeakgateInputError('LEAKGATE_REPORT_INVALID', `${name}: ${problem}`, name)
  return value as LeakgateReport
}
