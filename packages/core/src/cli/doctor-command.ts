import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { docsUrl } from '../links.js'
import { isSupportedVersion, SUPPORTED_FRAMEWORKS, type SupportedFramework } from '../support.js'
import { VERSION } from '../version.js'
import { parseCommandArgs, stringValue } from './args.js'
import {
  type Finding,
  fileFindings,
  findPackage,
  jestConfigs,
  nodeFinding,
  resolveJestConfig,
  vitestConfigs,
} from './doctor/inspect.js'
import { probeCore } from './doctor/probe-core.js'
import { JEST_PROBE, probeFramework, VITEST_PROBE } from './doctor/probe-framework.js'
import { DOCTOR_HELP } from './help.js'
import { type CliIo, wantsColor } from './io.js'
import { paint } from './paint.js'
import { usageError } from './usage-error.js'

// `leakgate doctor`: what is installed and configured, then probes that prove the guard works in
// this project. Never touches the network: the only connection is to 127.0.0.2, blocked first.

const here = path.dirname(fileURLToPath(import.meta.url))

function frameworkFindings(dir: string): { findings: Finding[]; vitest: boolean; jest: boolean } {
  const findings: Finding[] = []
  const vitest = findPackage('vitest', dir)
  const jest = findPackage('jest', dir)
  // A version the adapters refuse at start (the matrix's lines only) fails here too, and is not
  // probed: Jest 24 and 26 crashed inside the environment, Jest 28 ran without failing anything.
  const unsupported = (name: SupportedFramework, version: string | undefined): boolean => {
    if (!version || isSupportedVersion(name, version) !== false) return false
    const upgrade = name === 'jest' ? 'Upgrade Jest to 29 or 30' : 'Upgrade Vitest to 3.2 or later'
    findings.push({
      status: 'fail',
      topic: name,
      detail: `${version}: not supported; leakgate supports ${SUPPORTED_FRAMEWORKS[name]} and refuses this version at start. ${upgrade}.`,
    })
    return true
  }
  const vitestRefused = unsupported('vitest', vitest?.version)
  const jestRefused = unsupported('jest', jest?.version)
  const check = (
    name: string,
    version: string | undefined,
    configs: { file: string; text: string }[],
    needles: string[],
    hint: string,
  ) => {
    if (!version) {
      findings.push({ status: 'info', topic: name, detail: 'not installed' })
      return false
    }
    const using = configs.filter((config) => needles.some((needle) => config.text.includes(needle)))
    if (configs.length === 0)
      findings.push({ status: 'warn', topic: name, detail: `${version}; no config file found. ${hint}` })
    else if (using.length === 0) {
      findings.push({
        status: 'warn',
        topic: name,
        detail: `${version}; ${configs.map((c) => c.file).join(', ')} does not mention leakgate. ${hint}`,
      })
    } else {
      findings.push({
        status: 'ok',
        topic: name,
        detail: `${version}; ${using.map((c) => c.file).join(', ')} mentions ${needles[0]}`,
      })
    }
    // Only a framework configured with leakgate gets a probe: the others would prove nothing.
    return using.length > 0
  }
  const hasVitest =
    !vitestRefused &&
    check(
      'vitest',
      vitest?.version,
      vitestConfigs(dir),
      ['@leakgate/vitest-plugin'],
      `Add the plugin (npx --no-install leakgate init does it): see ${docsUrl('vitest.md#configure')}.`,
    )
  const adapter = findPackage('@leakgate/jest-environment', dir)
  const resolved = jest && adapter && !jestRefused ? resolveJestConfig(dir, jest.dir) : undefined
  let hasJest: boolean
  if (jestRefused) {
    hasJest = false
  } else if (jest && adapter && resolved) {
    // Jest resolved the config itself: compare real paths, whatever the config's spelling.
    const home = fs.realpathSync(adapter.dir) + path.sep
    const ours = (file: string) => {
      try {
        return fs.realpathSync(file).startsWith(home)
      } catch {
        return file.includes('@leakgate/jest-environment')
      }
    }
    hasJest = resolved.environments.some(ours)
    findings.push(
      hasJest
        ? {
            status: 'ok',
            topic: 'jest',
            detail: `${jest.version}; testEnvironment is @leakgate/jest-environment (jest --showConfig)`,
          }
        : {
            status: 'warn',
            topic: 'jest',
            detail: `${jest.version}; testEnvironment is ${resolved.environments[0] || 'node'}. Set it to @leakgate/jest-environment.`,
          },
    )
    if (hasJest) {
      const reporter = resolved.reporters.some(ours)
      findings.push({
        status: reporter ? 'ok' : 'warn',
        topic: 'jest reporter',
        detail: reporter
          ? 'the leakgate reporter is configured'
          : 'no leakgate reporter in reporters: leakgate-report.json will not be written',
      })
    }
  } else {
    const jestConfig = jestConfigs(dir)
    hasJest = check(
      'jest',
      jest?.version,
      jestConfig,
      ['@leakgate/jest-environment'],
      'Set testEnvironment to @leakgate/jest-environment (npx --no-install leakgate init does it).',
    )
    if (hasJest) {
      const reporter = jestConfig.some((config) => /@leakgate\/jest-environment\/reporter/.test(config.text))
      findings.push({
        status: reporter ? 'ok' : 'warn',
        topic: 'jest reporter',
        detail: reporter
          ? 'a config mentions the leakgate reporter'
          : 'no leakgate reporter in reporters: leakgate-report.json will not be written',
      })
    }
  }
  return { findings, vitest: hasVitest, jest: hasJest }
}

