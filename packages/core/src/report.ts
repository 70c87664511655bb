// `@leakgate/core/report`: the run report and the CI gate (the `leakgate` CLI) as a library:
// build and write a report, merge reports, apply a baseline, format the verdict. A separate
// entry, so that test workers, which only record events, never load it.

export { ERROR_CODES, type LeakgateCode, withCode } from './error-codes.js'
export type { AuditRecord, Category, Mode } from './events.js'
export { MAX_EVENTS_PER_TEST, MAX_LISTED_VIOLATIONS } from './limits.js'
export { isMode, MODES, resolveMode } from './mode.js'
export { type FileMark, occurrenceKey, readFileMarks, readRecords, recordKey } from './recorder.js'
export {
  BASELINE_FILE,
  type Baseline,
  type BaselineEntry,
  matchBaseline,
  readBaseline,
  updateBaseline,
  writeBaseline,
} from './report/baseline.js'
export { type DroppedEvents, describeDroppedTotal } from './report/cap.js'
export {
  type CollectorOptions,
  mergeRecords,
  RunCollector,
  type RunEnd,
  type RunStart,
  type RunVerdict,
} from './report/collector.js'
export {
  auditCoverage,
  describeProblem,
  type Incomplete,
  type IncompleteProblem,
  type IncompleteReason,
  type RanFile,
  refusedRun,
} from './report/coverage.js'
export { fingerprintOf } from './report/fingerprint.js'
export { FORMATS, type Format, formatGate } from './report/format.js'
export { evaluateGate, type Gate, type GateIncomplete, gateExitCode } from './report/gate.js'
export { LeakgateInputError } from './report/input-error.js'
export { mergeReports, type ReportSource } from './report/merge.js'
export {
  type CategorySummary,
  type CreateReportOptions,
  collectRecords,
  createReport,
  groupEvents,
  type LeakgateReport,
  REPORT_FILE,
  REPORT_SCHEMA_VERSION,
  type ReportEvent,
  type RunInfo,
  sortEvents,
  summarize,
  writeRefusedReport,
  writeReport,
  writeUnfinishedReport,
} from './report/model.js'
export { readReport } from './report/read.js'
export { formatRecord, formatSummary, type SummaryInput, type SummaryRecord } from './report/summary.js'
export { VERSION } from './version.js'
