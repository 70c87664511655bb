import Module from 'node:module'
import vm from 'node:vm'
import { StackCapture } from '../attribution.js'
import type { Engine } from '../engine.js'
import type { Natives } from './natives.js'
import { patchMethod, patchProperty, type Restore } from './patch.js'
import { checkCode } from './realm.js'

// Code generation outside a realm's own intrinsics, shared by every realm of the process:
// - every `vm.Script` run (`new vm.Script().runIn*`, `vm.runInThisContext`, `runInContext`,
//   `runInNewContext`) reaches the native `ContextifyScript.prototype.runInContext`, looked up at
//   call time, so captured references are caught too; the exports only remember the source for
//   the message;
// - `vm.compileFunction` (export only: internal/vm destructured the binding at startup) and
//   `vm.SourceTextModule` (under --experimental-vm-modules);
// - `Module.prototype._compile` called by anything but Node's own loader (and known TypeScript
//   loaders): that is compiling a string as a module;
// - `import('data:...')` through a synchronous resolve hook (Node 22+, `module.registerHooks`);
// - `inspector.Session#post` with `Runtime.evaluate` and friends.
// The test frameworks compile every module through these: their frames are trusted (eval only).
//
// Cannot see: `import('data:')` on Node 20 outside code the framework loads itself;
// `vm.compileFunction` or `vm.Script` captured before install (the source preview is lost, the
// run is still caught).

type Skip = (...args: never[]) => unknown

/** `vm.runInNewContext` when that export was used, else `vm.Script`. */
function vmEvent(stack: StackCapture): string {
  const vmFrames = stack.rawFrames().filter((frame) => frame.file === 'node:vm')
  const outer = vmFrames[vmFrames.length - 1]
  if (vmFrames.length >= 2 && outer?.fn) return `vm.${outer.fn}`
  return 'vm.Script'
}

function decodeDataUrl(url: string): string {
  const comma = url.indexOf(',')
  if (comma === -1) return url
  const head = url.slice(0, comma)
  const body = url.slice(comma + 1)
  try {
    return head.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body)
  } catch {
    return body
  }
}