function registerPath(dir: string): { file: string; from: string } {
  const installed = findPackage('@leakgate/core', dir)
  if (installed)
    return {
      file: path.join(installed.dir, 'dist', 'register.cjs'),
      from: `@leakgate/core ${installed.version} of the project`,
    }
  return { file: path.join(here, 'register.cjs'), from: `this leakgate (${VERSION})` }
}

const MARK = { ok: '✔', info: '–', warn: '!', fail: '✖' } as const

export function runDoctor(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('doctor', args, {
    dir: { type: 'string' },
    'no-probe': { type: 'boolean' },
    json: { type: 'boolean' },
  })
  if (values.help) {
    io.stdout(DOCTOR_HELP)
    return 0
  }
  if (positionals.length > 0)
    throw usageError('doctor', `unexpected argument '${positionals[0]}'; pass the project with --dir.`)
  const dir = path.resolve(io.cwd, stringValue(values, 'dir') ?? '.')
  const findings: Finding[] = [nodeFinding()]
  for (const name of ['@leakgate/core', '@leakgate/vitest-plugin', '@leakgate/jest-environment']) {
    const found = findPackage(name, dir)
    findings.push(
      found
        ? { status: 'ok', topic: name, detail: `${found.version} (${path.relative(dir, found.dir) || '.'})` }
        : { status: name === '@leakgate/core' ? 'warn' : 'info', topic: name, detail: 'not installed' },
    )
  }
  const frameworks = frameworkFindings(dir)
  findings.push(...frameworks.findings, ...fileFindings(dir))
  if (!values['no-probe']) {
    const register = registerPath(dir)
    const core = probeCore(register.file, dir)
    core.detail += ` [${register.from}]`
    findings.push(core)
    if (frameworks.vitest) findings.push(probeFramework(VITEST_PROBE, dir))
    if (frameworks.jest) findings.push(probeFramework(JEST_PROBE, dir))
  }
  const failed = findings.some((finding) => finding.status === 'fail')
  if (values.json) {
    io.stdout(`${JSON.stringify({ dir, ok: !failed, findings }, null, 2)}\n`)
  } else {
    const color = wantsColor(io)
    const width = Math.max(...findings.map((finding) => finding.topic.length))
    io.stdout(`leakgate doctor ${VERSION} in ${dir}\n\n`)
    for (const finding of findings) {
      io.stdout(
        `  ${paint(color, finding.status, MARK[finding.status])} ${finding.topic.padEnd(width)}  ${finding.detail}\n`,
      )
    }
    // Only a probe proves the guard works; without one, say what was and was not checked.
    const verdict = failed
      ? '✖ doctor found a problem (exit 1)'
      : values['no-probe']
        ? '✔ leakgate is set up (nothing was run: --no-probe; run `leakgate doctor` without it to prove the guard in this project)'
        : '✔ leakgate is set up and the guard works here'
    io.stdout(`\n${verdict}\n`)
  }
  return failed ? 1 : 0
}
