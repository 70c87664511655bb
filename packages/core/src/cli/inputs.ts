import fs from 'node:fs'
import path from 'node:path'
import { outputPathProblem } from '../output-path.js'
import { BASELINE_FILE, type Baseline, readBaseline } from '../report/baseline.js'
import { type InputBudget, inputBudget, parseInputJson, readInputText } from '../report/json-file.js'
import { type MergeResult, mergeReports } from '../report/merge.js'
import { REPORT_FILE } from '../report/model.js'
import { checkReport, REPORT_HINTS } from '../report/read.js'
import { expandFiles } from './files.js'
import type { CliIo } from './io.js'
import { readingProgress } from './progress.js'
import { usageError } from './usage-error.js'

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

/**
 * The reports, read (bounded: every file is read, within the budget, before any is parsed, so a
 * set of inputs too large together is refused before the work of parsing them) and merged.
 */
export function loadReports(
  args: readonly string[],
  io: CliIo,
  budget: InputBudget = inputBudget(),
): MergeResult & { files: string[] } {
  const files = expandFiles(args.length > 0 ? args : defaultReports(io.cwd), io.cwd)
  let sources: { file: string; report: ReturnType<typeof checkReport> }[]
  // On a terminal, a large merge shows its progress (reading is bounded first, then parsing,
  // the slow part, is counted file by file).
  let progress = readingProgress(io, 0, 0)
  try {
    const texts = files.map((file) => readInputText(path.resolve(io.cwd, file), REPORT_HINTS, file, budget))
    const sizes = texts.map((text) => Buffer.byteLength(text))
    progress = readingProgress(
      io,
      files.length,
      sizes.reduce((sum, size) => sum + size, 0),
    )
    let bytes = 0
    sources = files.map((file, i) => {
      const source = { file, report: checkReport(parseInputJson(texts[i] as string, REPORT_HINTS, file), file) }
      bytes += sizes[i] as number
      progress.step(i + 1, bytes)
      return source
    })
  } finally {
    // Cleared before any error line, so the error does not land on the progress line.
    progress.end()
  }
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
  budget?: InputBudget,
): { baseline?: Baseline; file?: string } {
  if (disabled) return {}
  if (named !== undefined) return { baseline: readBaseline(path.resolve(io.cwd, named), named, budget), file: named }
  if (!fs.existsSync(path.resolve(io.cwd, BASELINE_FILE))) return {}
  return { baseline: readBaseline(path.resolve(io.cwd, BASELINE_FILE), BASELINE_FILE, budget), file: BASELINE_FILE }
}

/**
 * Refuses an output path that cannot be written, before any work: `--output <a directory>`
 * must not end in "internal error: EISDIR" after the reports were read.
 */
export function checkOutput(
  command: string,
  output: string,
  io: CliIo,
  example: string,
  allowDevices: boolean,
): string {
  const target = path.resolve(io.cwd, output)
  // `out/` names a directory even when it does not exist yet (path.resolve drops the slash).
  const problem = /[\\/]$/.test(output)
    ? 'is a directory; name a file'
    : outputPathProblem(target, { allowDevices, shownFrom: io.cwd })
  if (problem) {
    const hint = problem.startsWith('is a directory') ? ` (for example ${path.join(output, example)})` : ''
    throw usageError(command, `--output ${output}: ${problem}${hint}.`)
  }
  return target
}

/** Writes an output file; a failure that the start-up check could not foresee (a full disk) is one line too. */
export function writeOutput(command: string, output: string, write: () => void): void {
  try {
    write()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw usageError(command, `--output ${output}: could not be written (${code ?? (error as Error).message}).`)
  }
}
