// The repo scripts' flags, parsed strictly like the leakgate CLI's: --help (-h) prints the usage
// (the comment at the top of the script) and exits 0; an unknown option or a missing value prints
// a one-line error and the usage on stderr and exits 2, never a stack trace.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/** The comment block at the top of the script `url` names (after the #! line), as plain text. */
export function scriptUsage(url) {
  const lines = fs.readFileSync(fileURLToPath(url), 'utf8').split('\n')
  const start = lines[0]?.startsWith('#!') ? 1 : 0
  const end = lines.findIndex((line, index) => index >= start && !line.startsWith('//'))
  return lines
    .slice(start, end === -1 ? lines.length : end)
    .map((line) => line.replace(/^\/\/ ?/, ''))
    .join('\n')
}

/**
 * parseArgs({ options }) for the script `url`, with --help; `more` is printed after the usage
 * (what the script knows at run time, such as the lines it can run).
 */
export function parseScriptArgs(url, options, more = '') {
  const name = path.basename(fileURLToPath(url))
  const usage = () => (more ? `${scriptUsage(url)}\n${more}` : scriptUsage(url))
  let values
  try {
    ;({ values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }))
  } catch (error) {
    console.error(`${name}: ${error.message.split('\n', 1)[0]}\n\n${usage()}`)
    process.exit(2)
  }
  if (values.help) {
    console.log(usage())
    process.exit(0)
  }
  return values
}
