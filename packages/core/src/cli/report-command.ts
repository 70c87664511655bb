import fs from 'node:fs'
import path from 'node:path'
import { FORMATS, type Format, formatGate } from '../report/format.js'
import { evaluateGate, gateExitCode } from '../report/gate.js'
import { inputBudget } from '../report/json-file.js'
import { formatMarkdown } from '../report/markdown.js'
import { formatVerdict } from '../report/text.js'
import { parseCommandArgs, stringValue } from './args.js'
import { REPORT_HELP } from './help.js'
import { checkOutput, loadBaseline, loadReports, writeOutput } from './inputs.js'
import { type CliIo, wantsColor } from './io.js'
import { usageError } from './usage-error.js'

// `leakgate report`: merge, judge against the baseline, print in one format, exit 0/1.

/** A file name to suggest when --output names a directory. */
const OUTPUT_EXAMPLE: Record<Format, string> = {
  text: 'leakgate.txt',
  json: 'leakgate-gate.json',
  markdown: 'leakgate.md',
  github: 'leakgate-github.txt',
  junit: 'leakgate-junit.xml',
  sarif: 'leakgate.sarif',
}

export function runReport(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('report', args, {
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    baseline: { type: 'string', short: 'b' },
    'no-baseline': { type: 'boolean' },
    'fail-on-stale': { type: 'boolean' },
    'allow-missing-shards': { type: 'boolean' },
    workspace: { type: 'string' },
    details: { type: 'boolean' },
    // The flag's first name, kept working.
    verbose: { type: 'boolean' },
  })
  if (values.help) {
    io.stdout(REPORT_HELP)
    return 0
  }
  const format = (stringValue(values, 'format') ?? 'text') as Format
  if (!FORMATS.includes(format)) {
    throw usageError('report', `unknown format '${format}'; use one of ${FORMATS.join(', ')}.`)
  }
  const named = stringValue(values, 'baseline')
  if (named !== undefined && values['no-baseline']) {
    throw usageError('report', '--baseline and --no-baseline contradict each other; pass one.')
  }
  const output = stringValue(values, 'output')
  const target = output === undefined ? undefined : checkOutput('report', output, io, OUTPUT_EXAMPLE[format], true)
  const budget = inputBudget()
  const { report } = loadReports(positionals, io, budget)
  const { baseline, file } = loadBaseline(named, values['no-baseline'] === true, io, budget)
  const gate = evaluateGate(report, baseline, file, { allowMissingShards: values['allow-missing-shards'] === true })
  const workspace = path.resolve(io.cwd, stringValue(values, 'workspace') ?? io.env.GITHUB_WORKSPACE ?? '.')
  const text = formatGate(gate, format, {
    workspace,
    color: output === undefined && wantsColor(io),
    details: values.details === true || values.verbose === true,
  })
  if (output !== undefined && target !== undefined) {
    writeOutput('report', output, () => {
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, text)
    })
    io.stdout(`${formatVerdict(gate, wantsColor(io))}; ${format} written to ${output}\n`)
  } else {
    io.stdout(text)
  }
  const summary = io.env.GITHUB_STEP_SUMMARY
  if (format === 'github' && summary) {
    try {
      fs.appendFileSync(summary, formatMarkdown(gate))
    } catch (error) {
      io.stderr(`leakgate: could not append the job summary to ${summary}: ${(error as Error).message}\n`)
    }
  }
  return gateExitCode(gate, { failOnStale: values['fail-on-stale'] === true })
}
