import { StackCapture } from '../attribution.js'
import type { Engine } from '../engine.js'
import { LeakgateError } from '../errors.js'
import { isTrustedOperation } from '../trusted-operations.js'
import { codeGenerationOf } from './code-generation.js'
import { checkCode, siteKey } from './realm.js'

// `inspectEval`: detection of code generation that no wrapper saw. V8 tells an inspector session
// about every script it compiles (`Debugger.scriptParsed`), synchronously and on the compiling
// thread, so the stack at the listener is the stack of the code doing the eval. A compiled
// string has no URL. This sees what the realm taming cannot: an `eval` or `Function` captured
// before the realm was tamed, and another realm's (Jest's test code reaching the outer realm's
// `Function` through `Buffer.constructor`).
//
// It cannot refuse (a throw in the listener becomes a process warning; the code runs), so the
// violation is recorded and fails the test when the test ends, as a swallowed one does.
//
// Skipped, because already decided: code compiled inside leakgate's wrappers (`compileDepth`),
// a direct eval whose lookup handed out the real eval from the same line (`evalLookup`), and code
// the test framework generates (trusted by caller, as everywhere).

/** What the debugger may keep of collected scripts (their source is read while they run). */
const SCRIPTS_CACHE_BYTES = 1_000_000

interface ScriptParsed {
  params?: { url?: string; scriptId?: string }
}

interface InspectorSession {
  connect(): void
  disconnect(): void
  on(event: 'Debugger.scriptParsed', listener: (message: ScriptParsed) => void): void
  post(method: string, params?: object, callback?: (error: Error | null, result?: unknown) => void): void
}

/** The kind of code from the source V8 reports: the Function family wraps its body. */
function eventOf(source: string): string {
  const head = /^\((async )?function(\*)? anonymous\(/.exec(source)
  if (!head) return 'eval'
  return `${head[1] ? 'Async' : ''}${head[2] ? 'Generator' : ''}Function`
}

/** The body of a `Function`-family script as V8 reports it: `(function anonymous(a\n) {\n...\n})`. */
function bodyOf(source: string): string {
  const match = /^\((?:async )?function\*? anonymous\(([^)]*)\n\) \{\n([\s\S]*)\n\}\)$/.exec(source)
  if (!match) return source
  const params = (match[1] ?? '').trim()
  return params ? `(${params}) => { ${match[2]} }` : (match[2] ?? '')
}

/** Starts or stops the session to match `engine.policy.inspectEval`. */
export function syncEvalInspector(engine: Engine): void {
  const wanted = engine.installed && engine.active && engine.policy.inspectEval
  const running = codeGenerationOf(engine).evalInspector
  if (wanted && !running) startEvalInspector(engine)
  else if (!wanted && running) running.stop()
}

function startEvalInspector(engine: Engine): void {
  const codegen = codeGenerationOf(engine)
  let session: InspectorSession
  try {
    const inspector = process.getBuiltinModule('node:inspector') as unknown as {
      Session: new () => InspectorSession
    }
    session = new inspector.Session()
    session.connect()
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ERR_ACCESS_DENIED' ? ' (add --allow-inspector)' : ''
    throw new LeakgateError(
      'LEAKGATE_INVALID_OPTION',
      `inspectEval needs an inspector session, which this process cannot open${reason}: ${(error as Error).message}`,
    )
  }

  const sourceOf = (scriptId: string): string => {
    let source = ''
    // An in-process session answers synchronously.
    session.post('Debugger.getScriptSource', { scriptId }, (error, result) => {
      if (!error) source = String((result as { scriptSource?: unknown } | undefined)?.scriptSource ?? '')
    })
    return source
  }

  const listener = (message: ScriptParsed): void => {
    const params = message.params
    if (enabling || params?.url !== '' || !engine.active || codegen.compileDepth > 0) return
    const stack = new StackCapture(engine.filter, listener)
    const source = params.scriptId ? sourceOf(params.scriptId) : ''
    if (isTrustedOperation(stack, engine.filter, source, undefined, true)) return
    const key = siteKey(stack.origin())
    if (key !== undefined && key === codegen.evalLookup) return
    checkCode(engine, eventOf(source), bodyOf(source), [source], listener, stack, {
      detected:
        'this code ran: it was compiled through an eval or Function leakgate does not wrap (seen by inspectEval)',
    })
  }

  // Enabling replays every script compiled so far, synchronously: those are not new.
  let enabling = true
  session.on('Debugger.scriptParsed', listener)
  try {
    // Without a cap V8 keeps collected scripts for the debugger (30,000 compiled strings on Node
    // 20: 97 MB RSS uncapped, 88 MB capped, 67 MB without a session).
    session.post('Debugger.enable', { maxScriptsCacheSize: SCRIPTS_CACHE_BYTES })
  } finally {
    enabling = false
  }
  const stop = () => {
    if (codegen.evalInspector !== handle) return
    codegen.evalInspector = undefined
    codegen.evalLookup = undefined
    try {
      session.disconnect()
    } catch {
      // Already gone with its thread.
    }
  }
  const handle = { stop }
  codegen.evalInspector = handle
  engine.restores.push(stop)
}
