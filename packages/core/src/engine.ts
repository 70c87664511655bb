import { threadId } from 'node:worker_threads'
import { type Frame, FrameFilter, StackCapture } from './attribution.js'
import { adoptContext, type ChildContext, childContextOf } from './child-context.js'
import { BLOCKED_CODES, LeakgateError } from './errors.js'
import type { AuditRecord, Category, Decision, EventScope, Mode, RuleCategory } from './events.js'
import { GuardedPatches, tamperingViolation, verifyFamilyStates } from './integrity.js'
import type { FamilyState } from './interceptors/family-state.js'
import type { Restore } from './interceptors/patch.js'
import { MAX_EVENTS_PER_TEST } from './limits.js'
import { formatShortMessage, formatViolation } from './message.js'
import type { LeakgateOptions } from './options.js'
import { relativeTo } from './paths.js'
import {
  compileRules,
  type DecideRequest,
  decide,
  isLocal,
  listRules,
  normalizeOptions,
  type Policy,
} from './policy.js'
import { nextRecordId, Recorder, readRecords } from './recorder.js'
import { redactText } from './redact.js'
import { parseAddress } from './rules/address.js'
import { type NetTarget, normalizeHost } from './rules/net.js'
import { Scope, ScopeTracker } from './scope.js'

// The flow of one event (DESIGN.md): an interceptor describes the operation → audit hooks see
// it → decide() → record (always before any throw) → the interceptor lets it through or fails
// it through the API's normal error path.

/** A PEP 578-style hook: sees every event, built-in and user-raised. Throwing refuses it. */
export type AuditHook = (event: string, args: readonly unknown[], info: AuditInfo) => void

export interface AuditInfo {
  /** Set for built-in events. */
  category?: Category
  /** Redacted target, for built-in events. */
  target?: string
  scope: EventScope
}

/** What an interceptor asks the engine. */
export interface CheckRequest {
  category: RuleCategory
  event: string
  /** Redacted display target. */
  target: string
  decide: DecideRequest
  /** The raw arguments, for audit hooks. */
  args: readonly unknown[]
  /** The rule that would allow it, as source text (a function when it costs to compute). */
  suggestion: string | (() => string)
  /** Frames above this function are leakgate's; used when capturing the stack now. */
  skip: (...args: never[]) => unknown
  /** A stack captured earlier, for operations that reach the engine asynchronously. */
  stack?: StackCapture
  /** The scope captured earlier, idem. */
  scope?: Scope
  /** Extra packages that count for `{ from }` rules (the owner of a native addon). */
  packages?: readonly string[]
  /**
   * Set for an operation seen after the fact (the inspector saw code compiled): it cannot be
   * refused, so it is never `blocked`; in enforce mode its violation still fails the test. The
   * text says why, in the message.
   */
  detected?: string
  /**
   * Set for generated code of a known-benign shape (rules/benign.ts): the allowing rule's text.
   * Allowed by default when no rule allows it (source `default`); an audit hook can still refuse.
   */
  benign?: string
  /** A line the message adds on what the target really is (a name that looks like an address). */
  note?: string
}

export type Outcome = { ok: true; decision?: Decision } | { ok: false; error: Error }

const OK: Outcome = { ok: true }

/** Frames in a LeakgateError's stack, at most: what the capture used to hold. */
const SHOWN_FRAMES = 20

export class Engine {
  /** Interceptors are in place. */
  installed = false
  /** Deciding events. A passive engine (preloaded, not yet configured) lets everything through. */
  active = false
  readonly hooks: AuditHook[] = []
  readonly filter = new FrameFilter()
  readonly recorder = new Recorder()
  tracker: ScopeTracker
  /** Restores for every patch, run last-in-first-out by uninstall(). */
  readonly restores: (() => void)[] = []
  /** Realms tamed with tameRealm(), and how to untame them. */
  readonly realms = new Map<object, () => void>()
  /** Every tamed realm by its `Function.prototype` (vm contexts included): each is tamed once. */
  readonly tamedRealms = new WeakMap<object, { untame: () => void; restores: readonly Restore[] }>()
  /** Called for a violation whose test and file have both ended (nothing left to fail). */
  onOrphanViolation: ((record: AuditRecord, error: LeakgateError) => void) | undefined
  /** Set in a child process or worker started by a test: where its events came from. */
  origin: 'child' | 'worker' | undefined
  /** Absolute path of the CommonJS preload, injected into children and workers. */
  preloadPath: string | undefined
  /**
   * Each interceptor family's own state, by family (interceptors/family-state.ts): held here
   * because every copy of the package in the process shares this object; the engine never reads it.
   */
  readonly interceptorState = new Map<string, FamilyState>()

