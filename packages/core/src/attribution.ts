import { fileURLToPath } from 'node:url'
import type { CallSite } from './events.js'
import { relativeTo } from './paths.js'
import type { TrustedOperation } from './trusted-operations.js'

const path = process.getBuiltinModule('node:path')

// Who made a call: the first frame in the project's own code (the call site), the npm
// packages on the way (for `{ from }` rules and the `via` line). Which code generation is the
// framework's own work is decided by operation, not by frame (trusted-operations.ts).
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

/** What a frame's file is, for attribution. */
export interface FrameKind {
  /** Node's own code or leakgate's: never the caller. */
  internal: boolean
  /** The test framework's code: never blamed, never the package a `{ from }` rule names. */
  framework: boolean
  /** The npm package the file belongs to, if any. */
  package: string | undefined
}

/** Decides which frames belong to leakgate itself and which to the test framework. */
export class FrameFilter {
  /** Directories of leakgate's own code (core and adapters); their frames are skipped. */
  readonly internalDirs: string[] = []
  /** Path fragments of framework code: never blamed (trust is by operation, below). */
  readonly frameworkPaths: string[] = []
  /** The framework's own code generation (trusted-operations.ts); only ever grows. */
  readonly operations: TrustedOperation[] = []
  // Stacks repeat the same few hundred files: classify each once. The lists above are public and
  // only ever grow, so their lengths tell when the cache is stale.
  private readonly kinds = new Map<string, FrameKind>()
  private seen = ''

  classify(file: string): FrameKind {
    const lists = `${this.internalDirs.length}:${this.frameworkPaths.length}`
    if (lists !== this.seen) {
      this.kinds.clear()
      this.seen = lists
    }
    let kind = this.kinds.get(file)
    if (!kind) {
      kind = { internal: this.computeInternal(file), framework: this.computeFramework(file), package: packageOf(file) }
      if (this.kinds.size > 8192) this.kinds.clear()
      this.kinds.set(file, kind)
    }
    return kind
  }

  isInternal(file: string): boolean {
    return this.classify(file).internal
  }

  isFramework(file: string): boolean {
    return this.classify(file).framework
  }

  private computeInternal(file: string): boolean {
    if (isNodeInternal(file)) return true
    for (const dir of this.internalDirs) if (file.startsWith(dir)) return true
    return false
  }

  private computeFramework(file: string): boolean {
    const normalized = file.replace(/\\/g, '/')
    for (const fragment of this.frameworkPaths) if (normalized.includes(fragment)) return true
    return false
  }
}

/** Frames captured at first: enough to reach the project's code from most call sites. */
const CAPTURE_DEPTH = 20

/**
 * Error.captureStackTrace as loaded, before any test ran: a test that replaces the global one
 * (to make any code look like the framework's) does not change what leakgate sees.
 */
const captureStackTrace = Error.captureStackTrace

/** Raw V8 call sites of the current stack above `skip`, at most `limit` of them. */
export function captureSites(skip: (...args: never[]) => unknown, limit: number): NodeJS.CallSite[] {
  const previousPrepare = Error.prepareStackTrace
  const previousLimit = Error.stackTraceLimit
  const holder = { name: 'Error', message: '' } as { stack?: unknown; name: string; message: string }
  try {
    Error.prepareStackTrace = returnCallSites
    // An accessor or a read-only property (tampering, reported at the end of the test) would
    // hand V8 another formatter, one that forges frames: capture around it, or see nothing.
    if (Error.prepareStackTrace !== returnCallSites) return captureAroundAccessor(holder, skip, limit)
    Error.stackTraceLimit = limit
    Reflect.apply(captureStackTrace, Error, [holder, skip])
    return Array.isArray(holder.stack) ? (holder.stack as NodeJS.CallSite[]) : []
  } finally {
    Error.prepareStackTrace = previousPrepare
    Error.stackTraceLimit = previousLimit
  }
}

function captureAroundAccessor(
  holder: { stack?: unknown },
  skip: (...args: never[]) => unknown,
  limit: number,
): NodeJS.CallSite[] {
  const descriptor = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace')
  if (!descriptor?.configurable) return []
  Object.defineProperty(Error, 'prepareStackTrace', { value: returnCallSites, writable: true, configurable: true })
  try {
    Error.stackTraceLimit = limit
    Reflect.apply(captureStackTrace, Error, [holder, skip])
    const stack = holder.stack
    return Array.isArray(stack) ? (stack as NodeJS.CallSite[]) : []
  } finally {
    Object.defineProperty(Error, 'prepareStackTrace', descriptor)
  }
}

/** One captured stack, analysed lazily. */
export class StackCapture {
  private sites: NodeJS.CallSite[]
  private readonly hostPrepare: PrepareStackTrace | undefined
  private readonly frames: Frame[] = []
  /** The CallSite of each raw frame, index for index. */
  private readonly frameSites: NodeJS.CallSite[] = []
  /** How many of `sites` have been looked at. */
  private built = 0
  private display?: Frame[]
  /** A probe's short capture, taken whole when a question reads past its end (see `probe`). */
  private pending: { skip: (...args: never[]) => unknown; limit: number } | undefined

