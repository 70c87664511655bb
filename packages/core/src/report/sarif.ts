import { createHash } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import type { Category } from '../events.js'
import { VERSION } from '../version.js'
import { describeProblem } from './coverage.js'
import {
  describePlace,
  describeScope,
  describeSite,
  rootOf,
  safeText,
  suggestAllowance,
  workspacePath,
} from './display.js'
import { fingerprintOf } from './fingerprint.js'
import type { Gate } from './gate.js'
import type { ReportEvent } from './model.js'
import { describeEvent, INCOMPLETE_HINT } from './text.js'

// SARIF 2.1.0 for code scanning. One rule per error code; one result per violation (new ones at
// level error with baselineState "new", known ones at warning with "unchanged"). Allowed events
// are not findings and are left out.
//
// - partialFingerprints carry the leak's stable key (fingerprint.ts), under our own name and as
//   primaryLocationLineHash: upload-sarif computes a line-based hash only when that one is absent,
//   and a line-based hash would make a moved line look like a fixed leak plus a new one.
// - Code scanning refuses a whole upload when one result has no physical location, so an event
//   with neither call site nor test file is anchored at the project's package.json.
// - automationDetails.id ends with "/" so code scanning files the results under their own category.

interface RuleText {
  name: string
  short: string
  full: string
}

const RULES: Record<Category, RuleText & { id: string }> = {
  net: {
    id: 'LEAKGATE_NET_BLOCKED',
    name: 'NetworkLeak',
    short: 'A test opened a connection to another machine, or resolved a name over DNS.',
    full: 'A test (or code it ran) opened a socket to an address that is not this machine, or asked DNS for a name. Tests that reach the network are slow, flaky and can leak data or credentials.',
  },
  exec: {
    id: 'LEAKGATE_EXEC_BLOCKED',
    name: 'ProcessLeak',
    short: 'A test started another program.',
    full: 'A test (or code it ran) started another program through child_process. The program runs outside the test’s control and may reach anything.',
  },
  eval: {
    id: 'LEAKGATE_EVAL_BLOCKED',
    name: 'CodeGenerationLeak',
    short: 'A test compiled code from a string.',
    full: 'A test (or code it ran) compiled code from a string: eval, Function and its siblings, or a vm entry point.',
  },
  tamper: {
    id: 'LEAKGATE_TAMPERED',
    name: 'GuardTampered',
    short: 'A test disturbed leakgate’s guard.',
    full: 'A test (or code it ran) switched the guard off, reconfigured it, or removed or replaced one of its patches (a patched function, the process.execve channel subscription, Error.captureStackTrace or Error.prepareStackTrace). leakgate put the guard back; what ran meanwhile was not audited.',
  },
}

const INCOMPLETE_RULE = 'LEAKGATE_INCOMPLETE_RUN'

function helpFor(category: Category): string {
  if (category === 'tamper')
    return 'Remove the code that disturbs the guard (see docs/errors/LEAKGATE_TAMPERED.md); no rule allows it.'
  return `Fix the test, or allow the call where it is expected: \`allowAudit({ ${category}: [...] })\` in the test, the same shape in the config, or accept it for now with \`leakgate baseline\`.`
}

export interface SarifOptions {
  /** The repository checkout: result URIs are relative to it. */
  workspace: string
}

function ruleFor(event: Pick<ReportEvent, 'category' | 'code'>): RuleText & { id: string } {
  const base = RULES[event.category]
  return event.code && event.code !== base.id ? { ...base, id: event.code } : base
}

function uriOf(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/')
}

function physical(file: string, site?: { line: number; column: number }) {
  const location: Record<string, unknown> = { artifactLocation: { uri: uriOf(file), uriBaseId: '%SRCROOT%' } }
  if (site && site.line > 0) {
    location.region = site.column > 0 ? { startLine: site.line, startColumn: site.column } : { startLine: site.line }
  }
  return { physicalLocation: location }
}

function locate(gate: Gate, event: ReportEvent, workspace: string) {
  const root = rootOf(gate.report, event)
  const site = event.callSite ? workspacePath(event.callSite.file, root, workspace) : undefined
  if (site && event.callSite) return physical(site, event.callSite)
  const test = event.scope.file ? workspacePath(event.scope.file, root, workspace) : undefined
  if (test) return physical(test)
  return physical(workspacePath('package.json', root, workspace) ?? 'package.json')
}

