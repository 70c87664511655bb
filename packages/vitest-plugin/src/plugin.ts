import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeRefusedReport } from '@leakgate/core/report'
import type { Plugin } from 'vite'
import { DEFAULT_REPORT, type LeakgatePluginOptions, normalizePluginOptions, type PluginSettings } from './options.js'
import { LeakgateReporter, type ProjectLike, type VitestLike } from './reporter.js'
import { PROVIDE_KEY, type WorkerPayload } from './shared.js'
import { BROWSER_MODE_MESSAGE, checkVitestVersion, unsupported } from './support.js'

// The Vite plugin Vitest users add to their config. In Vitest's main process it:
// - puts the setup file first in `setupFiles` (mutating the config: a returned partial config
//   would be merged after the user's setup files),
// - hands the validated options to every worker (`provide`; plain JSON),
// - adds the reporter next to the user's reporters, once per Vitest instance.
// It never installs the engine here: this process runs Vite's transforms and the coverage
// providers, which are not the tests.

const SETUP_MODERN = fileURLToPath(new URL('./setup-modern.mjs', import.meta.url))
const SETUP_LEGACY = fileURLToPath(new URL('./setup-legacy.mjs', import.meta.url))

/** The setup file for this Vitest: around hooks from 4.1 on, `vitest/suite` before. */
export function setupFileFor(version: string | undefined): string {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '')
  if (!match) return SETUP_MODERN
  const major = Number(match[1])
  return major < 4 || (major === 4 && Number(match[2]) === 0) ? SETUP_LEGACY : SETUP_MODERN
}

/** Puts `file` first in `setupFiles`, once, replacing the other setup file of ours. */
function putFirst(setupFiles: string[], file: string): string[] {
  const rest = setupFiles.filter((entry) => entry !== SETUP_MODERN && entry !== SETUP_LEGACY)
  return [file, ...rest]
}

interface TestConfigLike {
  setupFiles?: string | string[]
  provide?: Record<string, unknown>
  browser?: { enabled?: boolean }
}

interface ConfigLike {
  root?: string
  test?: TestConfigLike
}

interface ViteConfigLike {
  plugins?: readonly ({ name?: string } | null | undefined)[]
}

interface VitestPluginContextLike {
  vitest: VitestLike & {
    config: { reporters: unknown[] }
    /** Every resolved project (set before configureVitest runs, Vitest 3.2 to 5). */
    projects?: readonly { name?: string; vite?: { config?: ViteConfigLike } }[]
    /** The root's Vite server. */
    vite?: { config?: ViteConfigLike }
  }
  project: ProjectLike & { config: { browser?: { enabled?: boolean }; setupFiles?: string[] } }
}

function hasLeakgate(config: ViteConfigLike | undefined): boolean {
  return config?.plugins?.some((plugin) => plugin?.name === 'leakgate') === true
}

/**
 * With leakgate() in the root config, the projects it cannot reach: an inline project that does
 * not extend the root config (`extends: true`, the default only from Vitest 5 on) and lists no
 * leakgate() of its own runs its tests unguarded, and leaves nothing in the report.
 */
export function unreachedProjects(vitest: VitestPluginContextLike['vitest']): string[] {
  if (!Array.isArray(vitest.projects) || !hasLeakgate(vitest.vite?.config)) return []
  return vitest.projects
    .filter((project) => project.vite?.config !== undefined && !hasLeakgate(project.vite.config))
    .map((project, index) => project.name || `#${index + 1}`)
}

function listsLeakgate(plugins: unknown, depth = 0): boolean {
  if (Array.isArray(plugins)) return depth < 4 && plugins.some((plugin) => listsLeakgate(plugin, depth + 1))
  return typeof plugins === 'object' && plugins !== null && (plugins as { name?: unknown }).name === 'leakgate'
}

/**
 * The inline projects of the root config (`test.projects`) that leakgate() in it cannot reach,
 * by name: one that does not extend the root config (`extends: false`, or no `extends` before
 * Vitest 5) and lists no leakgate() of its own. Vitest never runs the root's plugins for such a
 * project (not even configureVitest), so this is decided on the config itself. A project given
 * by path has a config file of its own, and `extends: 'file'` may bring one: not decided here.
 */
export function unreachedInlineProjects(projects: unknown, vitestVersion: string | undefined): string[] {
  const major = Number(/^(\d+)\./.exec(vitestVersion ?? '')?.[1])
  if (!Array.isArray(projects) || Number.isNaN(major)) return []
  const out: string[] = []
  projects.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object') return
    const project = entry as { extends?: unknown; plugins?: unknown; test?: { name?: unknown } }
    const extendsRoot = project.extends === undefined ? major >= 5 : project.extends !== false
    if (extendsRoot || listsLeakgate(project.plugins)) return
    const name = project.test?.name
    const label = typeof name === 'string' ? name : (name as { label?: unknown } | undefined)?.label
    out.push(typeof label === 'string' && label !== '' ? label : `#${index + 1}`)
  })
  return out
}