  /** The policy the adapter configured, outside any test: what a test must leave in place. */
  #armed: Policy | undefined
  /**
   * The interceptors' and tamed realms' patches, checked and repaired at the end of every test
   * and file (integrity.ts).
   */
  readonly guardedPatches = new GuardedPatches()

  constructor() {
    this.tracker = new ScopeTracker(new Scope('run', undefined, undefined, undefined))
    this.tracker.run.rules = compileRules(undefined)
  }

  #policy: Policy | undefined
  /**
   * The run's policy. Until configure(), the defaults, normalized when first read: an adapter
   * configures right after creating the engine, and would otherwise pay normalizeOptions twice.
   */
  get policy(): Policy {
    this.#policy ??= normalizeOptions({}, {})
    return this.#policy
  }
  set policy(policy: Policy) {
    this.#policy = policy
  }

  get mode(): Mode {
    return this.policy.mode
  }

  /** Applies options (validated) to the run. */
  configure(options: LeakgateOptions | undefined): void {
    this.policy = normalizeOptions(options)
    this.rulesEpoch++
    this.localHosts.clear()
    this.tracker.run.rules = this.policy.config
    if (this.policy.sinkDir) this.recorder.dir = this.policy.sinkDir
    this.active = this.policy.mode !== 'off'
    // Configured from inside a test (install() called by test code): not what the adapter
    // armed; the end of the test reports it and puts the armed policy back.
    if (!this.inTest()) this.#armed = this.active ? this.policy : undefined
  }

  /** Is test code running (a test's own scope, ended or not: its late work counts too)? */
  inTest(): boolean {
    return this.#armed !== undefined && (this.#sealed || this.tracker.resolve().kind === 'test')
  }

  /** Register mode: the whole program is the code under test, from now on. */
  #sealed = false
  seal(): void {
    this.#sealed = true
  }

  /**
   * Removes every patch, unless test code asks: then it is recorded as tampering (in the test)
   * and the guard stays. Returns whether it uninstalled.
   */
  uninstall(syncExports: () => void, skip: (...args: never[]) => unknown): boolean {
    if (this.refuseFromTest('uninstall() was called by the code under test', skip)) return false
    this.recorder.flush()
    for (const untame of [...this.realms.values()]) untame()
    while (this.restores.length > 0) this.restores.pop()?.()
    syncExports()
    this.guardedPatches.releaseInterceptors()
    this.#armed = undefined
    this.installed = false
    this.active = false
    return true
  }

  /** Called from test code, `what` is tampering: recorded in the test, and refused (true). */
  refuseFromTest(what: string, skip: (...args: never[]) => unknown): boolean {
    if (!this.inTest()) return false
    this.recordTampering(this.tracker.resolve(), [what], skip)
    return true
  }

  /**
   * Checks that the guard is as the adapter armed it: the configuration and the on switch, every
   * patch of the interceptors and of each tamed realm (the patched function still on its module,
   * prototype or global), the process.execve channel subscription, the stack-capture functions.
   * Puts back what was disturbed (so later tests stay guarded); returns what it found.
   */
  verifyIntegrity(): string[] {
    const armed = this.#armed
    if (!armed) return []
    const found: string[] = []
    if (this.policy !== armed) {
      found.push('the configuration was replaced (install() called by the code under test)')
      this.policy = armed
      this.rulesEpoch++
      this.localHosts.clear()
      this.tracker.run.rules = armed.config
    }
    if (!this.active) {
      found.push("the guard was switched off (the engine's active flag)")
      this.active = true
    }
    if (!this.installed) {
      found.push('the guard was uninstalled')
      this.installed = true
    }
    found.push(...this.guardedPatches.verify(this.realms.keys()))
    found.push(...verifyFamilyStates(this.interceptorState))
    return found
  }