export function formatSarif(gate: Gate, options: SarifOptions): string {
  const rules: Array<Record<string, unknown>> = []
  const ruleIndex = new Map<string, number>()
  const results: Array<Record<string, unknown>> = []
  const indexOf = (event: Pick<ReportEvent, 'category' | 'code'>) => {
    const rule = ruleFor(event)
    let index = ruleIndex.get(rule.id)
    if (index === undefined) {
      index = rules.length
      ruleIndex.set(rule.id, index)
      rules.push({
        id: rule.id,
        name: rule.name,
        shortDescription: { text: rule.short },
        fullDescription: { text: rule.full },
        help: { text: helpFor(event.category), markdown: helpFor(event.category) },
        defaultConfiguration: { level: 'error' },
        properties: { tags: ['leakgate', event.category, 'tests'] },
      })
    }
    return { rule, index }
  }
  const add = (event: ReportEvent, known: boolean) => {
    const { rule, index } = indexOf(event)
    const fingerprint = event.fingerprint ?? fingerprintOf(event)
    const lines = [
      `${describeEvent(event)} in ${describeScope(event)}${event.package ? ` via ${event.package}` : ''}${known ? ' (known: in the baseline)' : ''}.`,
      `To allow it: ${suggestAllowance(event)}`,
    ]
    const result: Record<string, unknown> = {
      ruleId: rule.id,
      ruleIndex: index,
      level: known ? 'warning' : 'error',
      baselineState: known ? 'unchanged' : 'new',
      message: { text: safeText(lines.join('\n')) },
      locations: [locate(gate, event, options.workspace)],
      partialFingerprints: { 'leakgate/v1': fingerprint, primaryLocationLineHash: fingerprint },
      properties: {
        category: event.category,
        event: event.event,
        target: safeText(event.target),
        test: safeText(describeScope(event)),
        phase: event.scope.phase,
        framework: event.framework,
        count: event.count,
        ...(event.package ? { package: event.package } : {}),
        ...(event.via ? { via: describeSite(event.via) } : {}),
      },
    }
    results.push(result)
  }
  if (gate.incomplete.length > 0) {
    // A run the guard did not see to its end is a finding of its own: code scanning must not
    // show a clean result for it.
    const index = rules.length
    rules.push({
      id: INCOMPLETE_RULE,
      name: 'IncompleteAudit',
      shortDescription: { text: 'The guard did not run everywhere in this test run.' },
      fullDescription: {
        text: 'A test file ran without the guard, or stopped before its end (a refused option, an environment or setup file that never loaded, a worker killed mid-file), or a shard of a sharded run has no report among the inputs. Leaks in it were not seen, so the run proves nothing.',
      },
      help: { text: INCOMPLETE_HINT, markdown: INCOMPLETE_HINT },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['leakgate', 'tests'] },
    })
    for (const problem of gate.incomplete) {
      const run = gate.report.runs.find((candidate) => candidate.framework === problem.framework)
      const file =
        (problem.file && run ? workspacePath(problem.file, run.root, options.workspace) : undefined) ??
        workspacePath('package.json', run?.root, options.workspace) ??
        'package.json'
      results.push({
        ruleId: INCOMPLETE_RULE,
        ruleIndex: index,
        level: 'error',
        baselineState: 'new',
        message: { text: safeText(`${describeProblem(problem)} [${problem.framework}]\n${INCOMPLETE_HINT}`) },
        locations: [physical(file)],
        properties: { reason: problem.reason, framework: problem.framework },
      })
    }
  }
  for (const event of gate.fresh) add(event, false)
  for (const event of gate.known) add(event, true)
  // What the report's per-test cap left out: one result per test and category, at the test file.
  for (const entry of gate.dropped) {
    for (const category of ['net', 'exec', 'eval', 'tamper'] as const) {
      const count = entry.byCategory[category]?.violations ?? 0
      if (count === 0) continue
      const { rule, index } = indexOf({ category })
      const where = describePlace(entry)
      const run = gate.report.runs.find((candidate) => candidate.framework === entry.framework) ?? gate.report.runs[0]
      const file = entry.file ? workspacePath(entry.file, run?.root, options.workspace) : undefined
      const fingerprint = createHash('sha256')
        .update(['dropped', category, entry.file ?? '', entry.test ?? ''].join('\u0000'))
        .digest('hex')
        .slice(0, 16)
      results.push({
        ruleId: rule.id,
        ruleIndex: index,
        level: 'error',
        baselineState: 'new',
        message: {
          text: safeText(
            `${count} more ${category} violation${count === 1 ? '' : 's'} in ${where}, not listed: the report keeps 100 events per test.`,
          ),
        },
        locations: [physical(file ?? workspacePath('package.json', run?.root, options.workspace) ?? 'package.json')],
        partialFingerprints: { 'leakgate/v1': fingerprint, primaryLocationLineHash: fingerprint },
        properties: { category, test: safeText(where), framework: entry.framework, count, notListed: true },
      })
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'leakgate',
            semanticVersion: VERSION,
            version: VERSION,
            rules,
          },
        },
        automationDetails: { id: 'leakgate/' },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToFileURL(options.workspace).href.replace(/\/?$/, '/')}` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
