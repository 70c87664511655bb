import type { Engine, Outcome } from '../engine.js'
import { relativeTo } from '../paths.js'
import { formatCommand, redactCommandLine, truncate } from '../redact.js'
import {
  commandName,
  type ExecCommand,
  expandCommands,
  isShellCodeVariable,
  isShellProgram,
  suggestExecRule,
} from '../rules/exec.js'
import { decideSafely } from './fail-closed.js'
import type { Natives } from './natives.js'
import { disguise, patchMethod, type Restore } from './patch.js'
import { readSpawnCall, type SpawnCall, unrunnableCall } from './spawn-call.js'
import { disarmKill, handOverOnExit, handOverSync, settle } from './spawn-refusal.js'

const childProcess = process.getBuiltinModule('node:child_process')
const fs = process.getBuiltinModule('node:fs')
const path = process.getBuiltinModule('node:path')

// Processes. Every async API (spawn, exec, execFile, fork) ends in the native
// `Process.prototype.spawn`; every sync API (spawnSync, execSync, execFileSync) in the
// spawn_sync binding's `spawn`. Both are looked up at call time by Node's internals, so a
// function captured before install is still caught. Node 20/22 pass one options object;
// Node 24+ pass positional arguments.
//
// Refusing: the refused call is made again with a program that can never start (exec of a
// directory: libuv forks, exec fails with EACCES, nothing runs), so Node reports it through its
// own failure path, exactly as for a missing program: no pid, stdio streams that end, 'error'
// then 'close', `exitCode` the errno, the sync APIs' `error` (spawn-call.ts). Our error takes
// the place of Node's, with all its fields, and the child's `kill()` signals nothing meanwhile
// (spawn-refusal.ts). An allowed child gets the preload and this test's context in its env, so
// a Node child runs guarded and reports into the same run.
//
// Cannot see: processes started by native addons or FFI. A program given by its name is decided
// by that name wherever the PATH finds it (`PATH=/tmp/x git` runs /tmp/x/git under a rule for
// git), except a shell, whose line is read only when it is one of the system's.

const PROMISIFY_CUSTOM = Symbol.for('nodejs.util.promisify.custom')
const CHILD_PROCESS_APIS = ['spawn', 'exec', 'execFile', 'fork', 'spawnSync', 'execSync', 'execFileSync'] as const

/** The exported API the user called, set by thin wrappers around the exports (outermost wins). */
let currentApi: string | undefined

interface SpawnDescription {
  commands: ExecCommand[]
  target: string
  suggestion: string
}

// Splitting and redacting a command line costs more than deciding it: a suite that runs the
// same command many times describes it once.
const descriptions = new Map<string, SpawnDescription>()

export function describeSpawn(call: SpawnCall, root: string): SpawnDescription {
  const shell = isShellProgram(call.file)
  const shellCode = shell && call.envPairs ? changedShellVariable(call.envPairs) : undefined
  const found = shell && !call.file.includes('/') ? findOnPath(call.file, call.envPairs) : undefined
  const key = `${root}\u0000${call.file}\u0000${call.unreadable ?? ''}\u0000${shellCode ?? ''}\u0000${found ?? ''}\u0000${call.argv.join('\u0000')}`
  let description = descriptions.get(key)
  if (!description) {
    description = describeUncached(call, root, shellCode, found)
    if (descriptions.size > 512) descriptions.clear()
    descriptions.set(key, description)
  }
  return description
}

/**
 * A word of a command line as a person reads it: a program by its name (`/usr/local/bin/node` is
 * `node`), a path inside the project relative to it. The rules still see the real argv.
 */
function shownWord(word: string, root: string, program: boolean): string {
  if (!path.isAbsolute(word)) return word
  if (program) return path.basename(word)
  return relativeTo(root, word)
}

/**
 * The environment the run started with (read at install): its shell variables are the machine's (a module system's
 * exported functions, a CI's BASH_ENV). One a test adds or changes is not.
 */
let startingShellVariables: Map<string, string> | undefined

function rememberShellVariables(): void {
  startingShellVariables = new Map()
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && isShellCodeVariable(name)) startingShellVariables.set(name, value)
  }
}

/** A variable of a spawn's environment that makes a shell run code, set other than the run started with. */
function changedShellVariable(envPairs: readonly string[]): string | undefined {
  for (const pair of envPairs) {
    const equals = pair.indexOf('=')
    if (equals <= 0) continue
    const name = pair.slice(0, equals)
    if (!isShellCodeVariable(name)) continue
    const value = pair.slice(equals + 1)
    if (value !== '' && startingShellVariables?.get(name) !== value) return name
  }
  return undefined
}

