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

/**
 * Without arguments: leakgate-report.json and the per-shard files the Jest reporter writes
 * (leakgate-report.shard-1-of-2.json ...) in the current directory.
 */
function defaultReports(cwd: string): string[] {
  const shards = fs
    .readdirSync(cwd)
    .filter((name) => /^leakgate-report\..+\.json$/.test(name))
    .sort()
  const main = fs.existsSync(path.join(cwd, REPORT_FILE)) ? [REPORT_FILE] : []
  return main.length + shards.length > 0 ? [...main, ...shards] : [REPORT_FILE]
}

export function loadReports(args: readonly string[], io: CliIo): MergeResult & { files: string[] } {
  const files = expandFiles(args.length > 0 ? args : defaultReports(io.cwd), io.cwd)
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
