#!/usr/bin/env node
// The supported matrix, run for real: every supported Node (20 is the system one; 22, 24, 26
// come from the npm registry as packages) × every supported framework line (Vitest 3.2, 4, 5;
// Jest 29, 30; Mocha 11.7, 12.0; node:test). Each framework line is installed once into .matrix/<line>/
// (cached by a stamp of what it holds) together with the packed @leakgate packages, and each
// cell runs that adapter's e2e suite with the real CLI inside a fresh network namespace.
//
//   node scripts/matrix.mjs [--help] [--only vitest-3.2,jest-29] [--nodes 20,22] [--smoke] [--skip-core]
//                           [--write docs/matrix.md]
//
// Each cell runs the adapter's whole e2e suite; --smoke runs only its shared-fixture checks.
// --skip-core leaves out the core engine's integration tests on each Node (checking one adapter).
//
// Exits non-zero when a supported cell fails. Cells a framework itself does not support
// (Vitest 5 on Node 20) are shown as such and not run.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { netnsCommand } from './netns.mjs'
import { installNodes, NODE_VERSIONS, nodeBinary } from './nodes.mjs'
import { parseScriptArgs } from './usage.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const matrixDir = path.join(root, '.matrix')

export const FRAMEWORKS = {
  'vitest-3.2': {
    adapter: 'vitest-plugin',
    label: 'Vitest 3.2',
    deps: ['vitest@3.2.7', 'vite@7.3.8', '@vitest/coverage-v8@3.2.7', '@vitest/coverage-istanbul@3.2.7'],
  },
  'vitest-4': {
    adapter: 'vitest-plugin',
    label: 'Vitest 4.1',
    deps: ['vitest@4.1.12', 'vite@8.3.8', '@vitest/coverage-v8@4.1.12', '@vitest/coverage-istanbul@4.1.12'],
  },
  'vitest-5': {
    adapter: 'vitest-plugin',
    label: 'Vitest 5.1',
    minNode: 22,
    why: 'Vitest 5 needs Node 22+',
    deps: ['vitest@5.1.2', 'vite@8.3.8', '@vitest/coverage-v8@5.1.2', '@vitest/coverage-istanbul@5.1.2'],
  },
  'jest-29': {
    adapter: 'jest-environment',
    label: 'Jest 29',
    deps: [
      'jest@29.7.0',
      'jest-environment-node@29.7.0',
      'jest-environment-jsdom@29.7.0',
      'babel-jest@29.7.0',
      '@jest/environment@29.7.0',
    ],
  },
  'jest-30': {
    adapter: 'jest-environment',
    label: 'Jest 30',
    deps: [
      'jest@30.5.2',
      'jest-environment-node@30.5.2',
      'jest-environment-jsdom@30.5.2',
      'babel-jest@30.5.2',
      '@jest/environment@30.5.2',
    ],
  },
  'mocha-11': {
    adapter: 'mocha',
    label: 'Mocha 11.7',
    deps: ['mocha@11.7.6'],
  },
  // Mocha 12 needs Node 20.19+ (require of ES modules): the system Node 20 is 20.20.
  'mocha-12': {
    adapter: 'mocha',
    label: 'Mocha 12.0',
    deps: ['mocha@12.0.3'],
  },
  'node-test': {
    adapter: 'node-test',
    label: 'node:test',
    // node:test is Node's own: the line holds the packed adapter and what the shared fixtures
    // import (the standalone expect for their globals).
    deps: ['expect@30.5.2'],
  },
}

/** Packages the fixtures use, at the versions the repository itself is tested with. */
const SHARED = [
  'expect',
  'nock',
  'express',
  'supertest',
  'msw',
  'jsdom',
  '@babel/core',
  '@babel/preset-env',
  '@babel/preset-typescript',
  'typescript',
  'ts-jest',
  '@swc/jest',
  '@swc/core',
]

function installedVersion(name) {
  const file = path.join(root, 'node_modules', name, 'package.json')
  return JSON.parse(fs.readFileSync(file, 'utf8')).version
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options })
  if (result.error) throw result.error
  return result
}

/** Builds and packs the packages; returns the tarball path of each, by package folder. */
function packPackages() {
  const packs = path.join(matrixDir, 'packs')
  fs.rmSync(packs, { recursive: true, force: true })
  fs.mkdirSync(packs, { recursive: true })
  const build = run('npm', ['run', 'build', '--silent'], { stdio: 'inherit' })
  if (build.status !== 0) throw new Error('build failed')
  const tarballs = {}
  for (const name of ['core', 'vitest-plugin', 'jest-environment', 'mocha', 'node-test']) {
    const packed = run('npm', ['pack', '--silent', '--pack-destination', packs], {
      cwd: path.join(root, 'packages', name),
    })
    if (packed.status !== 0) throw new Error(`npm pack ${name} failed:\n${packed.stderr}`)
    tarballs[name] = path.join(packs, packed.stdout.trim().split('\n').pop())
  }
  return tarballs
}

function hashFiles(files) {
  const hash = createHash('sha256')
  for (const file of files) hash.update(fs.readFileSync(file))
  return hash.digest('hex')
}

/**
 * Installs one framework line into .matrix/<line>, unless its stamp says it is current: the
 * framework, core and that line's adapter (another adapter would pull its own framework in as a
 * peer dependency).
 */