/** Where a bare program name is found on the spawn's PATH (else the process's), as execvp looks. */
function findOnPath(name: string, envPairs: readonly string[] | undefined): string | undefined {
  const pair = envPairs?.find((entry) => entry.startsWith('PATH='))
  const value = pair !== undefined ? pair.slice(5) : process.env.PATH
  if (!value || process.platform === 'win32') return undefined
  for (const dir of value.split(':')) {
    const candidate = `${dir === '' ? '.' : dir}/${name}`
    try {
      if (fs.statSync(candidate).isFile()) return candidate
    } catch {
      // Not there: the next directory.
    }
  }
  return undefined
}

function describeUncached(
  call: SpawnCall,
  root: string,
  shellCode: string | undefined,
  found: string | undefined,
): SpawnDescription {
  const args = call.argv.slice(1)
  if (call.unreadable !== undefined) {
    // Only the program is known: a shell line is not split, an argv pattern cannot match.
    const shown = `${formatCommand(shownWord(call.file, root, true), [])} <${call.unreadable}>`
    return {
      commands: [{ file: call.file, args, unreadable: true }],
      target: shown,
      suggestion: suggestExecRule({ file: call.file, args, unreadable: true }) ?? 'true',
    }
  }
  const commands = expandCommands(call.file, args, shellCode, found)
  // A shell line that was split into its commands: show the line itself (its last argument).
  const shellLine =
    commands.length !== 1 || commands[0]?.file !== call.file ? (args[args.length - 1] as string) : undefined
  const target =
    shellLine !== undefined
      ? truncate(redactCommandLine(shellLine), 160)
      : formatCommand(
          shownWord(call.argv[0] ?? call.file, root, true),
          args.map((arg) => shownWord(arg, root, false)),
        )
  const rules = commands.map(suggestExecRule)
  const names = rules.includes(undefined) ? ['true'] : [...new Set(rules)]
  return {
    commands,
    target:
      shellCode === undefined
        ? target
        : `${target} (with ${shellCode} set, ${commandName(call.file)} runs code of its own)`,
    suggestion: names.join(', '),
  }
}

/**
 * Decides a spawn. The event is named after the child_process API the user called, else
 * `fallbackEvent` (a bare name is a child_process API: `spawn`; a dotted one is used as is).
 */
export function checkSpawn(
  engine: Engine,
  call: SpawnCall,
  fallbackEvent: string,
  skip: (...args: never[]) => unknown,
): Outcome {
  const { commands, target, suggestion } = describeSpawn(call, engine.policy.root)
  const event =
    currentApi !== undefined || !fallbackEvent.includes('.')
      ? `child_process.${currentApi ?? fallbackEvent}`
      : fallbackEvent
  return engine.check({
    category: 'exec',
    event,
    target,
    decide: { category: 'exec', commands },
    args: [call.file, call.argv],
    suggestion,
    skip,
  })
}

/**
 * Whether a child may get the guard: only one whose start was allowed. A start that is a
 * violation runs in report mode only, and its own events are not recorded: enforce mode would
 * have refused it, so nothing in it could have failed (report mode records exactly what enforce
 * mode would fail, issue 10.7).
 */
export function mayGuard(outcome: Outcome): boolean {
  return outcome.ok && outcome.decision?.allowed !== false
}

/** Puts the preload and this scope's context into an allowed child's environment. */
export function injectContext(engine: Engine, envPairs: string[] | undefined): void {
  if (!envPairs) return
  const context = engine.childContext(engine.tracker.resolve())
  if (!context || !engine.preloadPath) return
  const requireFlag = `--require ${JSON.stringify(engine.preloadPath)}`
  const nodeOptions = envPairs.findIndex((pair) => pair.startsWith('NODE_OPTIONS='))
  if (nodeOptions === -1) envPairs.push(`NODE_OPTIONS=${requireFlag}`)
  else if (!(envPairs[nodeOptions] as string).includes(engine.preloadPath)) {
    envPairs[nodeOptions] = `${envPairs[nodeOptions]} ${requireFlag}`
  }
  const value = `LEAKGATE_CONTEXT=${JSON.stringify(context)}`
  const existing = envPairs.findIndex((pair) => pair.startsWith('LEAKGATE_CONTEXT='))
  if (existing === -1) envPairs.push(value)
  else envPairs[existing] = value
}