  /**
   * A capture of the first `depth` frames that takes the full capture (as `new StackCapture`
   * would have) the moment a question reads past them, and only then: a question answered
   * within the first frames (the compiling frame, the nearest package a `{ from }` rule names)
   * gets the answer the full capture gives, since every question reads the frames in order and
   * the full capture begins with the same frames. It must be asked while `skip` is still on the
   * stack, before the interceptor returns (the checks are synchronous; a record is built as its
   * event is decided).
   */
  static probe(filter: FrameFilter, skip: (...args: never[]) => unknown, depth: number): StackCapture {
    const stack = new StackCapture(filter, skip, depth)
    if (stack.sites.length >= depth) stack.pending = { skip, limit: depth }
    return stack
  }

  constructor(
    private readonly filter: FrameFilter,
    skip: (...args: never[]) => unknown,
    limit = CAPTURE_DEPTH,
  ) {
    const previousPrepare = Error.prepareStackTrace
    this.hostPrepare = mapsStacks(previousPrepare) ? previousPrepare : undefined
    this.sites = captureSites(skip, limit)
    if (limit >= CAPTURE_DEPTH) this.deepen(skip, limit)
  }

  /**
   * A library deep enough (an ajv compile runs some forty frames of its own) pushes the
   * project's frame past the first capture: without it there is no call site, and `{ from }`
   * rules and messages name only the library. Capture again, whole, while still on the same
   * stack. Only full captures (not the short framework checks) and only when no frame of the
   * project's own was seen: the usual stack pays for one classification pass.
   */
  private deepen(skip: (...args: never[]) => unknown, limit: number): void {
    if (this.sites.length >= limit && !this.hasProjectFrame()) this.recapture(skip, Number.POSITIVE_INFINITY)
  }

  private recapture(skip: (...args: never[]) => unknown, limit: number): void {
    this.sites = captureSites(skip, limit)
    this.frames.length = 0
    this.frameSites.length = 0
    this.built = 0
  }

  /** A probe read past its short capture: the full capture, as the constructor takes it. */
  private complete(): void {
    const pending = this.pending
    if (!pending) return
    this.pending = undefined
    const full = captureSites(pending.skip, CAPTURE_DEPTH)
    // Taken from elsewhere (`skip` no longer on the stack: V8 then skips every frame) it would
    // not begin with the frames already read: keep those, rather than answer from another stack.
    if (full.length < this.sites.length || !sameSite(this.sites[0] as NodeJS.CallSite, full[0])) return
    // Same frames first: those built already stay built.
    this.sites = full
    this.deepen(pending.skip, CAPTURE_DEPTH)
  }

  /** The raw frame at `index` (unmapped position), built on demand; undefined past the end. */
  private frameAt(index: number): Frame | undefined {
    // Sites without a file (builtins: `new Function`, `Array.prototype.map`) are skipped, so
    // count the frames built, not the sites looked at.
    while (this.frames.length <= index) {
      if (this.built >= this.sites.length) {
        if (!this.pending) break
        this.complete()
        continue
      }
      const site = this.sites[this.built++] as NodeJS.CallSite
      const file = site.getFileName() ?? site.getScriptNameOrSourceURL?.() ?? ''
      if (!file) continue
      const frame: Frame = { file: toPath(file), line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0 }
      const fn = site.getFunctionName()
      if (fn) frame.fn = fn
      this.frames.push(frame)
      this.frameSites.push(site)
    }
    return this.frames[index]
  }

  /**
   * The V8 call sites captured, builtins included (what V8 itself walks); of a probe, only its
   * first frames until a question read further: enough for the caller's frame.
   */
  callSites(): readonly NodeJS.CallSite[] {
    return this.sites
  }

  /**
   * The raw frame at `index` (unmapped position), undefined past the end: walking the first few
   * frames builds only those (a trust check usually stops at the first).
   */
  rawFrame(index: number): Frame | undefined {
    return this.frameAt(index)
  }

  /** Raw frames (unmapped positions): enough to decide by file. */
  rawFrames(): Frame[] {
    this.complete()
    this.frameAt(this.sites.length)
    return this.frames
  }

  /** The first frame outside Node and leakgate: who really asked. */
  origin(): Frame | undefined {
    for (let i = 0, frame = this.frameAt(0); frame; frame = this.frameAt(++i)) {
      if (!this.filter.classify(frame.file).internal) return frame
    }
    return undefined
  }

  /** Is any frame the project's own code (not Node, leakgate, the framework or node_modules)? */
  hasProjectFrame(): boolean {
    for (let i = 0, frame = this.frameAt(0); frame; frame = this.frameAt(++i)) {
      const kind = this.filter.classify(frame.file)
      if (!kind.internal && !kind.framework && !kind.package) return true
    }
    return false
  }

