import fs from 'node:fs'
import path from 'node:path'
import { BASELINE_FILE, type Baseline, readBaseline } from '../report/baseline.js'
import { type MergeResult, mergeReports } from '../report/merge.js'
import { REPORT_FILE } from '../report/model.js'
import { readReport } from '../report/read.js'
import { expandFiles } from './files.js'
import type { CliIo } from './io.js'

// Loading what `report` and `baseline` work on: the reports (globs expanded, merged) and the
// baseline, with messages that call files by the names the user typed.

export function loadReports(args: readonly string[], io: CliIo): MergeResult & { files: string[] } {
  const files = expandFiles(args.length > 0 ? args : [REPORT_FILE], io.cwd)
  const sources = files.map((file) => ({ file, report: readReport(path.resolve(io.cwd, file), file) }))
  const merged = mergeReports(sources)
  for (const file of merged.skipped) {
    io.stderr(`leakgate: skipped ${file}: every run in it is in another report given already.\n`)
  }
  return { ...merged, files }
}

/**
 * The baseline to apply: the one named (it must exist), else leakgate-baseline.json when present,
 * else none. `disabled` (--no-baseline) ignores the default file.
 */
export function loadBaseline(
  named: string | undefined,
  disabled: boolean,
  io: CliIo,
): { baseline?: Baseline; file?: string } {
  if (disabled) return {}
  if (named !== undefined) return { baseline: readBaseline(path.resolve(io.cwd, named), named), file: named }
  if (!fs.existsSync(path.resolve(io.cwd, BASELINE_FILE))) return {}
  return { baseline: readBaseline(path.resolve(io.cwd, BASELINE_FILE), BASELINE_FILE), file: BASELINE_FILE }
}
