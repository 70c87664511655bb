import fs from 'node:fs'
import path from 'node:path'
import { docsUrl } from '../links.js'
import { parseCommandArgs, stringValue } from './args.js'
import { findPackage } from './doctor/inspect.js'
import { INIT_HELP } from './help.js'
import { type CliIo, wantsColor } from './io.js'
import { paint } from './paint.js'
import { usageError } from './usage-error.js'

// `leakgate init`: finds Vitest, Jest and Mocha in a project and adds leakgate to each config in report
// mode, then prints the next steps. Idempotent (a config that has leakgate is left as it is),
// `--dry-run` shows the diff and writes nothing, and a config it cannot edit safely is never
// touched: the lines to add are printed instead (exit 1). The parser is loaded only here.

type Framework = 'vitest' | 'jest' | 'mocha'

const ADAPTERS: Record<Framework, string> = {
  vitest: '@leakgate/vitest-plugin',
  jest: '@leakgate/jest-environment',
  mocha: '@leakgate/mocha',
}

/** The lines a YAML Mocha config needs (init edits no YAML). */
const MOCHA_YAML = ['require:', "  - '@leakgate/mocha'", 'leakgate:', '  mode: report']

export async function runInit(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('init', args, {
    dir: { type: 'string' },
    'dry-run': { type: 'boolean' },
    ci: { type: 'string' },
  })
  if (values.help) {
    io.stdout(INIT_HELP)
    return 0
  }
  if (positionals.length > 0) {
    throw usageError('init', `unexpected argument '${positionals[0]}'; pass the project with --dir.`)
  }
  const ci = stringValue(values, 'ci')
  if (ci !== undefined && ci !== 'github' && ci !== 'generic') {
    throw usageError('init', `--ci takes github or generic, not '${ci}'.`)
  }
  const dir = path.resolve(io.cwd, stringValue(values, 'dir') ?? '.')
  const dryRun = values['dry-run'] === true
  const { detectProject } = await import('./init/detect.js')
  const { planVitest, newVitestConfig } = await import('./init/vitest.js')
  const { planJestFile, planJestJson, newJestConfig } = await import('./init/jest.js')
  const { planMochaFile, planMochaJson, newMochaConfig } = await import('./init/mocha.js')
  const { formatDiff } = await import('./init/diff.js')
  const { commandsFor, genericSteps, githubWorkflow, WORKFLOW_FILE } = await import('./init/ci.js')
  type Plan = import('./init/plan.js').Plan

  const color = wantsColor(io)
  const out = (text = '') => io.stdout(`${text}\n`)
  const detected = detectProject(dir)
  out(`leakgate init in ${dir}${dryRun ? ' (dry run: nothing is written)' : ''}`)
  out()

  for (const { name, evidence } of detected.unsupported) {
    if (name === 'node:test') {
      // node:test has no config file for init to edit: the adapter is a flag on the command.
      out(
        `${paint(color, 'warn', '!')} ${name} (${evidence}): add \`--require @leakgate/node-test\` to that command and "leakgate": { "mode": "report" } to package.json (docs/node-test.md); init does not edit scripts, nothing changed for it.`,
      )
      continue
    }
    out(
      `${paint(color, 'warn', '!')} ${name} (${evidence}): leakgate does not support ${name} yet; nothing changed for it.`,
    )
  }
  const found: Framework[] = []
  if (detected.vitest) found.push('vitest')
  if (detected.jest) found.push('jest')
  if (detected.mocha) found.push('mocha')
  if (found.length === 0) {
    out(
      `${paint(color, 'fail', '✖')} no Vitest, Jest or Mocha here (no config file, no dependency in package.json). Run init in the project's folder, or --dir.`,
    )
    return 1
  }

  const plans: { framework: Framework; plan: Plan }[] = []
  const missing: Framework[] = []
  for (const framework of found) {
    if (!findPackage(ADAPTERS[framework], dir)) {
      missing.push(framework)
      continue
    }
    plans.push({ framework, plan: planFor(framework) })
  }

  function planFor(framework: Framework): Plan {
    const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8')
    if (framework === 'vitest') {
      const { config, viteConfig } = detected.vitest as NonNullable<typeof detected.vitest>
      if (config) return planVitest(config, read(config))
      if (viteConfig) {
        // The plugin must not run in `vite build`; a vitest.config that merges the Vite one is
        // the user's call (Vitest then ignores vite.config for tests).
        return {
          kind: 'manual',
          file: viteConfig,
          reason: 'the Vite config also serves `vite build`; leakgate belongs in the test config',
          lines: [
            '// vitest.config.ts',
            "import { leakgate } from '@leakgate/vitest-plugin'",
            "import { defineConfig, mergeConfig } from 'vitest/config'",
            `import viteConfig from './${viteConfig.replace(/\.[cm]?[jt]s$/, '')}'`,
            '',
            "export default mergeConfig(viteConfig, defineConfig({ plugins: [leakgate({ mode: 'report' })] }))",
          ],
        }
      }
      const file = detected.typescript ? 'vitest.config.ts' : 'vitest.config.mjs'
      return { kind: 'edit', file, before: undefined, after: newVitestConfig(), notes: [] }
    }
    if (framework === 'mocha') {
      const { config, inPackageJson } = detected.mocha as NonNullable<typeof detected.mocha>
      if (config && /\.ya?ml$/.test(config)) {
        return { kind: 'manual', file: config, reason: 'init does not edit YAML', lines: MOCHA_YAML }
      }
      if (config?.endsWith('.json') || config?.endsWith('.jsonc')) return planMochaJson(config, read(config))
      if (config) return planMochaFile(config, read(config))
      if (inPackageJson) return planMochaJson('package.json', read('package.json'), 'mocha')
      return { kind: 'edit', file: '.mocharc.cjs', before: undefined, after: newMochaConfig(), notes: [] }
    }
    const { config, inPackageJson } = detected.jest as NonNullable<typeof detected.jest>
    if (config?.endsWith('.json')) return planJestJson(config, read(config))
    if (config) return planJestFile(config, read(config))
    if (inPackageJson) return planJestJson('package.json', read('package.json'), 'jest')
    return { kind: 'edit', file: 'jest.config.cjs', before: undefined, after: newJestConfig(), notes: [] }
  }

  let needsHand = false
  for (const framework of missing) {
    needsHand = true
    const pm = detected.packageManager === 'npm' ? 'npm i -D' : `${detected.packageManager} add -D`
    out(
      `${paint(color, 'fail', '✖')} ${framework}: ${ADAPTERS[framework]} is not installed, so the config is left alone.`,
    )
    out(
      `    Install it with @leakgate/core first: ${pm} ${ADAPTERS[framework]} (until it is on npm: ${docsUrl('install.md')})`,
    )
  }
  for (const { framework, plan } of plans) {
    if (plan.kind === 'already') {
      out(`${paint(color, 'ok', '✔')} ${framework}: ${plan.file} already has leakgate; nothing to change.`)
    } else if (plan.kind === 'manual') {
      needsHand = true
      out(
        `${paint(color, 'warn', '!')} ${framework}: ${plan.file} was left alone: ${plan.reason}. Add these lines by hand:`,
      )
      for (const line of plan.lines) out(`      ${line}`)
    } else {
      const verb = plan.before === undefined ? 'created' : 'added leakgate to'
      out(`${paint(color, 'ok', '✔')} ${framework}: ${dryRun ? `would have ${verb}` : verb} ${plan.file} (report mode)`)
      for (const note of plan.notes) out(`    note: ${note}`)
      if (dryRun) {
        out()
        out(formatDiff(plan.file, plan.before, plan.after).replace(/^/gm, '    '))
        out()
      } else {
        fs.writeFileSync(path.join(dir, plan.file), plan.after)
      }
    }
  }

  const ready = plans.filter(({ plan }) => plan.kind !== 'manual').map(({ framework }) => framework)
  const commands = commandsFor(detected, ready.length > 0 ? ready : found)
  if (ci === 'github') {
    const target = path.join(dir, WORKFLOW_FILE)
    if (fs.existsSync(target)) {
      const text = fs.readFileSync(target, 'utf8')
      if (text.includes('leakgate report'))
        out(`${paint(color, 'ok', '✔')} ci: ${WORKFLOW_FILE} already runs the gate.`)
      else {
        needsHand = true
        out(
          `${paint(color, 'warn', '!')} ci: ${WORKFLOW_FILE} exists and is not leakgate's; left alone. After the tests, add:`,
        )
        out(`      - if: \${{ !cancelled() }}`)
        out(`        run: ${commands.leakgate} report --format github`)
      }
    } else {
      const workflow = githubWorkflow(commands, detected.packageManager === 'pnpm')
      out(
        `${paint(color, 'ok', '✔')} ci: ${dryRun ? 'would have created' : 'created'} ${WORKFLOW_FILE} (tests, then the gate)`,
      )
      if (dryRun) out(formatDiff(WORKFLOW_FILE, undefined, workflow).replace(/^/gm, '    '))
      else {
        fs.mkdirSync(path.dirname(target), { recursive: true })
        fs.writeFileSync(target, workflow)
      }
    }
  } else if (ci === 'generic') {
    out()
    for (const line of genericSteps(commands)) out(line)
  }

  if (ready.length > 0 && dryRun) {
    out()
    out('Nothing was written. Run `leakgate init` without --dry-run to make these changes.')
  } else if (ready.length > 0) {
    out()
    out('Next:')
    out(`  1. Run the tests:        ${commands.test}`)
    out(`  2. Read the report:      ${commands.leakgate} report`)
    out(`  3. Accept today's leaks: ${commands.leakgate} baseline   (commit leakgate-baseline.json)`)
    if (ci === undefined) {
      out(`  4. Gate CI:              ${commands.leakgate} init --ci github   (or --ci generic for other CI)`)
    } else out('  4. Gate CI:              commit the workflow (above)')
    out("  5. Enforce:              when the baseline is empty, remove mode: 'report' so a leak fails its test")
    out(`  Recipes for the usual leaks (Express, ajv, nock, git, databases): ${docsUrl('recipes.md')}`)
  }
  return needsHand ? 1 : 0
}
