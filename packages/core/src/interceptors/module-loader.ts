import { fileURLToPath } from 'node:url'
import { StackCapture } from '../attribution.js'
import type { Engine } from '../engine.js'
import { isNodeOperation } from '../node-operations.js'
import { isModuleLoader, isTrustedOperation } from '../trusted-operations.js'
import { codeGenerationOf } from './code-generation.js'
import type { CompiledScripts } from './compiled-scripts.js'
import { disguise, patchMethod, type Restore } from './patch.js'
import { checkCode } from './realm.js'

const fs = process.getBuiltinModule('node:fs')
const Module = process.getBuiltinModule('node:module')
const os = process.getBuiltinModule('node:os')
const path = process.getBuiltinModule('node:path')

// Code from strings through the module system (issue 12.5). Loading a module compiles the source
// of a real file: that is no event. Anything else a loader compiles is code from a string:
// - `Module.prototype._compile` called by hand (`new Module()._compile`, `module.constructor`),
//   and, while Node loads a module, called with anything but that file's content by anyone but
//   Node's own handlers and the TypeScript loaders: a `Module._extensions` / `require.extensions`
//   handler or a `_compile` wrapper of a test's (`Module._compile`);
// - Node's own `.js` handler when `fs.readFileSync` (which it reads the file through) was replaced
//   and hands it something else than the file;
// - a changed `Module.wrap` / `Module.wrapper`: its code is compiled around every module
//   (`Module.wrap`);
// - the `source` a `module.registerHooks` `load` hook returns (Node 22.15+, 23.5+) that is
//   neither what the hooks below it gave nor the file's own content (`module.registerHooks(load)`),
//   decided as code generated where the hook was registered (a project's setup file: a
//   `{ project }` rule naming it trusts its transform);
// - on Node 22+, the `source` the `load` hooks of `module.register()` (run in Node's loader
//   thread) hand back, when the loader thread was started after install: seen by this thread's
//   own synchronous hook, which runs outside them (`module.register(load)`);
// - `import('data:…')`, whoever imports it (a Vitest test's goes through Vitest's module
//   runner, which imports it natively from its own frames), decided when it loads
//   (`import(data:)`): `import.meta.resolve('data:…')` compiles nothing. In a framework's vm
//   realm (Jest's ESM mode, Vitest's vm pools) a data: module is a `vm.SourceTextModule` whose
//   identifier is the URL: decided when it is made (code.ts) or, made from a class captured
//   before install (Vitest's vm pools), when it or a module importing it is linked, before it runs;
// - a module served by Node 26's `node:vfs` (`--experimental-vfs`), required or imported: its
//   source is whatever the code that mounted it wrote there, not a file of the real disk. Decided
//   when it loads (`node:vfs`), by this thread's own `load` hook, which every module load goes
//   through (CommonJS ones too); a `_compile` of a virtual file is trusted only with the very
//   source that hook decided. See isVirtualFile.
// TypeScript loaders (ts-node, tsx, @swc-node/register, @babel/register, esbuild-register,
// pirates) compile a file's transformed code: their `_compile` calls and their hooks are trusted
// (the framework list of attribution.ts).
//
// Cannot see: `import('data:…')` on Node 20 outside a vm realm (no synchronous hooks); a `load`
// hook of `module.register()` on Node 20 (no synchronous hooks), or when
// the loader thread ran hooks from the start (`--import`/`--loader`: a TypeScript loader's output
// is not the file's content either); what a TypeScript loader is asked to transform.

type Skip = (...args: never[]) => unknown
type LoadResult = { format?: unknown; source?: unknown; shortCircuit?: unknown }
type NextLoad = (url: string, context?: unknown) => LoadResult
type LoadHook = (url: string, context: unknown, nextLoad: NextLoad) => LoadResult
type RegisterHooks = (hooks: { resolve?: unknown; load?: unknown }) => { deregister(): void }