export function unreachedProjectsMessage(names: readonly string[]): string {
  const list = names.map((name) => JSON.stringify(name)).join(', ')
  const one = names.length === 1
  const example = JSON.stringify(names[0]).replace(/^"|"$/g, "'")
  return (
    `the Vitest project${one ? '' : 's'} ${list} ${one ? 'is' : 'are'} not guarded: leakgate() is in the root config, ` +
    `and ${one ? 'this project neither extends it nor lists' : 'these projects neither extend it nor list'} leakgate() ` +
    'in its own plugins, so its tests would run unchecked and be missing from the report. Add `extends: true` ' +
    `to ${one ? 'it' : 'each'} (projects: [{ extends: true, test: { name: ${example}, … } }]), or give ${one ? 'it' : 'each'} ` +
    "plugins: [leakgate()] of its own. To leave one unguarded on purpose: plugins: [leakgate({ mode: 'off' })] in it."
  )
}

const reporters = new WeakMap<object, LeakgateReporter>()

/**
 * Validates the options; a refusal also leaves a report that says the run was refused (a green
 * report of an earlier run must not stand in for this one at the gate), then throws.
 */
function checkedSettings(options: LeakgatePluginOptions, root?: string): PluginSettings {
  try {
    return normalizePluginOptions(options, root)
  } catch (error) {
    const raw = (options ?? {}) as { report?: unknown; mode?: unknown }
    const message = (error as Error).message ?? String(error)
    const ownPath = typeof raw.report === 'string' && !/^invalid leakgate option report\b/.test(message)
    if (raw.report !== false) {
      const base = root ?? process.cwd()
      const mode = raw.mode === 'report' || raw.mode === 'off' ? raw.mode : 'enforce'
      writeRefusedReport(
        path.resolve(base, ownPath ? (raw.report as string) : DEFAULT_REPORT),
        { framework: 'vitest', node: process.version, mode, root: base, files: [] },
        message,
      )
    }
    throw error
  }
}

/** The version of the Vitest installed for `root` (read from disk: the config hook runs before Vitest says). */
function installedVitestVersion(root: string): string | undefined {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'vitest', 'package.json'), 'utf8'))
      return typeof manifest.version === 'string' ? manifest.version : undefined
    } catch {
      if (path.dirname(dir) === dir) return undefined
    }
  }
}

/**
 * leakgate for Vitest: fails the tests that open a socket to another machine, resolve a public
 * name, start a process or compile code from a string, unless allowed (here for the whole run,
 * or with `allowAudit()` in a file or a test).
 *
 * ```ts
 * export default defineConfig({ plugins: [leakgate({ allow: { exec: ['git'] } })] })
 * ```
 */
export function leakgate(options: LeakgatePluginOptions = {}): Plugin {
  const settings = checkedSettings(options)
  /** Refuses the run at start; the report says it was refused, so the gate cannot pass it. */
  const refuse = (message: string, root: string): Error => {
    const error = unsupported(message)
    if (settings.report !== false) {
      const base = settings.core.root ?? root
      writeRefusedReport(
        path.resolve(base, settings.report),
        { framework: 'vitest', node: process.version, mode: settings.core.mode ?? 'enforce', root: base, files: [] },
        error.message,
      )
    }
    return error
  }
  const plugin = {
    name: 'leakgate',
    enforce: 'pre' as const,
    config(config: ConfigLike): void {
      config.test ??= {}
      const test = config.test
      if (test.browser?.enabled) throw unsupported(BROWSER_MODE_MESSAGE)
      const root = path.resolve(config.root ?? process.cwd())
      // Now that the root is known, the report path is checked on disk: refused at start, not
      // with an ENOTDIR stack when the run ends.
      checkedSettings(options, settings.core.root ?? root)
      const version = installedVitestVersion(root)
      const problem = checkVitestVersion(version)
      if (problem) throw unsupported(problem)
      const unreached = unreachedInlineProjects((test as { projects?: unknown }).projects, version)
      if (unreached.length > 0) throw refuse(unreachedProjectsMessage(unreached), root)
      test.setupFiles = putFirst(([] as string[]).concat(test.setupFiles ?? []), setupFileFor(version))
      // The fallback when configureVitest does not run: no sink, no report, tests still guarded.
      const payload: WorkerPayload = { protocol: 1, options: { ...settings.core, root: settings.core.root ?? root } }
      test.provide = { ...test.provide, [PROVIDE_KEY]: payload }
    },
    configureVitest({ vitest, project }: VitestPluginContextLike): void {
      const problem = checkVitestVersion(vitest.version)
      if (problem) throw unsupported(problem)
      const unreached = unreachedProjects(vitest)
      if (unreached.length > 0) throw refuse(unreachedProjectsMessage(unreached), vitest.config.root)
      if (project.config.browser?.enabled) throw unsupported(BROWSER_MODE_MESSAGE)
      // Vitest 5 resolves a project that extends the root config without running this
      // plugin's config hook again: its setup files come from the root's user config. And the
      // version read from disk by the config hook may not be the one running.
      const setupFiles = project.config.setupFiles
      if (Array.isArray(setupFiles))
        setupFiles.splice(0, setupFiles.length, ...putFirst(setupFiles, setupFileFor(vitest.version)))
      let reporter = reporters.get(vitest)
      if (!reporter) {
        reporter = new LeakgateReporter(vitest, settings)
        reporters.set(vitest, reporter)
        vitest.config.reporters.push(reporter)
      }
      reporter.addProject(project, settings.core)
    },
  }
  return plugin as unknown as Plugin
}
