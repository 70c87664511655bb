import { formatBytes, ReadProblem, readBoundedFile } from './bounded-read.js'
import { type InputErrorCode, LeakgateInputError } from './input-error.js'

// Reads a JSON file the gate was pointed at, turning every way it can be wrong into one line:
// missing, a directory or a device, too large, empty, cut short (a run killed while writing),
// not JSON at all. Input is bounded (docs/cli.md#limits): one file at most MAX_INPUT_BYTES, all
// the inputs of one command together at most MAX_TOTAL_INPUT_BYTES.

/** The most leakgate reads from one report or baseline file. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024
/** The most leakgate reads from all the inputs of one command together. */
export const MAX_TOTAL_INPUT_BYTES = 256 * 1024 * 1024

export interface JsonFileHints {
  /** What the file should be, for messages: `report`, `baseline`. */
  what: string
  code: InputErrorCode
  /** The file to pass instead, for a wrong kind of file: `the leakgate-report.json the test run wrote`. */
  expected: string
  /** What to do when the file does not exist. */
  whenMissing: string
  /** What to do when it is empty or cut short. */
  whenTruncated: string
}

/** What is left to read across the inputs of one command. */
export interface InputBudget {
  remaining: number
}

export function inputBudget(): InputBudget {
  return { remaining: MAX_TOTAL_INPUT_BYTES }
}

/**
 * The text of an input file, bounded. `name` is how messages call the file (as the user typed
 * it); `file` is what is opened. `budget` is shared by the inputs of one command.
 */
export function readInputText(
  file: string,
  hints: JsonFileHints,
  name = file,
  budget: InputBudget = inputBudget(),
): string {
  const fail = (problem: string): never => {
    throw new LeakgateInputError(hints.code, `${name}: ${problem}`, name)
  }
  const limit = Math.min(MAX_INPUT_BYTES, budget.remaining)
  let bytes: Buffer
  try {
    bytes = readBoundedFile(file, limit)
  } catch (error) {
    if (!(error instanceof ReadProblem)) throw error
    switch (error.kind) {
      case 'missing':
        return fail(`${error.message}. ${hints.whenMissing}`)
      case 'directory':
        return fail(`is a directory, not a ${hints.what} file. Pass the JSON file inside it.`)
      case 'special':
        return fail(`${error.message}, not a ${hints.what} file. Pass ${hints.expected}.`)
      case 'too-large': {
        const size = error.size
        if (limit < MAX_INPUT_BYTES && (size === undefined || size <= MAX_INPUT_BYTES)) {
          return fail(
            `the inputs together are more than the ${formatBytes(MAX_TOTAL_INPUT_BYTES)} leakgate reads in one run (docs/cli.md#limits). Pass fewer ${hints.what}s at once.`,
          )
        }
        const is = size === undefined ? 'is larger than' : `is ${formatBytes(size)}, more than`
        return fail(
          `${is} the ${formatBytes(MAX_INPUT_BYTES)} leakgate reads from one file (docs/cli.md#limits). A leakgate ${hints.what} stays far smaller; is it the right file?`,
        )
      }
      default:
        return fail(`${error.message}.`)
    }
  }
  budget.remaining -= bytes.length
  return bytes.toString('utf8')
}

/** Parses the text of an input file; every way it is not JSON becomes one line. */
export function parseInputJson(text: string, hints: JsonFileHints, name: string): unknown {
  const fail = (problem: string): never => {
    throw new LeakgateInputError(hints.code, `${name}: ${problem}`, name)
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
    return fail(`is not valid JSON (${reason.split('\n', 1)[0]?.slice(0, 200)}). Is it a ${hints.what}?`)
  }
}

/** Reads and parses a JSON input file (bounded). */
export function readJsonFile(file: string, hints: JsonFileHints, name = file, budget?: InputBudget): unknown {
  return parseInputJson(readInputText(file, hints, name, budget), hints, name)
}

function looksLikeJsonLines(text: string): boolean {
  const lines = text.split('\n', 3).filter((line) => line.trim() !== '')
  if (lines.length < 2) return false
  try {
    JSON.parse(lines[0] as string)
    return true
  } catch {
    return false
  }
}