export function decodeDataUrl(url: string): string {
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

/**
 * Trusted code generation: one of the framework's operations (a module of the real file it
 * names, trusted-operations.ts) or one of Node's internal operations.
 */
function isTrusted(engine: Engine, stack: StackCapture, code: unknown, filename: unknown): boolean {
  return (
    isTrustedOperation(stack, engine.filter, typeof code === 'string' ? code : String(code), filename) ||
    isNodeOperation(stack, engine.filter)
  )
}

/** A module source as text (a hook may hand over a string, a Buffer, a TypedArray or an ArrayBuffer). */
function sourceText(source: unknown): string {
  if (typeof source === 'string') return source
  if (ArrayBuffer.isView(source)) return Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString()
  if (source instanceof ArrayBuffer) return Buffer.from(source).toString()
  return String(source)
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** `filename`'s text (no BOM) as `readFileSync` (a captured real one) reads it; undefined when it cannot. */
function fileText(readFileSync: typeof fs.readFileSync, filename: string): string | undefined {
  try {
    return stripBom(Reflect.apply(readFileSync, fs, [filename, 'utf8']) as string)
  } catch {
    return undefined
  }
}

/** Decides `code`, compiled through the module system, as `event` (realm.ts checkCode); throws the refusal. */
function decideCode(
  engine: Engine,
  event: string,
  code: string,
  args: readonly unknown[],
  skip: Skip,
  stack?: StackCapture,
  untrusted = false,
): void {
  const outcome = checkCode(engine, event, code, args, skip, stack, untrusted ? { untrusted } : {})
  if (!outcome.ok) throw outcome.error
}

// Node 26's `node:vfs` mounts every virtual file system at `${os.devNull}/vfs/<id>`, a path no
// real file can have (`os.devNull` is a device: it has no children), and its loader reads a module
// there through the VFS, not through the public `fs.readFileSync` (the fast path never sees it)
// nor from disk. The public `fs` answers for those paths too (it serves the VFS), so "is this the
// file's own content" says nothing there: a virtual module is decided by its path. Off (one
// boolean) unless the process runs with `--experimental-vfs`: `Module.isBuiltin('node:vfs')` is
// false without it, and asking loads nothing.
const vfsEnabled =
  typeof (Module as unknown as { isBuiltin?: unknown }).isBuiltin === 'function' && Module.isBuiltin('node:vfs')
const windows = process.platform === 'win32'
const devNullDir = (windows ? os.devNull.toLowerCase() : os.devNull) + path.sep

/** Is `file` (a path or a `file:` URL) a module served by `node:vfs`, not a real file? */
export function isVirtualFile(file: unknown): boolean {
  if (!vfsEnabled || typeof file !== 'string') return false
  let name = file
  if (name.startsWith('file:')) {
    try {
      name = fileURLToPath(name)
    } catch {
      return false
    }
  } else if (!path.isAbsolute(name)) return false
  const resolved = path.resolve(name)
  return (windows ? resolved.toLowerCase() : resolved).startsWith(devNullDir)
}

/** The data: hooks of this thread, while registered. */
let dataHooks: { deregister(): void } | undefined
/** `module.register()` hooks run in a loader thread started after install: compare what they give. */
let loaderResultsChecked = false
/** The loader thread was started after install (its internal `loadScript` was seen). */
let loaderStartedAfterInstall = false

/**
 * Called in Node's loader thread once the preload has installed (preload.ts, enterLoaderThread).
 * Node 22's loader thread cannot run synchronous hooks beside its own chain (resolving the next
 * hooks module throws ERR_METHOD_NOT_IMPLEMENTED for resolveSync): there, the data: hook goes.
 */
export function enteringLoaderThread(): void {
  if (Number(process.versions.node.split('.')[0]) >= 24) return
  dataHooks?.deregister()
  dataHooks = undefined
}

/** worker.ts: Node's loader thread is being started now (after install). */
export function noteLoaderThreadStart(): void {
  loaderStartedAfterInstall = true
}

/**
 * worker.ts: code registered a `module.register()` hooks module (not a TypeScript loader). From
 * now on, what the loader thread's hooks hand back is compared with the files, if that thread
 * holds no hooks of before install (theirs would not be the files' content either).
 */
export function noteLoaderHooks(): void {
  if (loaderStartedAfterInstall) loaderResultsChecked = true
}

/**
 * `text` with a leading `#!` line cut as compile caches cut it (v8-compile-cache and
 * v8-compile-cache-lib 3.0.1, `_moduleCompile`: from the first line break on, that break kept).
 */
function withoutShebang(text: string): string {
  if (!text.startsWith('#!')) return text
  for (let i = 2; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 10 || code === 13) return text.slice(i)
  }
  return ''
}

/**
 * Is a vm compile of `code` named `filename` the module loading now compiling its own file? What
 * the loader compiles a module with, whoever compiles it: a compile cache that replaced
 * `Module.prototype._compile` (v8-compile-cache-lib, which ts-node installs while it requires
 * `typescript`) compiles `Module.wrap(content)` with `new vm.Script(…, { filename })`. Only the
 * module whose load() is running, under its own name, with that file's text as Node read it (or
 * as it is on disk), inside Node's wrapper or bare: anything else (another file's name, other
 * code, no load running) is code from a string as before.
 */
export type LoadingFileCompile = (code: string, filename: unknown) => boolean

export function installModuleLoader(engine: Engine, scripts: CompiledScripts, restores: Restore[]): LoadingFileCompile {
  const { evalSources } = codeGenerationOf(engine)
  // Captured at install: what a test replaces later is compared with these.
  const realReadFile = fs.readFileSync
  const ownContent = (filename: string): string | undefined => {
    if (isVirtualFile(filename)) return undefined // the public fs reads the VFS there: no real file
    return fileText(realReadFile, filename)
  }

  // The module loading now (its own load() is running), and the text last read for a file
  // during a load: `_compile` handed that very text under that file's name is the loader
  // compiling a real file, decided with no stack capture (issue 12, the require() cost). Node's
  // CommonJS loader reads a module as `fs.readFileSync(filename, 'utf8')` through the public
  // `fs` (Node 20 to 26; Node 26 through its loaderMethods, which call it), so the text is
  // noted by the real function itself, whoever called it: only a real file's content under its
  // own name can match. Anything else (a test's handler or getter running inside a load and
  // calling `_compile` with other code or another file's content, a replaced `fs.readFileSync`
  // editing what it read) does not, and is decided as before (compilesOwnFile).
  let loading: unknown
  const loaderRead: { file: string; text: string | undefined } = { file: '', text: undefined }
  // The virtual module the load hook decided inside the CommonJS load running now (a require of a
  // VFS file runs the hooks inside its module's load()): its `_compile` with that very source is
  // that load. Dropped when that load ends, so nothing decided stays trusted for later.
  const virtualLoad: { module: unknown; file: string; text: string } = { module: undefined, file: '', text: '' }
  const noteVirtual = (file: string, text: string): void => {
    if (loading === undefined) return
    virtualLoad.module = loading
    virtualLoad.file = file
    virtualLoad.text = text
  }
  // Not registered for the integrity check: a test replacing `fs.readFileSync` is no tampering
  // with the guard (its loads are decided the slow way).
  function readFileSync(this: unknown, ...args: unknown[]): unknown {
    const result = Reflect.apply(realReadFile, this, args) as unknown
    if (loading !== undefined && typeof result === 'string' && args[1] === 'utf8' && typeof args[0] === 'string') {
      loaderRead.file = args[0]
      loaderRead.text = result
    }
    return result
  }
  Object.defineProperty(readFileSync, 'name', { value: 'readFileSync' })
  Object.defineProperty(readFileSync, 'length', { value: realReadFile.length })
  disguise(readFileSync, realReadFile)
  fs.readFileSync = readFileSync as typeof fs.readFileSync
  restores.push(() => {
    if (fs.readFileSync === (readFileSync as unknown)) fs.readFileSync = realReadFile
  })
  // What Node's own handler reads through: the guard's reader (above) or the real one.
  const readFile = fs.readFileSync
  const ModuleStatics = Module as unknown as { wrap: unknown; wrapper: unknown }
  const realWrap = ModuleStatics.wrap
  const realWrapper = ModuleStatics.wrapper
  const [wrapHead, wrapTail] = Array.isArray(realWrapper) ? (realWrapper as unknown[]) : []

  /** The code a changed `Module.wrap` / `Module.wrapper` puts around `content`; undefined when unchanged. */
  function changedWrapper(content: string): string | undefined {
    const wrap = ModuleStatics.wrap
    const wrapper = ModuleStatics.wrapper
    if (wrap === realWrap && wrapper === realWrapper) {
      const list = realWrapper as unknown[]
      if (list[0] === wrapHead && list[1] === wrapTail) return undefined
      return `${String(list[0])}${content}${String(list[1])}`
    }
    if (typeof wrap !== 'function') return String(wrap)
    try {
      return String(Reflect.apply(wrap, Module, [content]))
    } catch {
      return Function.prototype.toString.call(wrap)
    }
  }

  const ModuleProto = (Module as unknown as { prototype: Record<string, unknown> }).prototype
  // Every ordinary require compiles its module inside that module's own load(): that is the
  // loader (or a loader hook such as ts-node's) at work.
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
          if (virtualLoad.module === this) virtualLoad.module = undefined
        }
      },
  )

  /**
   * Is this `_compile`, made while its module loads, the loader compiling the file? Node's own
   * handler with the real `fs.readFileSync` (no I/O of ours), a TypeScript loader, or anyone
   * handing over the file's very content.
   */
  function compilesOwnFile(content: unknown, filename: unknown, skip: Skip): boolean {
    const stack = new StackCapture(engine.filter, skip, 3)
    const caller = stack.rawFrame(0)
    if (caller?.file.startsWith('node:') && fs.readFileSync === readFile) return true
    if (caller && !caller.file.startsWith('node:') && isTrusted(engine, stack, content, filename)) return true
    return typeof filename === 'string' && typeof content === 'string' && ownContent(filename) === stripBom(content)
  }

  /** Is this the module whose load the hook decided, with that very source? Taken once. */
  function takeVirtualLoad(module: unknown, filename: string, content: unknown): boolean {
    const decided =
      virtualLoad.module === module && virtualLoad.file === filename && virtualLoad.text === stripBom(String(content))
    virtualLoad.module = undefined
    return decided
  }

  patchMethod<(content: string, filename: string, ...rest: unknown[]) => unknown>(
    restores,
    ModuleProto,
    '_compile',
    (real) =>
      function _compile(this: unknown, content: string, filename: string, ...rest: unknown[]) {
        scripts.forget(filename)
        if (engine.mode === 'report') evalSources.note(filename, content)
        if (engine.active) {
          const wrapped = changedWrapper(String(content))
          if (wrapped !== undefined) {
            decideCode(engine, 'Module.wrap', wrapped, [filename], _compile as Skip, undefined, true)
          } else if (this === loading) {
            const read = loaderRead.text
            const readFrom = loaderRead.file
            loaderRead.text = undefined
            const nodeRead = read !== undefined && content === read && filename === readFrom
            // A virtual file's load is only the source the load hook decided for it (below); a
            // real file's, what Node read from it or the loader compiling its own content.
            const isLoad = isVirtualFile(filename)
              ? takeVirtualLoad(this, filename, content)
              : nodeRead || compilesOwnFile(content, filename, _compile as Skip)
            if (!isLoad) decideCode(engine, 'Module._compile', String(content), [filename], _compile as Skip)
          } else {
            // Called by hand: Node's own operations and the frameworks are the exceptions.
            const stack = new StackCapture(engine.filter, _compile as Skip, 3)
            const caller = stack.rawFrame(0)
            if (caller && !engine.filter.isInternal(caller.file) && !isTrusted(engine, stack, content, filename)) {
              decideCode(
                engine,
                'Module._compile',
                String(content),
                [filename],
                _compile as Skip,
                new StackCapture(engine.filter, _compile as Skip),
              )
            }
          }
        }
        return Reflect.apply(real, this, [content, filename, ...rest])
      },
  )

  installLoadHooks(engine, restores, ownContent, noteVirtual)

  /** `text` (a file's, no BOM) as a module body: itself, or cut of its `#!` line. */
  const isBodyOf = (body: string, text: string | undefined): boolean =>
    text !== undefined && (body === text || (text.startsWith('#!') && body === withoutShebang(text)))

  return function compilesLoadingFile(code: string, filename: unknown): boolean {
    if (loading === undefined || typeof filename !== 'string' || isVirtualFile(filename)) return false
    if ((loading as { filename?: unknown }).filename !== filename) return false
    // Node's wrapper as it was at install: a changed Module.wrap puts other code around the file.
    let body = code
    if (
      typeof wrapHead === 'string' &&
      typeof wrapTail === 'string' &&
      code.length >= wrapHead.length + wrapTail.length &&
      code.startsWith(wrapHead) &&
      code.endsWith(wrapTail)
    ) {
      body = code.slice(wrapHead.length, code.length - wrapTail.length)
    }
    // A byte order mark is no code: Node hands `_compile` the file's text with or without it.
    body = stripBom(body)
    // What Node's handler read for this file in this load (no I/O), else the file as it is.
    if (loaderRead.file === filename && isBodyOf(body, loaderRead.text && stripBom(loaderRead.text))) return true
    return isBodyOf(body, ownContent(filename))
  }
}

