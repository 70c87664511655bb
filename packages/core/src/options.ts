import type { Mode } from './events.js'

/** `{ from: 'package' }`: allowed when the call comes from inside that npm package. */
export interface FromRule {
  from: string
}

/**
 * `{ project: 'src/templates/*' }`: allowed when the call comes from the project's own files
 * matching this path (relative to the root; `*` matches any characters, `/` included), directly
 * or through the dependencies they call.
 */
export interface ProjectRule {
  project: string
}

/**
 * A network rule: `'host'`, `'host:port'`, `'*.example.com'`, `'10.0.0.0/8'`, `'[::1]:8080'`,
 * a named range (`'private'`, `'linkLocal'`, ... as ipaddr.js names them), `{ from: 'package' }` or
 * `{ project: 'path/*' }`.
 */
export type NetRule = string | FromRule | ProjectRule

/**
 * A process rule: a command name (`'git'`), an absolute path (`'/usr/bin/git'`), an argv
 * pattern (`'git status'`, `'npm run *'`: the command line starts with these words, `*` is a
 * wildcard within a word), `{ from: 'package' }` or `{ project: 'path/*' }`.
 */
export type ExecRule = string | FromRule | ProjectRule

/**
 * A code-generation rule: `{ from: 'package' }`, `{ project: 'src/templates/*' }` (the project's
 * own files), or `'benign'` for the known-benign preset.
 */
export type EvalRule = 'benign' | FromRule | ProjectRule

/** What to allow. `true` allows everything in that category. Rules from every level merge. */
export interface AllowRules {
  net?: true | readonly NetRule[]
  exec?: true | readonly ExecRule[]
  eval?: true | readonly EvalRule[]
}

export interface LeakgateOptions {
  /** `enforce` (default) fails the test, `report` only records, `off` disables. Env `LEAKGATE_MODE` wins. */
  mode?: Mode
  /** Rules for the whole run. */
  allow?: AllowRules
  /**
   * What counts as this machine, never audited. Default: `['loopback', 'unspecified', 'localhost',
   * '*.localhost']`. Same syntax as net rules without ports.
   */
  local?: readonly string[]
  /**
   * Also audit the known-benign shapes of generated code allowed by default (`return this`,
   * depd's deprecation wrapper, function-bind's bound function, syntax probes; rules/benign.ts).
   * Default false.
   */
  strict?: boolean
  /**
   * Also detect code compiled through an `eval` or `Function` that leakgate did not wrap: a
   * reference captured before the realm was tamed, or another realm's (Jest's `Buffer.constructor`
   * is the outer realm's `Function`). An in-process inspector session sees every compiled string.
   * Detection only: that code runs, and the violation fails its test when the test ends.
   * It costs: V8 reports every compiled script, modules included, to the session (BENCHMARKS.md).
   * Default false.
   */
  inspectEval?: boolean
  /** Project root: paths in messages and reports are relative to it. Default `process.cwd()`. */
  root?: string
  /** Directory where every event is appended as JSON lines. Default: none (or `LEAKGATE_SINK_DIR`). */
  sinkDir?: string
}