function installFramework(line, allTarballs) {
  const tarballs = [allTarballs.core, allTarballs[FRAMEWORKS[line].adapter]]
  const dir = path.join(matrixDir, line)
  const deps = [...FRAMEWORKS[line].deps, ...SHARED.map((name) => `${name}@${installedVersion(name)}`)]
  const stamp = JSON.stringify({ deps, packs: hashFiles(tarballs) })
  const stampFile = path.join(dir, '.stamp')
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return dir
  fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n')
  console.log(`installing ${FRAMEWORKS[line].label} into .matrix/${line}`)
  const result = run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--save-exact', ...deps, ...tarballs],
    {
      cwd: dir,
      stdio: 'inherit',
    },
  )
  if (result.status !== 0) throw new Error(`could not install ${line}`)
  fs.writeFileSync(stampFile, stamp)
  return dir
}

function nodeFor(major) {
  return String(major) === process.versions.node.split('.')[0] ? process.execPath : nodeBinary(major)
}

function runCell(line, major, runnerDir, smoke) {
  const { adapter } = FRAMEWORKS[line]
  const started = Date.now()
  const plan = netnsCommand('npx', [
    'vitest',
    'run',
    '--project',
    'e2e',
    `packages/${adapter}/test/e2e`,
    '--reporter=dot',
  ])
  const result = run(plan.command, plan.args, {
    env: {
      ...process.env,
      LEAKGATE_NETNS: plan.isolated ? '1' : '0',
      LEAKGATE_E2E_NODE: nodeFor(major),
      LEAKGATE_E2E_RUNNER_DIR: runnerDir,
      ...(smoke ? { LEAKGATE_E2E_SCOPE: 'smoke' } : {}),
    },
    maxBuffer: 64 * 1024 * 1024,
  })
  const seconds = Math.round((Date.now() - started) / 1000)
  return { ok: result.status === 0, seconds, output: `${result.stdout}\n${result.stderr}` }
}

function runCore(major) {
  const started = Date.now()
  const plan = netnsCommand('npx', ['vitest', 'run', '--project', 'integration', '--reporter=dot'])
  const result = run(plan.command, plan.args, {
    env: { ...process.env, LEAKGATE_NETNS: plan.isolated ? '1' : '0', LEAKGATE_TEST_NODES: nodeFor(major) },
    maxBuffer: 64 * 1024 * 1024,
  })
  return {
    ok: result.status === 0,
    seconds: Math.round((Date.now() - started) / 1000),
    output: `${result.stdout}\n${result.stderr}`,
  }
}

function main() {
  const values = parseScriptArgs(
    import.meta.url,
    {
      only: { type: 'string' },
      nodes: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      write: { type: 'string' },
      'skip-core': { type: 'boolean', default: false },
    },
    `framework lines: ${Object.keys(FRAMEWORKS).join(', ')}; Nodes: 20, ${Object.keys(NODE_VERSIONS).join(', ')}`,
  )
  const lines = values.only ? values.only.split(',') : Object.keys(FRAMEWORKS)
  for (const line of lines) {
    if (!FRAMEWORKS[line]) {
      console.error(`unknown framework line "${line}"; known: ${Object.keys(FRAMEWORKS).join(', ')}`)
      process.exit(2)
    }
  }
  const majors = values.nodes ? values.nodes.split(',').map(Number) : [20, ...Object.keys(NODE_VERSIONS).map(Number)]
  installNodes()
  const tarballs = packPackages()
  const runnerDirs = Object.fromEntries(lines.map((line) => [line, installFramework(line, tarballs)]))

  const table = new Map()
  let failed = 0
  for (const major of majors) {
    const row = { core: values['skip-core'] ? { skipped: 'not run (--skip-core)' } : runCore(major) }
    if (!row.core.skipped)
      console.log(`node ${major} · core engine: ${row.core.ok ? 'pass' : 'FAIL'} (${row.core.seconds}s)`)
    if (!row.core.skipped && !row.core.ok) {
      failed++
      console.log(row.core.output.split('\n').slice(-60).join('\n'))
    }
    for (const line of lines) {
      const { minNode, why } = FRAMEWORKS[line]
      if (minNode && major < minNode) {
        row[line] = { skipped: why }
        continue
      }
      const cell = runCell(line, major, runnerDirs[line], values.smoke)
      row[line] = cell
      console.log(`node ${major} · ${FRAMEWORKS[line].label}: ${cell.ok ? 'pass' : 'FAIL'} (${cell.seconds}s)`)
      if (!cell.ok) {
        failed++
        console.log(cell.output.split('\n').slice(-60).join('\n'))
      }
    }
    table.set(major, row)
  }

  const header = ['Node', 'core engine', ...lines.map((line) => FRAMEWORKS[line].label)]
  const rows = [...table].map(([major, row]) => [
    `${major} (${major === 20 ? process.versions.node : NODE_VERSIONS[major]})`,
    ...['core', ...lines].map((key) => {
      const cell = row[key]
      if (cell.skipped) return `n/a: ${cell.skipped}`
      return `${cell.ok ? '✅ pass' : '❌ FAIL'} (${cell.seconds}s)`
    }),
  ])
  const markdown = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n')
  console.log(`\n${markdown}\n`)
  if (values.write) {
    fs.writeFileSync(path.resolve(root, values.write), `${markdown}\n`)
    console.log(`written to ${values.write}`)
  }
  if (failed > 0) {
    console.error(`${failed} cell(s) failed`)
    process.exit(1)
  }
}

main()