/** Same source as the hooks below gave (the very string or buffer, or equal text)? */
function sameSource(source: unknown, below: unknown): boolean {
  if (source === below) return true
  if (below === undefined || below === null || source === undefined || source === null) return false
  return sourceText(source) === sourceText(below)
}

function installLoadHooks(
  engine: Engine,
  restores: Restore[],
  ownContent: (filename: string) => string | undefined,
  noteVirtual: (file: string, text: string) => void,
) {
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks
  if (typeof registerHooks !== 'function') return

  /** Is `source` the content of the file `url` names? */
  function isFileContent(url: string, source: unknown): boolean {
    if (!url.startsWith('file:')) return false
    let file: string
    try {
      file = fileURLToPath(url)
    } catch {
      return false
    }
    const content = ownContent(file)
    return content !== undefined && content === stripBom(sourceText(source))
  }

  function decideSource(event: string, url: string, source: unknown, skip: Skip, stack?: StackCapture): void {
    decideCode(engine, event, sourceText(source), [url], skip, stack, true)
  }

  // This thread's own hooks, registered at install: later ones run before them. Their load is the
  // last step before Node compiles: a data: module's source, and what the loader thread handed
  // back (Node 22+ runs the synchronous hooks outside the asynchronous chain).
  function load(url: string, context: unknown, nextLoad: NextLoad): LoadResult {
    const result = nextLoad(url, context)
    if (!engine.active || typeof url !== 'string' || result === null || typeof result !== 'object') return result
    if (url.startsWith('data:')) {
      const copy = { ...result }
      decideSource('import(data:)', url, copy.source, load as Skip)
      return copy
    }
    // A `node:vfs` module: code the test (or whoever mounted it) wrote, decided as it loads. JSON
    // is data, not code. With no source here (Node reads it later), its `_compile` decides it.
    if (isVirtualFile(url)) {
      const copy = { ...result }
      if (copy.format !== 'json' && copy.source !== undefined && copy.source !== null) {
        const text = sourceText(copy.source)
        decideSource('node:vfs', url, text, load as Skip)
        noteVirtual(fileURLToPath(url), stripBom(text))
      }
      return copy
    }
    if (loaderResultsChecked && !url.startsWith('node:')) {
      const copy = { ...result }
      if (copy.source !== undefined && copy.source !== null && !isFileContent(url, copy.source)) {
        decideSource('module.register(load)', url, copy.source, load as Skip)
      }
      return copy
    }
    return result
  }
  const hooks = Reflect.apply(registerHooks, Module, [{ load }]) as { deregister(): void }
  dataHooks = hooks
  restores.push(() => {
    if (dataHooks === hooks) dataHooks = undefined
    hooks.deregister()
  })

  // Hooks a test registers: a `load` result whose source neither came from the hooks below nor is
  // the file's content was made by the hook. The hooks object is read once. What a hook makes is
  // decided as code generated where the hook was registered (that stack is its call site and its
  // packages): a project's own transform hook, registered in a setup file, is trusted by a rule
  // naming that file (`{ project: 'test/setup.ts' }`) or the package that registers it
  // (`{ from: 'my-transform' }`), while a hook a test registers stays that test's code.
  patchMethod<RegisterHooks>(
    restores,
    Module as unknown as Record<string, unknown>,
    'registerHooks',
    (real) =>
      function registerHooks(this: unknown, given) {
        if (given === null || typeof given !== 'object') return Reflect.apply(real, this, [given])
        const { resolve, load: hook } = given
        if (!engine.active || typeof hook !== 'function') return Reflect.apply(real, this, [{ resolve, load: hook }])
        // A framework's or a TypeScript loader's module loader registering its hooks: its loads
        // are its transforms.
        const stack = new StackCapture(engine.filter, registerHooks as Skip)
        if (isModuleLoader(stack, engine.filter) || isNodeOperation(stack, engine.filter)) {
          return Reflect.apply(real, this, [{ resolve, load: hook }])
        }
        function guardedLoad(url: string, context: unknown, nextLoad: NextLoad): LoadResult {
          let below: unknown
          const next: NextLoad = (nextUrl, nextContext) => {
            const result = nextLoad(nextUrl, nextContext)
            below = result !== null && typeof result === 'object' ? result.source : undefined
            return result
          }
          const result = Reflect.apply(hook as LoadHook, undefined, [url, context, next]) as LoadResult
          if (!engine.active || result === null || typeof result !== 'object') return result
          const copy = { ...result }
          const source = copy.source
          if (
            source !== undefined &&
            source !== null &&
            !sameSource(source, below) &&
            !isFileContent(String(url), source)
          ) {
            decideSource('module.registerHooks(load)', String(url), source, guardedLoad as Skip, stack)
          }
          return copy
        }
        return Reflect.apply(real, this, [{ resolve, load: guardedLoad }])
      },
  )
}

