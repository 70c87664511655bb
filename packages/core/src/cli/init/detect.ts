import fs from 'node:fs'
import path from 'node:path'

// What `leakgate init` finds in a project, from files alone (nothing is run): the test
// frameworks and their config files, the package manager, and TypeScript.

export interface PackageJson {
  type?: string
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  jest?: unknown
  mocha?: unknown
  [key: string]: unknown
}

export interface Detected {
  dir: string
  packageJson: PackageJson | undefined
  packageManager: 'npm' | 'pnpm' | 'yarn'
  typescript: boolean
  vitest?: { config?: string; viteConfig?: string; evidence: string }
  jest?: { config?: string; inPackageJson: boolean; evidence: string }
  mocha?: { config?: string; inPackageJson: boolean; evidence: string }
  /** Frameworks leakgate has no adapter for yet, with what showed them. */
  unsupported: { name: string; evidence: string }[]
}

const EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs']

function firstExisting(dir: string, names: readonly string[]): string | undefined {
  return names.find((name) => fs.existsSync(path.join(dir, name)))
}

function readPackageJson(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson
  } catch {
    return undefined
  }
}

export function detectProject(dir: string): Detected {
  const packageJson = readPackageJson(dir)
  const deps = { ...packageJson?.dependencies, ...packageJson?.devDependencies }
  const scripts = Object.values(packageJson?.scripts ?? {}).join('\n')
  const detected: Detected = {
    dir,
    packageJson,
    packageManager: fs.existsSync(path.join(dir, 'pnpm-lock.yaml'))
      ? 'pnpm'
      : fs.existsSync(path.join(dir, 'yarn.lock'))
        ? 'yarn'
        : 'npm',
    typescript: 'typescript' in deps || fs.existsSync(path.join(dir, 'tsconfig.json')),
    unsupported: [],
  }

  const vitestConfig = firstExisting(
    dir,
    EXTENSIONS.map((ext) => `vitest.config.${ext}`),
  )
  const viteConfig = firstExisting(
    dir,
    EXTENSIONS.map((ext) => `vite.config.${ext}`),
  )
  const vitestEvidence = vitestConfig ?? ('vitest' in deps ? 'vitest in package.json' : undefined)
  if (vitestEvidence || /\bvitest\b/.test(scripts)) {
    detected.vitest = {
      config: vitestConfig,
      viteConfig,
      evidence: vitestEvidence ?? 'vitest in package.json scripts',
    }
  }

  const jestConfig = firstExisting(dir, [...EXTENSIONS.map((ext) => `jest.config.${ext}`), 'jest.config.json'])
  const inPackageJson = packageJson?.jest !== undefined
  const jestEvidence =
    jestConfig ?? (inPackageJson ? 'package.json "jest"' : 'jest' in deps ? 'jest in package.json' : undefined)
  if (jestEvidence || /\bjest\b/.test(scripts)) {
    detected.jest = { config: jestConfig, inPackageJson, evidence: jestEvidence ?? 'jest in package.json scripts' }
  }

  const mocharc = firstExisting(dir, [
    '.mocharc.js',
    '.mocharc.cjs',
    '.mocharc.json',
    '.mocharc.jsonc',
    '.mocharc.yml',
    '.mocharc.yaml',
  ])
  const mochaInPackageJson = packageJson?.mocha !== undefined
  const mocha =
    mocharc ?? (mochaInPackageJson ? 'package.json "mocha"' : 'mocha' in deps ? 'mocha in package.json' : undefined)
  if (mocha || /\bmocha\b/.test(scripts)) {
    detected.mocha = {
      config: mocharc,
      inPackageJson: mochaInPackageJson,
      evidence: mocha ?? 'mocha in package.json scripts',
    }
  }
  const nodeTest = /\bnode\b[^\n&|;]*\s--test\b/.exec(scripts)
  if (nodeTest)
    detected.unsupported.push({ name: 'node:test', evidence: `\`${nodeTest[0].trim()}\` in package.json scripts` })
  return detected
}
