// A unified-style diff of a config file for `leakgate init --dry-run`: the changed lines with
// one line of context. Config files are small, so a plain LCS table is enough.

export function formatDiff(file: string, before: string | undefined, after: string): string {
  if (before === undefined) {
    return [
      `+++ ${file} (new file)`,
      ...after
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => `+ ${line}`),
    ].join('\n')
  }
  const a = before.split('\n')
  const b = after.split('\n')
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const rows: { mark: ' ' | '-' | '+'; line: string; at: number }[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) rows.push({ mark: ' ', line: a[i++] as string, at: j++ })
    else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      rows.push({ mark: '+', line: b[j] as string, at: j++ })
    } else rows.push({ mark: '-', line: a[i++] as string, at: j })
  }
  const keep = rows.map((_row, index) =>
    rows.slice(Math.max(0, index - 1), index + 2).some((near) => near.mark !== ' '),
  )
  const out = [`--- ${file}`, `+++ ${file}`]
  rows.forEach((row, index) => {
    if (!keep[index]) return
    if (index === 0 || !keep[index - 1]) out.push(`@@ line ${row.at + 1} @@`)
    out.push(`${row.mark} ${row.line}`)
  })
  return out.join('\n')
}
