import { fileURLToPath } from 'node:url'
import type { CallSite } from './events.js'
import { relativeTo } from './paths.js'

// Who made a call: the first frame in the project's own code (the call site), the npm
// packages on the way (for `{ from }` rules and the `via` line), and whether the code
// generation came from the test framework itself (trusted, for eval only).
//
// Capturing is split in two because of cost: raw V8 CallSites are cheap (a few µs) and are
// enough to decide; the host's own Error.prepareStackTrace (Vite's and Jest's source maps) is
// asked for the display positions only when an event is actually recorded.

export interface Frame {
  file: string
  line: number
  column: number
  /** Function name, raw frames only. */
  fn?: string
}

type PrepareStackTrace = (error: Error, stack: NodeJS.CallSite[]) => unknown

const returnCallSites: PrepareStackTrace = (_error, stack) => stack

/**
 * Does this prepareStackTrace map positions? Node's own default (ErrorPrepareStackTrace) does
 * only under --enable-source-maps; hosts (Vite, Jest's source-map-support) install their own.
 */
function mapsStacks(prepare: PrepareStackTrace | undefined): prepare is PrepareStackTrace {
  if (typeof prepare !== 'function' || prepare === returnCallSites) return false
  if (prepare.name === 'ErrorPrepareStackTrace')
    return (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true
  return true
}

const paths = new Map<string, string>()

function toPath(file: string): string {
  if (!file.startsWith('file://')) return file
  let path = paths.get(file)
  if (path === undefined) {
    try {
      path = fileURLToPath(file)
    } catch {
      path = file
    }
    if (paths.size > 4096) paths.clear()
    paths.set(file, path)
  }
  return path
}

function isNodeInternal(file: string): boolean {
  return file.startsWith('node:') || file.startsWith('internal/') || (!file.includes('/') && !file.includes('\\'))
}

/** `…/node_modules/@scope/name/lib/x.js` → `@scope/name`; undefined outside node_modules. */
export function packageOf(file: string): string | undefined {
  const normalized = file.replace(/\\/g, '/')
  const at = normalized.lastIndexOf('/node_modules/')
  if (at === -1) return undefined
  const rest = normalized.slice(at + '/node_modules/'.length).split('/')
  const first = rest[0]
  if (!first) return undefined
  if (first.startsWith('@')) return rest[1] ? `${first}/${rest[1]}` : undefined
  return first
}

/** Decides which frames belong to leakgate itself and which to the test framework. */
export class FrameFilter {
  /** Directories of leakgate's own code (core and adapters); their frames are skipped. */
  readonly internalDirs: string[] = []
  /** Path fragments of framework code; trusted for code generation, never blamed. */
  readonly frameworkPaths: string[] = []

  isInternal(file: string): boolean {
    if (isNodeInternal(file)) return true
    for (const dir of this.internalDirs) if (file.startsWith(dir)) return true
    return false
  }

  isFramework(file: string): boolean {
    const normalized = file.replace(/\\/g, '/')
    for (const fragment of this.frameworkPaths) if (normalized.includes(fragment)) return true
    return false
  }
}

/** One captured stack, analysed lazily. */
export class StackCapture {
  private readonly sites: NodeJS.CallSite[]
  private readonly hostPrepare: PrepareStackTrace | undefined
  private frames?: Frame[]
  /** The CallSite of each raw frame, index for index. */
  private frameSites: NodeJS.CallSite[] = []
  private display?: Frame[]

  constructor(
    private readonly filter: FrameFilter,
    skip: (...args: never[]) => unknown,
    limit = 20,
  ) {
    const previousPrepare = Error.prepareStackTrace
    const previousLimit = Error.stackTraceLimit
    this.hostPrepare = mapsStacks(previousPrepare) ? previousPrepare : undefined
    const holder = { name: 'Error', message: '' } as { stack?: unknown; name: string; message: string }
    try {
      Error.prepareStackTrace = returnCallSites
      Error.stackTraceLimit = limit
      Error.captureStackTrace(holder, skip)
      this.sites = Array.isArray(holder.stack) ? (holder.stack as NodeJS.CallSite[]) : []
    } finally {
      Error.prepareStackTrace = previousPrepare
      Error.stackTraceLimit = previousLimit
    }
  }

  /**
   * Is the first frame outside Node and leakgate the framework's? Looks at the top `depth`
   * frames only: the cheap check every compile by a test framework goes through.
   */
  static fromFramework(filter: FrameFilter, skip: (...args: never[]) => unknown, depth = 8): boolean {
    return new StackCapture(filter, skip, depth).fromFramework()
  }

  /** Raw frames (unmapped positions): enough to decide by file. */
  rawFrames(): Frame[] {
    if (!this.frames) {
      this.frames = []
      this.frameSites = []
      for (const site of this.sites) {
        const file = site.getFileName() ?? site.getScriptNameOrSourceURL?.() ?? ''
        if (!file) continue
        const frame: Frame = {
          file: toPath(file),
          line: site.getLineNumber() ?? 0,
          column: site.getColumnNumber() ?? 0,
        }
        const fn = site.getFunctionName()
        if (fn) frame.fn = fn
        this.frames.push(frame)
        this.frameSites.push(site)
      }
    }
    return this.frames
  }

  /** The first frame outside Node and leakgate: who really asked. */
  origin(): Frame | undefined {
    return this.rawFrames().find((frame) => !this.filter.isInternal(frame.file))
  }

  /** True when the first frame outside Node and leakgate is the test framework's own code. */
  fromFramework(): boolean {
    const origin = this.origin()
    return origin !== undefined && this.filter.isFramework(origin.file)
  }

  /** Is any frame the project's own code (not Node, leakgate, the framework or node_modules)? */
  hasProjectFrame(): boolean {
    return this.rawFrames().some(
      (frame) => !this.filter.isInternal(frame.file) && !this.filter.isFramework(frame.file) && !packageOf(frame.file),
    )
  }

  /** npm packages between the operation and the project's own code, nearest first. */
  packages(): string[] {
    const out: string[] = []
    for (const frame of this.rawFrames()) {
      if (this.filter.isInternal(frame.file) || this.filter.isFramework(frame.file)) continue
      const name = packageOf(frame.file)
      // The project's own code made the call: what called the project (the test runner, a
      // library invoking a callback) did not, and must not match a `{ from }` rule.
      if (!name) break
      if (!out.includes(name)) out.push(name)
    }
    return out
  }

  /** Frames as the host would print them (source-mapped when the host maps stacks). */
  displayFrames(): Frame[] {
    if (this.display) return this.display
    let mapped: Frame[] | undefined
    if (this.hostPrepare) {
      try {
        const text = this.hostPrepare(Object.assign(new Error(''), { stack: undefined }), this.sites)
        if (typeof text === 'string') mapped = parseStack(text)
      } catch {
        mapped = undefined
      }
    }
    // A host that drops or adds frames cannot be lined up with ours; fall back to raw positions.
    this.display = mapped && mapped.length > 0 ? mapped : this.rawFrames()
    return this.display
  }

  /**
   * Call site (first project frame), the package it came through and that package's frame.
   * Frames are classified by their raw file (as decide() does); only the two frames shown are
   * source-mapped by the host: mapping the whole stack cost ~0.3 ms (Vite) to ~0.7 ms (Jest)
   * per recorded event on a 2-core box, and every allowed event of every test is recorded.
   */
  attribute(root: string): { callSite?: CallSite; package?: string; via?: CallSite } {
    const frames = this.rawFrames()
    let via: number | undefined
    let name: string | undefined
    let call: number | undefined
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i] as Frame
      if (this.filter.isInternal(frame.file) || this.filter.isFramework(frame.file)) continue
      const found = packageOf(frame.file)
      if (!found) {
        call = i
        break
      }
      if (via === undefined) {
        via = i
        name = found
      }
    }
    const shown = [via, call].filter((i): i is number => i !== undefined)
    const mapped = this.mapFrames(shown)
    const result: { callSite?: CallSite; package?: string; via?: CallSite } = {}
    if (via !== undefined) {
      result.package = name as string
      result.via = relativeSite(mapped.get(via) as Frame, root)
    }
    if (call !== undefined) result.callSite = relativeSite(mapped.get(call) as Frame, root)
    return result
  }

  /** The raw frames at these indexes, source-mapped by the host when it maps stacks. */
  private mapFrames(indexes: number[]): Map<number, Frame> {
    const frames = this.rawFrames()
    const out = new Map(indexes.map((i) => [i, frames[i] as Frame]))
    if (!this.hostPrepare || indexes.length === 0) return out
    try {
      const sites = indexes.map((i) => this.frameSites[i] as NodeJS.CallSite)
      const text = this.hostPrepare(Object.assign(new Error(''), { stack: undefined }), sites)
      const mapped = typeof text === 'string' ? parseStack(text) : []
      // A host that drops or adds frames cannot be lined up with ours: keep raw positions.
      if (mapped.length === indexes.length) {
        for (const [at, index] of indexes.entries()) out.set(index, mapped[at] as Frame)
      }
    } catch {
      // The host's mapping failed: raw positions.
    }
    return out
  }
}

export function relativeSite(frame: Frame, root: string): CallSite {
  return { file: relativeTo(root, frame.file), line: frame.line, column: frame.column }
}

const FRAME_LINE = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?\s*$/

/** Parses V8-format stack text (what source-map hosts return) into frames. */
export function parseStack(text: string): Frame[] {
  const frames: Frame[] = []
  for (const line of text.split('\n')) {
    const match = FRAME_LINE.exec(line)
    if (!match) continue
    frames.push({ file: toPath(match[1] as string), line: Number(match[2]), column: Number(match[3]) })
  }
  return frames
}
