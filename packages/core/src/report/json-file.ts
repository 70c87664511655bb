import fs from 'node:fs'
import { type InputErrorCode, LeakgateInputError } from './input-error.js'

// Reads a JSON file the gate was pointed at, turning every way it can be wrong into one line:
// missing, a directory, empty, cut short (a run killed while writing), not JSON at all.

export interface JsonFileHints {
  /** What the file should be, for messages: `report`, `baseline`. */
  what: string
  code: InputErrorCode
  /** What to do when the file does not exist. */
  whenMissing: string
  /** What to do when it is empty or cut short. */
  whenTruncated: string
}

/** `name` is how messages call the file (as the user typed it); `file` is what is opened. */
export function readJsonFile(file: string, hints: JsonFileHints, name = file): unknown {
  const fail = (problem: string): never => {
    throw new LeakgateInputError(hints.code, `${name}: ${problem}`, name)
  }
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return fail(`no such file. ${hints.whenMissing}`)
    if (code === 'EISDIR') return fail(`is a directory, not a ${hints.what} file. Pass the JSON file inside it.`)
    if (code === 'EACCES') return fail(`cannot be read (permission denied).`)
    return fail(`cannot be read (${(error as Error).message}).`)
  }
  if (text.trim() === '') return fail(`is empty. ${hints.whenTruncated}`)
  try {
    return JSON.parse(text)
  } catch (error) {
    const reason = (error as Error).message
    if (/end of JSON input|Unterminated|Expected .* after/i.test(reason) && !text.trimEnd().endsWith('}')) {
      return fail(`is cut short after ${Buffer.byteLength(text)} bytes (not complete JSON). ${hints.whenTruncated}`)
    }
    if (looksLikeJsonLines(text)) {
      return fail(
        `holds JSON lines (a leakgate event sink?), not a ${hints.what}. Pass the ${hints.what} file the reporter wrote.`,
      )
    }
    return fail(`is not valid JSON (${reason.split('\n', 1)[0]}). Is it a ${hints.what}?`)
  }
}

function looksLikeJsonLines(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  if (lines.length < 2) return false
  try {
    JSON.parse(lines[0] as string)
    return true
  } catch {
    return false
  }
}