  /** Records a LEAKGATE_TAMPERED violation in `scope`: it fails like any other. */
  recordTampering(scope: Scope, found: readonly string[], skip: (...args: never[]) => unknown): void {
    const stack = new StackCapture(this.filter, skip)
    const context = {
      scope: this.eventScope(scope),
      attribution: stack.attribute(this.policy.root),
      mode: this.policy.mode,
      origin: this.origin,
    }
    const { record, message } = tamperingViolation(context, found)
    const error = new LeakgateError('LEAKGATE_TAMPERED', message, record)
    this.attachStack(error, stack)
    this.recordViolation(record, scope, error)
  }

  /** Starts a test file's scope, a child of the run, and makes it the current scope. */
  enterFile(file: string): Scope {
    const scope = new Scope('file', this.tracker.run, file, undefined)
    this.tracker.current = scope
    this.recorder.mark(file, 'start')
    return scope
  }

  /** A test's scope, inside its file (or describe) scope. */
  createTestScope(name: string, parent: Scope): Scope {
    return new Scope('test', parent, parent.file, name)
  }

  /** Runs `fn` (and everything it starts, asynchronously too) in `scope`. */
  runInScope<T>(scope: Scope, fn: () => T): T {
    return this.tracker.storage.run(scope, fn)
  }

  /** Marks a scope finished: events attributed to it from now on are late. */
  endScope(scope: Scope): void {
    if (!scope.ended && scope.kind !== 'run') {
      const found = this.verifyIntegrity()
      if (found.length > 0) this.recordTampering(scope, found, this.endScope)
    }
    scope.ended = true
    // Its allowances end with it: a child context built for it from now on is built again.
    this.rulesEpoch++
    // Allowed events are written per file, not per test (violations are written at once, and
    // a child process or worker writes everything at once).
    if (scope.kind !== 'test') this.recorder.flush()
    // The file's guard saw it to its end: every event it recorded is on disk.
    if (scope.kind === 'file' && scope.file && !scope.markedEnd) {
      scope.markedEnd = true
      this.recorder.mark(scope.file, 'end')
    }
  }

  /** Is this target this machine (never audited)? */
  isLocal(target: NetTarget): boolean {
    return isLocal(target, this.policy.local)
  }

  private readonly localHosts = new Map<string, boolean>()

  /**
   * The hot-path question: is this host string (an address in any spelling, or a name) this
   * machine? Cached per string; the cache is cleared when the policy changes.
   */
  isLocalHost(host: string): boolean {
    let local = this.localHosts.get(host)
    if (local === undefined) {
      const address = parseAddress(host)
      local = isLocal(address ? { address } : { host: normalizeHost(host) }, this.policy.local)
      if (this.localHosts.size > 1024) this.localHosts.clear()
      this.localHosts.set(host, local)
    }
    return local
  }

  /**
   * The call site's project file (relative to the root) when it is not the test file itself:
   * what a `{ project }` rule would name. A test generating code is allowed in that test.
   */
  projectSourceOf(stack: StackCapture): string | undefined {
    const file = stack.projectFile(this.policy.root)
    const scope = this.tracker.resolve()
    const testFile = scope.file ?? scope.fileScope()?.file
    if (!file || (testFile && relativeTo(this.policy.root, testFile) === file)) return undefined
    return file
  }

  /** What the policy says for the current scope, without hooks and without recording. */
  peek(request: DecideRequest, stack: StackCapture): Decision {
    return decide(
      request,
      this.tracker.resolve().levels(),
      { includes: (name) => stack.hasPackage(name), nearest: () => stack.nearestPackage() },
      () => stack.projectFile(this.policy.root),
    )
  }

