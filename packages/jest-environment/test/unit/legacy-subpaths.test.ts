import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

// Jest 27 and older resolve `@leakgate/jest-environment/reporter` (and /jsdom, /globals) without
// reading package `exports`: a directory of that name with a package.json whose `main` is the
// file. Without it such a Jest stopped with its own "Could not resolve a module for a custom
// reporter" and never showed leakgate's refusal naming the supported versions (issue 10.10).

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  exports: Record<string, { require?: { default?: string } } | string>
  files: string[]
}

const subpaths = Object.entries(manifest.exports).filter(
  ([key, value]) => key !== '.' && typeof value === 'object' && value.require?.default,
)

test('every subpath with a CommonJS entry has one', () => {
  expect(subpaths.map(([key]) => key).sort()).toEqual(['./globals', './jsdom', './reporter'])
})

test.each(subpaths)('%s resolves without exports to the file exports name, and is published', (key, value) => {
  const name = key.slice(2)
  const legacy = JSON.parse(fs.readFileSync(path.join(packageDir, name, 'package.json'), 'utf8')) as { main: string }
  const target = (value as { require: { default: string } }).require.default
  expect(path.resolve(packageDir, name, legacy.main)).toBe(path.resolve(packageDir, target))
  expect(fs.existsSync(path.resolve(packageDir, target))).toBe(true)
  expect(manifest.files).toContain(name)
})
