import { AsyncLocalStorage } from 'node:async_hooks'
import { threadId } from 'node:worker_threads'
import type { StackCapture } from './attribution.js'
import type { AuditRecord, Category, Phase } from './events.js'
import { MAX_EVENTS_PER_TEST } from './limits.js'
import { compileRules, EMPTY_RULES, type Level, mergeRules, type RuleSet } from './policy.js'

// Scopes: run → file → test. Attribution follows async context, so concurrent tests keep their
// own allowances and a timer that outlives its test is still blamed on it (marked late).

export type ScopeKind = 'run' | 'file' | 'test'

let counter = 0

export class Scope {
  readonly id: string
  /** Allowances given at this level with allowAudit() (config rules live on the run scope). */
  rules: RuleSet = EMPTY_RULES
  /**
   * Violations attributed here; adapters turn them into failures. The first
   * MAX_EVENTS_PER_TEST only (a loop of swallowed refusals must not grow it without end): the
   * rest are counted in `droppedViolations` (the sink has every one).
   */
  readonly violations: AuditRecord[] = []
  readonly droppedViolations: Record<Category, number> = { net: 0, exec: 0, eval: 0, tamper: 0 }
  /** Set when the test or file finished; events after that are late. */
  ended = false
  /** For a file scope: what it is doing now (`import` while collecting, `hook` in beforeAll). */
  phase: Phase
  /** Children (processes, workers) started here report into `scope-<id>.jsonl`. */
  hasChildren = false
  /** For a file scope: its end was marked in the sink (endScope may be called twice). */
  markedEnd = false
  /**
   * For a file scope, set by the adapter: is an allowAudit() at the top of the file already in
   * force for an event of its import phase (the file's own code is running: a describe body,
   * not a module it imports)? Decides what a message suggests, nothing else.
   */
  fileTopApplies?: (stack: StackCapture) => boolean

  constructor(
    readonly kind: ScopeKind,
    readonly parent: Scope | undefined,
    /** Absolute path of the test file. */
    readonly file: string | undefined,
    /** Full test name (`describe > test`). */
    readonly name: string | undefined,
  ) {
    counter += 1
    this.id = `${process.pid}-${threadId}-${counter}`
    this.phase = kind === 'test' ? 'test' : kind === 'file' ? 'import' : 'run'
  }

  /** Keeps a violation (up to the cap) or counts it. */
  addViolation(record: AuditRecord): void {
    if (this.violations.length < MAX_EVENTS_PER_TEST) this.violations.push(record)
    else this.droppedViolations[record.category] += 1
  }

  /** Adds allowances to this scope; they merge with what is already there. */
  allow(rules: unknown, key = 'allowAudit()'): void {
    this.rules = mergeRules(this.rules, compileRules(rules, key))
  }

  /**
   * Levels for decide(), most specific first. An allowance ends with its test: work a test left
   * behind (a timer, a queue worker, an AsyncLocalStorage snapshot) is decided by the file's and
   * the config's rules once the test ended, and still reported as that test's late work.
   */
  levels(): Level[] {
    const levels: Level[] = []
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      if (scope.kind === 'test' && scope.ended) continue
      const source = scope.kind === 'test' ? 'test' : scope.kind === 'file' ? 'file' : 'config'
      levels.push({ source, rules: scope.rules })
    }
    return levels
  }

  /** The phase an event here belongs to. */
  eventPhase(): Phase {
    if (this.kind === 'test') return this.ended ? 'late' : 'test'
    if (this.kind === 'file' && this.ended) return 'late'
    return this.phase
  }

  /** The nearest scope (this one or an ancestor) that has not ended. */
  live(): Scope | undefined {
    let scope: Scope | undefined = this
    while (scope?.ended) scope = scope.parent
    return scope
  }

  fileScope(): Scope | undefined {
    let scope: Scope | undefined = this
    while (scope && scope.kind !== 'file') scope = scope.parent
    return scope
  }
}

/**
 * What async context carries: the scope, and for work an API starts on the caller's behalf
 * (fetch connects later, from undici's own frames) the caller's stack.
 */
export interface Carried {
  scope: Scope
  callSite: StackCapture
}

function isCarried(store: Scope | Carried): store is Carried {
  return 'callSite' in store && 'scope' in store
}

/** Async-context tracking of the current scope, with a sequential fallback for adapters. */
export class ScopeTracker {
  readonly storage = new AsyncLocalStorage<Scope | Carried>()
  readonly run: Scope
  /** Set by adapters for sequential code that runs outside any storage.run() (hooks, imports). */
  current: Scope | undefined

  constructor(run: Scope) {
    this.run = run
  }

  /** The scope of the running code: async context first, then the adapter's current scope. */
  resolve(): Scope {
    const store = this.storage.getStore()
    if (store) return isCarried(store) ? store.scope : store
    return this.current ?? this.run
  }

  /** The stack of the API call that started the running async work, if one was carried. */
  carriedCallSite(): StackCapture | undefined {
    const store = this.storage.getStore()
    return store && isCarried(store) ? store.callSite : undefined
  }

  /** Runs `fn` carrying the current scope and `callSite` into everything it starts. */
  carry<T>(callSite: StackCapture, fn: () => T): T {
    return this.storage.run({ scope: this.resolve(), callSite }, fn)
  }
}
