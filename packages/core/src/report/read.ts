import { VERSION } from '../version.js'
import { LeakgateInputError } from './input-error.js'
import { type InputBudget, type JsonFileHints, readJsonFile } from './json-file.js'
import { type LeakgateReport, REPORT_SCHEMA_VERSION } from './model.js'
import { checkReportShape } from './schema.js'

// Reading a report file for `leakgate report` and `leakgate baseline`: every problem becomes a
// one-line LEAKGATE_REPORT_INVALID error naming the file, what is wrong and what to do.

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
  if (record.schemaVersion < 1) {
    return `has schemaVersion ${record.schemaVersion}, which no leakgate writes (this one reads version ${REPORT_SCHEMA_VERSION}). Is it a leakgate report?`
  }
  const problem = checkReportShape(value)
  return problem ? `is damaged: ${problem}. Re-run the tests to write it again.` : undefined
}

/** What messages about a report file say. */
export const REPORT_HINTS: JsonFileHints = {
  what: 'report',
  code: 'LEAKGATE_REPORT_INVALID',
  expected: 'the leakgate-report.json the test run wrote',
  whenMissing:
    'Run the tests with the leakgate reporter first (it writes leakgate-report.json), or pass the report path.',
  whenTruncated: 'The test run probably stopped while writing it; re-run the tests.',
}

/** Checks a parsed report. Throws LeakgateInputError (LEAKGATE_REPORT_INVALID). */
export function checkReport(value: unknown, name: string): LeakgateReport {
  const problem = findReportProblem(value)
  if (problem) throw new LeakgateInputError('LEAKGATE_REPORT_INVALID', `${name}: ${problem}`, name)
  return value as LeakgateReport
}

/** Reads (bounded) and checks one report file. Throws LeakgateInputError (LEAKGATE_REPORT_INVALID). */
export function readReport(file: string, name = file, budget?: InputBudget): LeakgateReport {
  return checkReport(readJsonFile(file, REPORT_HINTS, name, budget), name)
}
