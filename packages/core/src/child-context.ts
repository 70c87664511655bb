import type { Engine } from './engine.js'
import { internalsExposed } from './interceptors/builtins.js'
import type { LeakgateOptions } from './options.js'
import { Scope } from './scope.js'

// What a child process or worker thread started by a test inherits: the policy, the scope chain
// (file, then test, with their allowances and phase) and where to append what it records, so
// its events are decided and blamed as if they happened in the test, and reach the parent when
// the test ends. Carried in an environment variable (children) or workerData (workers).

export interface ChildContext {
  v: 1
  options: LeakgateOptions
  /** The scope chain below the run: file then test, with their allowances. */
  scopes: { kind: 'file' | 'test'; file?: string; name?: string; allow: object; phase: string }[]
  /** Where the child appends what it records. */
  sinkDir: string
  /** The file name it appends to: the parent reads it when the test ends. */
  fileName: string
  /** The parent could require Node's internals (`--expose-internals`): a child inheriting them gains nothing. */
  internals?: true
}

/** Built once per scope and rules epoch (a child started in a loop reuses it). */
const contexts = new WeakMap<Scope, { epoch: number; context: ChildContext }>()

/** The context handed to a child process or worker started in `scope`. */
export function childContextOf(engine: Engine, scope: Scope): ChildContext | undefined {
  if (!engine.active || !engine.preloadPath) return undefined
  const cached = contexts.get(scope)
  if (cached && cached.epoch === engine.rulesEpoch) return cached.context
  const context = buildChildContext(engine, scope)
  contexts.set(scope, { epoch: engine.rulesEpoch, context })
  return context
}

function buildChildContext(engine: Engine, scope: Scope): ChildContext {
  if (!engine.recorder.dir) engine.recorder.dir = temporarySinkDir()
  const sinkDir = engine.recorder.dir
  const scopes: ChildContext['scopes'] = []
  for (let s: Scope | undefined = scope; s && s.kind !== 'run'; s = s.parent) {
    const entry: ChildContext['scopes'][number] = {
      kind: s.kind as 'file' | 'test',
      allow: s.rules.raw,
      phase: s.eventPhase(),
    }
    if (s.file) entry.file = s.file
    if (s.name) entry.name = s.name
    scopes.unshift(entry)
  }
  scope.hasChildren = true
  const { policy } = engine
  const options: LeakgateOptions = {
    mode: policy.mode,
    allow: policy.config.raw,
    strict: policy.strict,
    inspectEval: policy.inspectEval,
    root: policy.root,
    local: policy.localText,
  }
  const fileName =
    engine.origin && engine.recorder.fileName.startsWith('scope-')
      ? engine.recorder.fileName
      : `scope-${scope.id}.jsonl`
  const context: ChildContext = { v: 1, options, scopes, sinkDir, fileName }
  if (internalsExposed()) context.internals = true
  return context
}

/** Adopts a parent's context: same policy, same scope chain, records into the parent's file. */
export function adoptContext(engine: Engine, context: ChildContext, origin: 'child' | 'worker'): void {
  engine.configure({ ...context.options, sinkDir: context.sinkDir })
  engine.origin = origin
  engine.recorder.fileName = context.fileName
  let parent = engine.tracker.run
  for (const entry of context.scopes) {
    const scope = new Scope(entry.kind, parent, entry.file, entry.name)
    scope.allow(entry.allow, 'allowAudit() (inherited)')
    if (entry.phase === 'late') scope.ended = true
    else if (entry.kind === 'file') scope.phase = entry.phase as Scope['phase']
    parent = scope
  }
  engine.tracker.current = parent
}

/**
 * Where children write when nothing gave a sink directory (the engine installed by hand, or by
 * `@leakgate/core/register`, not by an adapter). Only this process reads it, at the end of each
 * scope that started a child, so it is removed when this process exits.
 */
function temporarySinkDir(): string {
  const os = process.getBuiltinModule('node:os') as typeof import('node:os')
  const path = process.getBuiltinModule('node:path') as typeof import('node:path')
  const dir = path.join(os.tmpdir(), `leakgate-${process.pid}-${Date.now().toString(36)}`)
  process.once('exit', () => {
    const fs = process.getBuiltinModule('node:fs') as typeof import('node:fs')
    try {
      fs.rmSync(dir, { recursive: true, force: true })
    } catch {}
  })
  return dir
}