  /** The flow of one event. Returns whether the operation may proceed. */
  check(request: CheckRequest): Outcome {
    if (!this.active) return OK
    // Optional fields are read as own properties: a property inherited from a polluted
    // Object.prototype (`benign`, `scope`) must not decide anything.
    const scope = (hasOwn(request, 'scope') ? request.scope : undefined) ?? this.tracker.resolve()
    let stack = hasOwn(request, 'stack') ? request.stack : undefined
    const benign = hasOwn(request, 'benign') ? request.benign : undefined
    const detected = hasOwn(request, 'detected') ? request.detected : undefined
    const packages = hasOwn(request, 'packages') ? request.packages : undefined
    const capture = () => {
      if (!stack) {
        stack = new StackCapture(this.filter, request.skip)
        // Work an API started for the caller (fetch's connect, or a request a mocking library
        // passed through) has no frame of the project's own: use the caller's, if carried.
        if (!stack.hasProjectFrame()) stack = this.tracker.carriedCallSite() ?? stack
      }
      return stack
    }
    let decision: Decision | undefined
    let hookError: unknown
    if (this.hooks.length > 0) {
      const info: AuditInfo = {
        category: request.category,
        target: request.target,
        scope: this.eventScope(scope),
      }
      for (const hook of this.hooks.slice()) {
        try {
          hook(request.event, request.args, info)
        } catch (error) {
          hookError = error
          decision = { allowed: false, reason: 'hook' }
          break
        }
      }
    }
    const levels = scope.levels()
    decision ??= decide(
      request.decide,
      levels,
      // The packages the request names first (a carried call), then the stack's.
      {
        includes: (name) => packages?.includes(name) === true || capture().hasPackage(name),
        nearest: () => packages?.[0] ?? capture().nearestPackage(),
      },
      () => capture().projectFile(this.policy.root),
    )
    if (!decision.allowed && decision.reason === 'no-rule' && benign !== undefined) {
      decision = { allowed: true, reason: 'rule', rule: benign, source: 'default' }
    }
    if (decision.allowed) {
      // Identical allowed events (same scope, event, target and rule) are counted, not rebuilt:
      // a hot allowed path pays for no stack capture after the first (whose call site is shown).
      // Generated code differs on every call (a template engine compiles each template), so an
      // allowed eval event is grouped without its code; the record shows the first preview.
      const target = request.category === 'eval' ? '' : request.target
      const key = `${scope.id}\u0000${request.event}\u0000${target}\u0000${decision.source}:${decision.rule}`
      this.recorder.hold(key, () => this.buildRecord(request, scope, decision as Decision, capture(), false))
      // A child process or worker can be torn down with its parent before its exit hook
      // flushes (a test file ending while its worker thread winds down): write it now.
      if (this.origin) this.recorder.flush()
      return { ok: true, decision }
    }
    const blocked = this.policy.mode === 'enforce' && detected === undefined
    const record = this.buildRecord(request, scope, decision, capture(), blocked)
    const message = formatViolation(record, {
      rules: listRules(levels, request.category),
      suggestion: record.suggestion ?? 'true',
      fileTop: record.scope.phase === 'import' && this.fileTopApplies(scope, capture()),
      ...(detected !== undefined
        ? { note: detected }
        : hasOwn(request, 'note') && request.note !== undefined
          ? { note: request.note }
          : {}),
    })
    const error = new LeakgateError(BLOCKED_CODES[request.category], message, record)
    this.attachStack(error, capture())
    this.recordViolation(record, scope, error)
    if (!blocked) return { ok: true, decision }
    if (hookError !== undefined) return { ok: false, error: hookError as Error }
    return { ok: false, error }
  }

  /** Does an allowAudit() at the top of the file already apply here (the adapter knows)? */
  private fileTopApplies(scope: Scope, stack: StackCapture): boolean {
    try {
      return scope.fileScope()?.fileTopApplies?.(stack) === true
    } catch {
      return false
    }
  }

  private recordViolation(record: AuditRecord, scope: Scope, error: LeakgateError): void {
    this.recorder.writeNow(record)
    violationErrors.set(record, error)
    scope.addViolation(record)
    // Late work fails the nearest scope still running (the file); past that, nothing can fail.
    const live = scope.live()
    if (live && live !== scope && live.kind !== 'run') live.addViolation(record)
    if (!live || live.kind === 'run') this.onOrphanViolation?.(record, error)
  }

  /** The error that was (or would have been) thrown for a recorded violation. */
  errorFor(record: AuditRecord): LeakgateError | undefined {
    return violationErrors.get(record)
  }

  eventScope(scope: Scope): EventScope {
    const out: EventScope = { phase: scope.eventPhase() }
    const file = scope.file ?? scope.fileScope()?.file
    if (file) out.file = relativeTo(this.policy.root, file)
    if (scope.kind === 'test' && scope.name) out.test = scope.name
    return out
  }

