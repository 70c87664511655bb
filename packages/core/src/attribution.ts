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

function toPath(file: string): string {
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file)
    } catch {
      return file
    }
  }
  return file
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

  /** npm packages on the stack, nearest first, framework packages excluded. */
  packages(): string[] {
    const out: string[] = []
    for (const frame of this.rawFrames()) {
      if (this.filter.isInternal(frame.file) || this.filter.isFramework(frame.file)) continue
      const name = packageOf(frame.file)
      if (name && !out.includes(name)) out.push(name)
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

  /** Call site (first project frame), the package it came through and that package's frame. */
  attribute(root: string): { callSite?: CallSite; package?: string; via?: CallSite } {
    const result: { callSite?: CallSite; package?: string; via?: CallSite } = {}
    for (const frame of this.displayFrames()) {
      if (this.filter.isInternal(frame.file) || this.filter.isFramework(frame.file)) continue
      const name = packageOf(frame.file)
      if (name) {
        if (!result.package) {
          result.package = name
          result.via = relativeSite(frame, root)
        }
        continue
      }
      result.callSite = relativeSite(frame, root)
      break
    }
    return result
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
