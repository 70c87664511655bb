import fs from 'node:fs'
import path from 'node:path'

// The code blocks of the docs, with what they are for. A block's language says how it is
// checked; an HTML comment on the line before it (invisible on GitHub and npm) can say more:
//
//   <!-- snippet: run=express file=tests/app.test.js -->   a file of a project that is run
//   <!-- snippet: file=vitest.config.ts -->                 the file name it is checked as
//   <!-- snippet: globals=jest -->                          a test file with Jest's globals
//   <!-- snippet: globals=mocha -->                         a test file with Mocha's globals
//   <!-- snippet: kind=report|baseline|package -->          what a JSON block is
//
// Output (what a command prints) is `text`, `console` or `xml`, and is skipped by name.

export interface Block {
  /** `docs/recipes.md:42`: where the block's opening fence is. */
  where: string
  file: string
  line: number
  lang: string
  code: string
  meta: Record<string, string>
}

export const OUTPUT_LANGS = ['text', 'console', 'xml']

export function docFiles(root: string): string[] {
  const docs = (dir: string): string[] =>
    fs
      .readdirSync(path.join(root, dir), { withFileTypes: true })
      .flatMap((entry) =>
        entry.isDirectory()
          ? docs(path.join(dir, entry.name))
          : entry.name.endsWith('.md')
            ? [path.join(dir, entry.name)]
            : [],
      )
  const packages = fs.readdirSync(path.join(root, 'packages')).map((name) => path.join('packages', name, 'README.md'))
  return ['README.md', ...docs('docs'), ...packages.filter((file) => fs.existsSync(path.join(root, file)))].map(
    (file) => file.split(path.sep).join('/'),
  )
}

function parseMeta(comment: string): Record<string, string> {
  const meta: Record<string, string> = {}
  for (const match of comment.matchAll(/([\w-]+)=(?:"([^"]*)"|(\S+))/g)) {
    meta[match[1] as string] = (match[2] ?? match[3]) as string
  }
  return meta
}

export function extractBlocks(root: string, file: string): Block[] {
  const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i] as string)
    if (!open) continue
    const indent = (open[1] as string).length
    const body: string[] = []
    let j = i + 1
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j] as string)) body.push((lines[j++] as string).slice(indent))
    let k = i - 1
    while (k >= 0 && (lines[k] as string).trim() === '') k--
    const comment = /^\s*<!--\s*snippet:(.*)-->\s*$/.exec(lines[k] ?? '')
    blocks.push({
      where: `${file}:${i + 1}`,
      file,
      line: i + 1,
      lang: open[2] as string,
      code: `${body.join('\n')}\n`,
      meta: comment ? parseMeta(comment[1] as string) : {},
    })
    i = j
  }
  return blocks
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-')
}

export function anchorsOf(root: string, file: string): Set<string> {
  const text = fs.readFileSync(path.join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '')
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const match of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = slug(match[1] as string)
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

/** Markdown links outside code: `[text](target)`. */
export function linksOf(root: string, file: string): { target: string; line: number }[] {
  const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n')
  const links: { target: string; line: number }[] = []
  let fenced = false
  lines.forEach((line, index) => {
    if (/^\s*```/.test(line)) fenced = !fenced
    if (fenced) return
    for (const match of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      links.push({ target: match[1] as string, line: index + 1 })
    }
  })
  return links
}