export function installChildProcess(engine: Engine, natives: Natives, restores: Restore[]): void {
  rememberShellVariables()
  // Name events after the API the user called (exec calls execFile calls spawn).
  for (const name of CHILD_PROCESS_APIS) {
    if (name === 'spawnSync' || name === 'execSync' || name === 'execFileSync') continue
    const real = patchMethod<(...args: unknown[]) => unknown>(
      restores,
      childProcess,
      name,
      (real) =>
        function named(this: unknown, ...args: unknown[]) {
          if (currentApi !== undefined) return Reflect.apply(real, this, args)
          currentApi = name
          try {
            return Reflect.apply(real, this, args)
          } finally {
            currentApi = undefined
          }
        },
    )
    // util.promisify(exec) calls exec's own promisify.custom, which reaches the module-local
    // exec: name its events too.
    const realCustom = (real as unknown as Record<symbol, unknown> | undefined)?.[PROMISIFY_CUSTOM]
    if (typeof realCustom === 'function') {
      const promisified = function promisified(this: unknown, ...args: unknown[]) {
        if (currentApi !== undefined) return Reflect.apply(realCustom, this, args)
        currentApi = name
        try {
          return Reflect.apply(realCustom, this, args)
        } finally {
          currentApi = undefined
        }
      }
      Object.defineProperty(promisified, 'name', { value: realCustom.name, configurable: true })
      Object.defineProperty(promisified, 'length', { value: realCustom.length, configurable: true })
      disguise(promisified, realCustom)
      // The original's attributes (Node's are read-only and non-configurable).
      const attributes = Object.getOwnPropertyDescriptor(real, PROMISIFY_CUSTOM) ?? {}
      Object.defineProperty(childProcess[name], PROMISIFY_CUSTOM, {
        configurable: true,
        enumerable: false,
        writable: true,
        ...attributes,
        value: promisified,
      })
    }
  }
  const owner = natives.ownerSymbol
  const Process = natives.Process
  if (Process) {
    patchMethod<(...args: unknown[]) => number>(
      restores,
      Process,
      'spawn',
      (realSpawn) =>
        function spawn(this: Record<PropertyKey, unknown>, ...args: unknown[]) {
          if (!engine.active) return Reflect.apply(realSpawn, this, args)
          let real = args
          const outcome = decideSafely(engine, 'exec', `child_process.${currentApi ?? 'spawn'}`, spawn, () => {
            const read = readSpawnCall(args)
            const decided = checkSpawn(engine, read.call, 'spawn', spawn)
            if (mayGuard(decided)) injectContext(engine, read.call.envPairs)
            real = read.real
            return decided
          })
          if (outcome.ok) return Reflect.apply(realSpawn, this, real)
          handOverOnExit(this, owner, outcome.error)
          disarmKill(this)
          return Reflect.apply(realSpawn, this, unrunnableCall(args))
        },
    )
  }

  let pendingSyncError: Error | undefined
  const spawnSync = natives.spawnSync
  if (spawnSync) {
    patchMethod<(options: Record<string, unknown>) => unknown>(
      restores,
      spawnSync,
      'spawn',
      (realSpawnSync) =>
        function spawn(this: unknown, options: Record<string, unknown>) {
          if (!engine.active) return Reflect.apply(realSpawnSync, this, [options])
          let real: unknown[] = [options]
          const outcome = decideSafely(engine, 'exec', `child_process.${currentApi ?? 'spawnSync'}`, spawn, () => {
            const read = readSpawnCall([options])
            const decided = checkSpawn(engine, read.call, 'spawnSync', spawn)
            if (mayGuard(decided)) injectContext(engine, read.call.envPairs)
            real = read.real
            return decided
          })
          if (outcome.ok) return Reflect.apply(realSpawnSync, this, real)
          pendingSyncError = outcome.error
          const result = Reflect.apply(realSpawnSync, this, unrunnableCall([options]))
          handOverSync(result, outcome.error, currentApi === 'execSync' || currentApi === 'execFileSync')
          return result
        },
    )
  }

  // Name the API for the refusal's message, and leave spawnSync's result as Node's: `error` a
  // data property again (handOverSync). No catch here: execSync and execFileSync throw our error
  // from Node's own `throw err` (handOverSync), and an uncaught one is reported at that line, as
  // Node's own failure is; a catch and rethrow here would put leakgate's line in that header.
  for (const name of ['spawnSync', 'execSync', 'execFileSync'] as const) {
    patchMethod<(...args: unknown[]) => unknown>(
      restores,
      childProcess,
      name,
      (real) =>
        function syncApi(this: unknown, ...args: unknown[]) {
          pendingSyncError = undefined
          const outer = currentApi === undefined
          if (outer) currentApi = name
          try {
            const result = Reflect.apply(real, this, args)
            if (pendingSyncError) settle(result)
            return result
          } finally {
            pendingSyncError = undefined
            if (outer) currentApi = undefined
          }
        },
    )
  }
}