export function installCode(engine: Engine, natives: Natives, restores: Restore[]): void {
  const sourceOf = new WeakMap<object, string>()
  let pendingSource: string | undefined

  for (const name of ['runInThisContext', 'runInContext', 'runInNewContext'] as const) {
    patchMethod<(code: unknown, ...rest: unknown[]) => unknown>(
      restores,
      vm,
      name,
      (real) =>
        function runWithSource(this: unknown, code: unknown, ...rest: unknown[]) {
          const previous = pendingSource
          pendingSource = typeof code === 'string' ? code : undefined
          try {
            return Reflect.apply(real, this, [code, ...rest])
          } finally {
            pendingSource = previous
          }
        },
    )
  }

  const RealScript = vm.Script
  const GuardedScript: typeof vm.Script = new Proxy(RealScript, {
    construct(target, args, newTarget) {
      const script = Reflect.construct(target, args, newTarget === GuardedScript ? target : newTarget) as object
      if (typeof args[0] === 'string') sourceOf.set(script, args[0])
      return script
    },
  })
  patchProperty(restores, vm, 'Script', { value: GuardedScript, writable: true, enumerable: true })

  const ContextifyScript = natives.ContextifyScript
  if (ContextifyScript) {
    patchMethod<(...args: unknown[]) => unknown>(
      restores,
      ContextifyScript,
      'runInContext',
      (real) =>
        function runInContext(this: object, ...args: unknown[]) {
          if (engine.active) {
            const stack = new StackCapture(engine.filter, runInContext)
            if (!stack.fromFramework()) {
              const source = sourceOf.get(this) ?? pendingSource ?? '(vm script)'
              const outcome = checkCode(engine, vmEvent(stack), source, [source], runInContext, stack)
              if (!outcome.ok) throw outcome.error
              // Code that script generates as it runs (often in an untamed context) is part of
              // what was just decided. A framework's module runs are not: they run test code.
              engine.compileDepth++
              try {
                return Reflect.apply(real, this, args)
              } finally {
                engine.compileDepth--
              }
            }
          }
          return Reflect.apply(real, this, args)
        },
    )
  }

  patchMethod<(code: string, params?: string[], options?: object) => unknown>(
    restores,
    vm,
    'compileFunction',
    (real) =>
      function compileFunction(this: unknown, code: string, params?: string[], options?: object) {
        if (engine.active) {
          const source =
            Array.isArray(params) && params.length > 0 ? `(${params.join(', ')}) => { ${code} }` : String(code)
          const outcome = checkCode(engine, 'vm.compileFunction', source, [code, params], compileFunction)
          if (!outcome.ok) throw outcome.error
        }
        engine.compileDepth++
        try {
          return Reflect.apply(real, this, [code, params, options])
        } finally {
          engine.compileDepth--
        }
      },
  )

  const RealSourceTextModule = (vm as unknown as { SourceTextModule?: new (...args: unknown[]) => object })
    .SourceTextModule
  if (typeof RealSourceTextModule === 'function') {
    const guarded: new (...args: unknown[]) => object = new Proxy(RealSourceTextModule, {
      construct(target, args, newTarget): object {
        if (engine.active) {
          const identifier = String((args[1] as { identifier?: unknown } | undefined)?.identifier ?? '')
          // A data: URL is code from a string even when the framework compiles it on our behalf.
          const isData = identifier.startsWith('data:')
          const stack = new StackCapture(engine.filter, guarded as never)
          if (isData || !stack.fromFramework()) {
            const source = isData ? decodeDataUrl(identifier) : String(args[0])
            const outcome = engine.check({
              category: 'eval',
              event: isData ? 'import(data:)' : 'vm.SourceTextModule',
              target: source.replace(/\s+/g, ' ').slice(0, 80),
              decide: { category: 'eval' },
              args,
              suggestion: () => (stack.packages()[0] ? `{ from: '${stack.packages()[0]}' }` : 'true'),
              skip: guarded as never,
              stack,
            })
            if (!outcome.ok) throw outcome.error
          }
        }
        return Reflect.construct(target, args, newTarget === guarded ? target : newTarget)
      },
    })
    patchProperty(restores, vm, 'SourceTextModule', { value: guarded, writable: true, enumerable: true })
  }

  const ModuleProto = (Module as unknown as { prototype: Record<string, unknown> }).prototype
  // Every ordinary require compiles its module inside that module's own load(): that is the
  // loader (or a loader hook such as ts-node's) at work, recognised without a stack capture.
  let loading: unknown
  patchMethod<(filename: string) => unknown>(
    restores,
    ModuleProto,
    'load',
    (realLoad) =>
      function load(this: unknown, filename: string) {
        const previous = loading
        loading = this
        try {
          return Reflect.apply(realLoad, this, [filename])
        } finally {
          loading = previous
        }
      },
  )
  patchMethod<(content: string, filename: string, ...rest: unknown[]) => unknown>(
    restores,
    ModuleProto,
    '_compile',
    (real) =>
      function _compile(this: unknown, content: string, filename: string, ...rest: unknown[]) {
        if (engine.active && this !== loading) {
          // Node's own loader is the caller for every ordinary require: decide by the first frame.
          const stack = new StackCapture(engine.filter, _compile as Skip, 3)
          const caller = stack.rawFrames()[0]
          if (caller && !engine.filter.isInternal(caller.file) && !stack.fromFramework()) {
            const outcome = checkCode(
              engine,
              'Module._compile',
              String(content),
              [filename],
              _compile as Skip,
              new StackCapture(engine.filter, _compile as Skip),
            )
            if (!outcome.ok) throw outcome.error
          }
        }
        return Reflect.apply(real, this, [content, filename, ...rest])
      },
  )

  installDataImports(engine, restores)
  installInspector(engine, restores)
}

function installDataImports(engine: Engine, restores: Restore[]): void {
  const registerHooks = (Module as unknown as { registerHooks?: (hooks: object) => { deregister(): void } })
    .registerHooks
  if (typeof registerHooks !== 'function') return
  function resolve(specifier: string, context: unknown, nextResolve: (specifier: string, context: unknown) => unknown) {
    if (engine.active && typeof specifier === 'string' && specifier.startsWith('data:')) {
      const outcome = checkCode(engine, 'import(data:)', decodeDataUrl(specifier), [specifier], resolve as Skip)
      if (!outcome.ok) throw outcome.error
    }
    return nextResolve(specifier, context)
  }
  const hooks = registerHooks({ resolve })
  restores.push(() => hooks.deregister())
}

const INSPECTOR_EVAL: Record<string, string> = {
  'Runtime.evaluate': 'expression',
  'Runtime.compileScript': 'expression',
  'Runtime.callFunctionOn': 'functionDeclaration',
  'Debugger.evaluateOnCallFrame': 'expression',
  'Debugger.setScriptSource': 'scriptSource',
}

function installInspector(engine: Engine, restores: Restore[]): void {
  let inspector: { Session?: { prototype: Record<string, unknown> } } | undefined
  try {
    inspector = process.getBuiltinModule('node:inspector') as unknown as typeof inspector
  } catch {
    return
  }
  const proto = inspector?.Session?.prototype
  if (!proto) return
  patchMethod<(method: string, params?: unknown, ...rest: unknown[]) => unknown>(
    restores,
    proto,
    'post',
    (real) =>
      function post(this: unknown, method: string, params?: unknown, ...rest: unknown[]) {
        const field = engine.active ? INSPECTOR_EVAL[method] : undefined
        if (field) {
          const code = String((params as Record<string, unknown> | undefined)?.[field] ?? '')
          const outcome = checkCode(engine, `inspector.${method}`, code, [method, params], post)
          if (!outcome.ok) throw outcome.error
        }
        return Reflect.apply(real, this, [method, params, ...rest])
      },
  )
}