/** data: modules decided already (when they were made, code.ts): not decided again when linked. */
export const decidedDataModules = new WeakSet<object>()

/**
 * A `vm.SourceTextModule` whose identifier is a data: URL, made from the class captured before
 * install: decided when linked (the module itself, and every module its linker hands over, nested
 * imports included), or evaluated, before any of its code runs. The identifier is read through
 * vm's own getter: what a data: module is made of is its URL.
 */
export function guardDataModules(engine: Engine, SourceTextModule: { prototype: object }, restores: Restore[]): void {
  const base = Object.getPrototypeOf(SourceTextModule.prototype) as Record<string, unknown> | null
  const identifierOf = base && Object.getOwnPropertyDescriptor(base, 'identifier')?.get
  if (!base || typeof identifierOf !== 'function') return

  function decide(module: unknown, skip: Skip): void {
    if (!engine.active || module === null || typeof module !== 'object' || decidedDataModules.has(module)) return
    let identifier: unknown
    try {
      identifier = Reflect.apply(identifierOf as () => unknown, module, [])
    } catch {
      return // not a vm module: Node says so
    }
    if (typeof identifier !== 'string' || !identifier.startsWith('data:')) return
    decidedDataModules.add(module)
    const outcome = checkCode(engine, 'import(data:)', decodeDataUrl(identifier), [identifier], skip, undefined, {
      untrusted: true,
    })
    if (!outcome.ok) {
      decidedDataModules.delete(module)
      throw outcome.error
    }
  }

  patchMethod<(linker: unknown, ...rest: unknown[]) => unknown>(
    restores,
    base,
    'link',
    (real) =>
      function link(this: unknown, linker: unknown, ...rest: unknown[]) {
        decide(this, link as Skip)
        let given = linker
        if (engine.active && typeof linker === 'function') {
          given = function linked(this: unknown, ...args: unknown[]) {
            const result = Reflect.apply(linker, this, args) as unknown
            if (result !== null && typeof (result as { then?: unknown }).then === 'function') {
              return Promise.resolve(result).then((module) => {
                decide(module, linked as Skip)
                return module
              })
            }
            decide(result, linked as Skip)
            return result
          }
        }
        return Reflect.apply(real, this, [given, ...rest])
      },
  )
  patchMethod<(...args: unknown[]) => unknown>(
    restores,
    base,
    'evaluate',
    (real) =>
      function evaluate(this: unknown, ...args: unknown[]) {
        decide(this, evaluate as Skip)
        return Reflect.apply(real, this, args)
      },
  )
  const linkRequests = (SourceTextModule.prototype as Record<string, unknown>).linkRequests
  if (typeof linkRequests === 'function') {
    patchMethod<(modules: unknown, ...rest: unknown[]) => unknown>(
      restores,
      SourceTextModule.prototype as Record<string, unknown>,
      'linkRequests',
      (real) =>
        function linkRequests(this: unknown, modules: unknown, ...rest: unknown[]) {
          const list = Array.isArray(modules) ? Array.from(modules as unknown[]) : modules
          decide(this, linkRequests as Skip)
          if (Array.isArray(list)) for (const module of list) decide(module, linkRequests as Skip)
          return Reflect.apply(real, this, [list, ...rest])
        },
    )
  }
}