  /**
   * The call site's file, relative to `root` with `/`, when it is the project's own code (the
   * first frame outside Node, leakgate, the framework and node_modules, inside the root).
   */
  projectFile(root: string): string | undefined {
    for (let i = 0, frame = this.frameAt(0); frame; frame = this.frameAt(++i)) {
      const kind = this.filter.classify(frame.file)
      if (kind.internal || kind.framework || kind.package) continue
      const relative = relativeTo(root, frame.file)
      return relative === frame.file && path.isAbsolute(frame.file) ? undefined : relative
    }
    return undefined
  }

  /**
   * Is `file` on the synchronous part of the stack (before the first async frame)? That is, is
   * code of that file running now, rather than awaiting a module it imports?
   */
  runsSyncIn(file: string): boolean {
    this.complete()
    for (const site of this.sites) {
      if (site.isAsync?.()) return false
      const name = site.getFileName()
      if (name && toPath(name) === file) return true
    }
    return false
  }

  /**
   * Is `name` among `packages()`? Reads the frames only as far as the answer needs (a probe
   * stays short when the package is among its first frames).
   */
  hasPackage(name: string): boolean {
    for (let i = 0, frame = this.frameAt(0); frame; frame = this.frameAt(++i)) {
      const kind = this.filter.classify(frame.file)
      if (kind.internal || kind.framework) continue
      if (!kind.package) return false
      if (kind.package === name) return true
    }
    return false
  }

  /** The first of `packages()`, reading no further than it. */
  nearestPackage(): string | undefined {
    for (let i = 0, frame = this.frameAt(0); frame; frame = this.frameAt(++i)) {
      const kind = this.filter.classify(frame.file)
      if (kind.internal || kind.framework) continue
      return kind.package
    }
    return undefined
  }

  /** npm packages between the operation and the project's own code, nearest first. */
  packages(): string[] {
    const out: string[] = []
    for (let i = 0, frame = this.frameAt(0); frame; frame = this.frameAt(++i)) {
      const kind = this.filter.classify(frame.file)
      if (kind.internal || kind.framework) continue
      // The project's own code made the call: what called the project (the test runner, a
      // library invoking a callback) did not, and must not match a `{ from }` rule.
      if (!kind.package) break
      if (!out.includes(kind.package)) out.push(kind.package)
    }
    return out
  }

  /** Frames as the host would print them (source-mapped when the host maps stacks). */
  displayFrames(): Frame[] {
    if (this.display) return this.display
    this.complete()
    let mapped: Frame[] | undefined
    if (this.hostPrepare) {
      try {
        const error = Object.assign(Object.create(Error.prototype) as Error, { name: 'Error', message: '' })
        const text = this.hostPrepare(error, this.sites)
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
    // The framework forwarding the call (a mock of Function, a spy on eval, jsdom's timer task):
    // named in `via` when no package is, so the line shows what carried the test's code.
    let forwarder: number | undefined
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i] as Frame
      const kind = this.filter.classify(frame.file)
      if (kind.internal) continue
      if (kind.framework) {
        if (forwarder === undefined && via === undefined) forwarder = i
        continue
      }
      const found = kind.package
      if (!found) {
        call = i
        break
      }
      if (via === undefined) {
        via = i
        name = found
      }
    }
    if (via === undefined && forwarder !== undefined) {
      name = packageOf((frames[forwarder] as Frame).file)
      if (name !== undefined) via = forwarder
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
    if (!this.hostPrepare) return out
    // Only the project's files are transformed by the framework (a dependency's positions are
    // already right), and a position maps the same way every time: ask the host once per frame.
    const ask: number[] = []
    for (const index of indexes) {
      const frame = frames[index] as Frame
      if (this.filter.classify(frame.file).package) continue
      const known = mappedPositions.get(positionKey(frame))
      if (known) out.set(index, known)
      else ask.push(index)
    }
    if (ask.length === 0) return out
    try {
      const sites = ask.map((i) => this.frameSites[i] as NodeJS.CallSite)
      // An error without a captured stack of its own (new Error() would capture one, a few µs).
      const error = Object.assign(Object.create(Error.prototype) as Error, { name: 'Error', message: '' })
      const text = this.hostPrepare(error, sites)
      const mapped = typeof text === 'string' ? parseStack(text) : []
      // A host that drops or adds frames cannot be lined up with ours: keep raw positions.
      if (mapped.length === ask.length) {
        for (const [at, index] of ask.entries()) {
          const frame = mapped[at] as Frame
          out.set(index, frame)
          if (mappedPositions.size > 4096) mappedPositions.clear()
          mappedPositions.set(positionKey(frames[index] as Frame), frame)
        }
      }
    } catch {
      // The host's mapping failed: raw positions.
    }
    return out
  }
}

const mappedPositions = new Map<string, Frame>()

/** The same frame of the same stack (a probe's short capture against its full one)? */
function sameSite(a: NodeJS.CallSite, b: NodeJS.CallSite | undefined): boolean {
  return (
    b !== undefined &&
    a.getFileName() === b.getFileName() &&
    a.getLineNumber() === b.getLineNumber() &&
    a.getColumnNumber() === b.getColumnNumber() &&
    a.getFunctionName() === b.getFunctionName()
  )
}

function positionKey(frame: Frame): string {
  return `${frame.file}:${frame.line}:${frame.column}`
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
