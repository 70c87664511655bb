import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, expect, test } from 'vitest'

// ts-jest users on TypeScript 5 often have `"module": "commonjs"`, which resolves packages the
// node10 way: no `exports`, so subpaths need `typesVersions`. The documented line must compile.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')
const dir = fs.mkdtempSync(path.join(repo, 'node_modules', '.leakgate-node10-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

test('the globals reference and the package imports type-check with moduleResolution node10', () => {
  const file = path.join(dir, 'a.test.ts')
  fs.writeFileSync(
    file,
    [
      '/// <reference types="@leakgate/jest-environment/globals" />',
      "import { allowAudit as imported } from '@leakgate/jest-environment'",
      "import type { LeakgateReporter } from '@leakgate/jest-environment/reporter'",
      "allowAudit({ exec: ['echo'] })",
      'imported({ eval: true })',
      'export type R = LeakgateReporter',
      '',
    ].join('\n'),
  )
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  })
  const messages = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
  expect(messages).toEqual([])
  // Type-checking a program with the TypeScript API is CPU-bound: 10 s on a loaded 2-core
  // machine (it failed the unit project's 5 s default there).
}, 60_000)