/** Module classes of a framework's own guarded already (one per vm context). */
const guardedClasses = new WeakSet<object>()
/** fs.readFileSync as loaded, before any test ran. */
const loadedReadFileSync = fs.readFileSync

/**
 * A test framework's own CommonJS module class (Vitest's vm pools hand the test's context one
 * that compiles with `vm.Script` from the framework's frames): its `_compile` called by anything
 * but the framework's own handler or a TypeScript loader, with anything but the file's content (a
 * test's `require.extensions` handler), is decided like Node's. Returns the undo.
 */
export function guardModuleClass(engine: Engine, ModuleClass: unknown): () => void {
  const proto = (ModuleClass as { prototype?: Record<string, unknown> } | null)?.prototype
  const real = proto?._compile
  if (!proto || typeof real !== 'function' || guardedClasses.has(proto)) return () => {}
  guardedClasses.add(proto)
  function _compile(this: unknown, content: unknown, filename: unknown, ...rest: unknown[]) {
    if (engine.active) {
      const stack = new StackCapture(engine.filter, _compile as Skip, 3)
      if (
        !isTrustedOperation(stack, engine.filter, typeof content === 'string' ? content : String(content), filename)
      ) {
        const own = typeof filename === 'string' ? fileText(loadedReadFileSync, filename) : undefined
        if (typeof content !== 'string' || own !== stripBom(content)) {
          decideCode(engine, 'Module._compile', String(content), [filename], _compile as Skip)
        }
      }
    }
    return Reflect.apply(real as (...args: unknown[]) => unknown, this, [content, filename, ...rest])
  }
  Object.defineProperty(proto, '_compile', { value: _compile, writable: true, configurable: true })
  return () => {
    if (proto._compile === _compile)
      Object.defineProperty(proto, '_compile', { value: real, writable: true, configurable: true })
    guardedClasses.delete(proto)
  }
}
