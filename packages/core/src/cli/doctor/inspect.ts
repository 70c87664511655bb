import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { BASELINE_FILE } from '../../report/baseline.js'
import { REPORT_FILE } from '../../report/model.js'

// What `leakgate doctor` can tell without running anything: versions found on disk and config
// files read as text. Reading text is enough to say "the plugin is not in your config"; it is
// not an evaluation of the config, and the messages say "mentions", not "uses".

export type Status = 'ok' | 'info' | 'warn' | 'fail'

export interface Finding {
  status: Status
  topic: string
  detail: string
}

export interface InstalledPackage {
  name: string
  version: string
  dir: string
}

/** The package as Node would find it from `from`: the nearest node_modules up the tree. */
export function findPackage(name: string, from: string): InstalledPackage | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'node_modules', name, 'package.json')
    try {
      const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string }
      return { name, version: json.version ?? '?', dir: path.dirname(manifest) }
    } catch {
      // not here: look one level up
    }
    if (path.dirname(dir) === dir) return undefined
  }
}

const VITEST_CONFIGS = ['vitest.config', 'vite.config', 'vitest.workspace', 'vitest.projects'].flatMap((base) =>
  ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((ext) => `${base}.${ext}`),
)
const JEST_CONFIGS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json'].map((ext) => `jest.config.${ext}`)

export interface ConfigFile {
  file: string
  text: string
}

const RELATIVE_IMPORT = /(?:require\(|from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g
const EXTENSIONS = ['', '.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']

/** The text of a config file and of the files it imports by relative path (one level). */
function readConfigText(file: string): string {
  const text = fs.readFileSync(file, 'utf8')
  const parts = [text]
  for (const match of text.matchAll(RELATIVE_IMPORT)) {
    for (const extension of EXTENSIONS) {
      try {
        parts.push(fs.readFileSync(path.resolve(path.dirname(file), `${match[1]}${extension}`), 'utf8'))
        break
      } catch {
        // try the next extension
      }
    }
  }
  return parts.join('\n')
}

function readConfigs(dir: string, names: readonly string[]): ConfigFile[] {
  const found: ConfigFile[] = []
  for (const name of names) {
    try {
      found.push({ file: name, text: readConfigText(path.join(dir, name)) })
    } catch {
      // absent
    }
  }
  return found
}

export interface JestResolved {
  environments: string[]
  reporters: string[]
}

/**
 * Jest's own view of the project's config (`jest --showConfig`): the resolved test environments
 * and reporters. Undefined when Jest cannot tell (then the config is read as text).
 */
export function resolveJestConfig(dir: string, jestDir: string): JestResolved | undefined {
  const run = spawnSync(process.execPath, [path.join(jestDir, 'bin', 'jest.js'), '--showConfig'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, CI: '1' },
  })
  if (run.status !== 0) return undefined
  try {
    const shown = JSON.parse(run.stdout) as {
      configs: Array<{ testEnvironment?: string }>
      globalConfig: { reporters?: Array<string | [string, unknown]> }
    }
    return {
      environments: shown.configs.map((config) => config.testEnvironment ?? ''),
      reporters: (shown.globalConfig.reporters ?? []).map((entry) => (Array.isArray(entry) ? entry[0] : entry)),
    }
  } catch {
    return undefined
  }
}

export function vitestConfigs(dir: string): ConfigFile[] {
  return readConfigs(dir, VITEST_CONFIGS)
}

/** Jest config files, and package.json's "jest" key as a pseudo-file. */
export function jestConfigs(dir: string): ConfigFile[] {
  const found = readConfigs(dir, JEST_CONFIGS)
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { jest?: unknown }
    if (manifest.jest !== undefined) found.push({ file: 'package.json#jest', text: JSON.stringify(manifest.jest) })
  } catch {
    // no package.json, or not JSON: nothing to read
  }
  return found
}

export function nodeFinding(version = process.version): Finding {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  const ok = major > 20 || (major === 20 && minor >= 16)
  return {
    status: ok ? 'ok' : 'fail',
    topic: 'node',
    detail: ok ? `${version}` : `${version}: leakgate needs Node 20.16 or newer`,
  }
}

export function fileFindings(dir: string): Finding[] {
  const findings: Finding[] = []
  const baseline = path.join(dir, BASELINE_FILE)
  if (fs.existsSync(baseline)) {
    try {
      const entries = (JSON.parse(fs.readFileSync(baseline, 'utf8')) as { entries?: unknown[] }).entries
      findings.push({
        status: 'ok',
        topic: 'baseline',
        detail: `${BASELINE_FILE}: ${entries?.length ?? 0} known leaks`,
      })
    } catch {
      findings.push({
        status: 'fail',
        topic: 'baseline',
        detail: `${BASELINE_FILE} is not valid JSON: restore it or run \`leakgate baseline\``,
      })
    }
  } else {
    findings.push({ status: 'info', topic: 'baseline', detail: `no ${BASELINE_FILE} (every violation fails the gate)` })
  }
  const report = path.join(dir, REPORT_FILE)
  if (fs.existsSync(report)) {
    const stat = fs.statSync(report)
    findings.push({ status: 'info', topic: 'report', detail: `${REPORT_FILE} from ${stat.mtime.toISOString()}` })
  } else {
    findings.push({
      status: 'info',
      topic: 'report',
      detail: `no ${REPORT_FILE} yet (the reporters write it when the tests run)`,
    })
  }
  return findings
}