  private buildRecord(
    request: CheckRequest,
    scope: Scope,
    decision: Decision,
    stack: StackCapture,
    blocked: boolean,
  ): AuditRecord {
    const attribution = stack.attribute(this.policy.root)
    const record: AuditRecord = {
      v: 1,
      category: request.category,
      event: request.event,
      // The interceptors redact what they know the shape of (argv, shell lines, code, before
      // cutting it short); this pass makes sure no record, nor any message built from it,
      // holds a secret whatever built its target.
      target: redactText(request.target),
      scope: this.eventScope(scope),
      ...attribution,
      decision,
      mode: this.policy.mode,
      blocked,
      message: '',
      count: 1,
      pid: process.pid,
      threadId,
      time: Date.now(),
      id: nextRecordId(),
    }
    const packages = hasOwn(request, 'packages') ? request.packages : undefined
    if (!record.package && packages?.[0]) record.package = packages[0]
    if (!decision.allowed) {
      record.code = BLOCKED_CODES[request.category]
      record.suggestion = redactText(
        typeof request.suggestion === 'function' ? request.suggestion() : request.suggestion,
      )
    }
    if (this.origin) record.origin = this.origin
    record.message = decision.allowed
      ? `${request.event} ${JSON.stringify(record.target)} allowed by ${decision.rule} (${decision.source})`
      : formatShortMessage(record, blocked)
    return record
  }

  /** Points the error's stack at the call site (not at leakgate), source-mapped by the host. */
  private attachStack(error: LeakgateError, stack: StackCapture): void {
    let frames = stack.displayFrames().filter((frame) => !this.filter.isInternal(frame.file))
    // A deep library (ajv compiles through some forty frames of its own) is shown by its frame
    // nearest the operation, then the project's code on: runners draw their code frame from the
    // first frame outside node_modules, and read no further than a screen.
    const project = frames.findIndex((frame) => {
      const kind = this.filter.classify(frame.file)
      return !kind.package && !kind.framework
    })
    if (project > 1) frames = [frames[0] as Frame, ...frames.slice(project)]
    frames = frames.slice(0, SHOWN_FRAMES)
    const lines = frames.map((frame) => `    at ${frame.file}:${frame.line}:${frame.column}`)
    Object.defineProperty(error, 'stack', {
      value: `LeakgateError: ${error.message}\n${lines.join('\n')}`,
      writable: true,
      configurable: true,
    })
  }

  /** Raises a user event (like `sys.audit`): every hook sees it; a throwing hook refuses it. */
  audit(event: string, args: readonly unknown[]): void {
    if (typeof event !== 'string' || event === '') {
      throw new LeakgateError(
        'LEAKGATE_INVALID_OPTION',
        'audit() needs an event name, like audit("myapp.upload", file)',
      )
    }
    if (this.hooks.length === 0) return
    const info: AuditInfo = { scope: this.eventScope(this.tracker.resolve()) }
    for (const hook of this.hooks.slice()) hook(event, args, info)
  }

  /** Violations recorded in a scope, including those of children and workers it started (capped). */
  violationsOf(scope: Scope): AuditRecord[] {
    return this.violationTally(scope).records
  }

  /**
   * The violations of a scope (its children's and workers' too), at most MAX_EVENTS_PER_TEST,
   * and how many more there were: adapters list some and count the rest.
   */
  violationTally(scope: Scope): { records: AuditRecord[]; dropped: Record<Category, number> } {
    const records = scope.violations.slice()
    const dropped = { ...scope.droppedViolations }
    if (scope.hasChildren && this.recorder.dir) {
      for (const record of readRecords(`${this.recorder.dir}/scope-${scope.id}.jsonl`)) {
        if (record.decision.allowed) continue
        if (records.length < MAX_EVENTS_PER_TEST) records.push(record)
        else dropped[record.category] += 1
      }
    }
    return { records, dropped }
  }

  /** Bumped on every configuration or allowance change: cached child contexts are stale. */
  rulesEpoch = 0

  /** The context handed to a child process or worker started in `scope` (child-context.ts). */
  childContext(scope: Scope): ChildContext | undefined {
    return childContextOf(this, scope)
  }

  /** Adopts a parent's context: same policy, same scope chain, records into the parent's file. */
  enterContext(context: ChildContext, origin: 'child' | 'worker'): void {
    adoptContext(this, context, origin)
  }
}

const violationErrors = new WeakMap<AuditRecord, LeakgateError>()

const hasOwn = Object.hasOwn as <T extends object>(object: T, key: keyof T) => boolean
