import fs from 'node:fs'
import { MAX_EVENTS_PER_TEST } from '../limits.js'
import { BASELINE_FILE, readBaseline, updateBaseline, writeBaseline } from '../report/baseline.js'
import { droppedViolations } from '../report/cap.js'
import { describePlace, plural, safeText } from '../report/display.js'
import { inputBudget } from '../report/json-file.js'
import { parseCommandArgs, stringValue } from './args.js'
import { BASELINE_HELP } from './help.js'
import { checkOutput, loadReports, writeOutput } from './inputs.js'
import type { CliIo } from './io.js'
import { usageError } from './usage-error.js'

// `leakgate baseline`: record today's violations as known (or, with --prune, only forget the
// ones that are gone). It refuses to overwrite a baseline it cannot read: that file is the
// team's reviewed list, and silently replacing it would accept every leak at once.

/** Entries added (or removed) listed one per line before the rest are counted. */
const LISTED_CHANGES = 20

export function runBaseline(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('baseline', args, {
    output: { type: 'string', short: 'o' },
    prune: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  })
  if (values.help) {
    io.stdout(BASELINE_HELP)
    return 0
  }
  const output = stringValue(values, 'output') ?? BASELINE_FILE
  const target = checkOutput('baseline', output, io, BASELINE_FILE, false)
  const exists = fs.existsSync(target)
  if (values.prune && !exists) {
    throw usageError(
      'baseline',
      `--prune needs an existing baseline, and ${output} does not exist. Create it with \`leakgate baseline\` (without --prune).`,
    )
  }
  const budget = inputBudget()
  const { report } = loadReports(positionals, io, budget)
  const previous = exists ? readBaseline(target, output, budget) : undefined
  const update = updateBaseline(report, previous, { prune: values.prune === true })
  const show = (entry: { category: string; target: string; file?: string; test?: string }) =>
    safeText(`${entry.category} ${JSON.stringify(entry.target)} in ${describePlace(entry)}`)
  // A line per change, up to a point: the file itself (and its diff) lists every entry.
  const list = (entries: readonly Parameters<typeof show>[0][], sign: string) => {
    for (const entry of entries.slice(0, LISTED_CHANGES)) io.stdout(`  ${sign} ${show(entry)}\n`)
    if (entries.length > LISTED_CHANGES) {
      io.stdout(`  ${sign} … and ${entries.length - LISTED_CHANGES} more (the file lists every entry)\n`)
    }
  }
  list(update.added, '+')
  list(update.removed, '-')
  const unlisted = droppedViolations(report.dropped)
  if (unlisted > 0) {
    const tests = (report.dropped ?? []).filter((entry) => entry.violations > 0).length
    io.stderr(
      `leakgate: ${plural(unlisted, 'violation')} of ${plural(tests, 'test')} over the report's cap (${MAX_EVENTS_PER_TEST} events per test) cannot be in a baseline, so \`leakgate report\` still fails for them: fix them or allow the calls (\`leakgate report\` names the tests)\n`,
    )
  }
  const size = plural(update.baseline.entries.length, 'entry', 'entries')
  const change = `${update.added.length} added, ${update.removed.length} removed`
  const carried =
    update.carried.length > 0 ? `; ${update.carried.length} kept for test files these reports did not run` : ''
  if (values['dry-run']) {
    io.stdout(`${output} would have ${size} (${change}${carried}); nothing written (--dry-run)\n`)
    return 0
  }
  writeOutput('baseline', output, () => writeBaseline(target, update.baseline))
  io.stdout(`${exists ? 'updated' : 'wrote'} ${output}: ${size} (${change}${carried})\n`)
  return 0
}
