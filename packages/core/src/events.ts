// Plain-JSON shapes that cross from a worker to the reporter. Keep them serialisable:
// no class instances, no functions, no undefined-vs-missing distinctions that matter.

/**
 * What an audited operation does; `tamper` is code under test disturbing the guard itself
 * (LEAKGATE_TAMPERED): never allowed by a rule.
 */
export type Category = RuleCategory | 'tamper'

/** What rules decide (`allow: { net, exec, eval }`). */
export type RuleCategory = 'net' | 'exec' | 'eval'

/** `enforce` throws and records, `report` records only, `off` does nothing. */
export type Mode = 'enforce' | 'report' | 'off'

/**
 * Where in a test file's life the event happened.
 * - `test`: inside a test (its hooks included: beforeEach/afterEach belong to the test)
 * - `hook`: beforeAll/afterAll of a file or describe block
 * - `import`: while the test file (or its imports) was being loaded
 * - `late`: work that outlived the test that started it (a timer, an unawaited promise)
 * - `run`: outside any test file (a global setup, a child process with no scope)
 */
export type Phase = 'test' | 'hook' | 'import' | 'late' | 'run'

/** Where an allowing rule was declared; `default` for the known-benign shapes (`strict: false`). */
export type RuleSource = 'config' | 'file' | 'test' | 'default'

export interface CallSite {
  /** Path relative to the project root (or absolute when outside it), or a URL. */
  file: string
  line: number
  column: number
}

export interface Decision {
  allowed: boolean
  /**
   * Why: `rule` (a configured rule matched), `no-rule` (nothing allowed it),
   * `hook` (an audit hook refused it).
   */
  reason: 'rule' | 'no-rule' | 'hook'
  /** The rule that allowed it, as the user wrote it (objects as JSON). */
  rule?: string
  /** Where that rule was declared. */
  source?: RuleSource
}

/** The test an event belongs to. */
export interface EventScope {
  /** Test file relative to the project root. */
  file?: string
  /** Full test name, `describe > test`. Absent for file-level events. */
  test?: string
  phase: Phase
}

/** One recorded audit event: a violation, or an operation a rule allowed. */
export interface AuditRecord {
  /** Record format version. */
  v: 1
  category: Category
  /** `net.connect`, `dns.lookup`, `child_process.spawn`, `Function`, `vm.Script`, ... */
  event: string
  /** What it targeted, redacted: `"api.example.com:443"`, `"git status"`, `"return x + 1"`. */
  target: string
  scope: EventScope
  /** The first frame in the project's own code. */
  callSite?: CallSite
  /** The npm package the call came through, nearest first (`stripe`, `depd`). */
  package?: string
  /** The frame inside that package. */
  via?: CallSite
  decision: Decision
  /** The mode in force when it happened. */
  mode: Mode
  /** True when the operation was refused (enforce mode and not allowed). */
  blocked: boolean
  /** Error code for a violation: `LEAKGATE_NET_BLOCKED` ... */
  code?: string
  /** The one-line summary shown by runners. */
  message: string
  /** For a violation: the rule that would allow it, as source text (`'api.example.com:443'`, `{ from: 'ajv' }`). */
  suggestion?: string
  /** How many identical events this record stands for. */
  count: number
  pid: number
  threadId: number
  /** Milliseconds since the epoch of the first occurrence. */
  time: number
  /**
   * This record's own id, unique across processes and threads: tells two identical events in
   * the same millisecond apart from one record read twice (from the sink and from a runner's
   * results). Absent in records of older versions.
   */
  id?: string
  /** Set when the event happened in a child process or worker started by the test. */
  origin?: 'child' | 'worker'
}
