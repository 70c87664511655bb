#!/usr/bin/env node
// Prepares a runner directory for the Jest e2e suite (LEAKGATE_E2E_RUNNER_DIR): links into its
// node_modules what the fixtures need besides the jest under test, taken from this repository.
// Packages the directory already has (jest, jest-environment-*, babel-jest, @babel/core of the
// matching line...) are left alone.
//
//   mkdir -p .matrix/jest-29 && cd .matrix/jest-29 && echo '{"private":true}' > package.json
//   npm i jest@29 jest-environment-node@29 jest-environment-jsdom@29 babel-jest@29 ts-jest@29 @swc/jest
//   node packages/jest-environment/test/e2e/support/link-runner.mjs .matrix/jest-29
//   LEAKGATE_E2E_RUNNER_DIR=$PWD/.matrix/jest-29 node scripts/netns.mjs npx vitest run --project e2e packages/jest-environment
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../../../../', import.meta.url))
const LINKED = [
  '@leakgate/core',
  '@leakgate/jest-environment',
  '@babel/core',
  '@babel/preset-env',
  '@babel/preset-typescript',
  '@swc/core',
  'typescript',
  'nock',
  'express',
  'supertest',
]

const dir = process.argv[2]
if (!dir) {
  console.error('usage: node link-runner.mjs <runner dir>')
  process.exit(2)
}
const modules = path.resolve(dir, 'node_modules')
for (const name of LINKED) {
  const target = path.join(modules, name)
  if (fs.existsSync(target)) continue
  const source = fs.realpathSync(path.join(repo, 'node_modules', name))
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.symlinkSync(source, target, 'dir')
  console.log(`linked ${name} -> ${source}`)
}
