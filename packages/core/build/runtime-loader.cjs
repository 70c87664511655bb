'use strict'
// The CommonJS runtime chunk's loader, written by the build (tsdown.config.ts) in place of the
// chunk, which it renames to `<chunk>.code.cjs`. Every worker compiles the same ~280 KB and, while
// installing, the same few hundred functions V8 compiles lazily: a V8 code cache made after the
// first install holds them all, so later workers skip both (issue 15). Node's own compile cache
// (NODE_COMPILE_CACHE) is made right after the top-level compile, before those functions exist.
// The chunk runs with this module as its `module` and its real path as `__filename`, so stacks
// name the real file (the engine's own-frame checks go by its directory) and `require` resolves
// as before. Anywhere this cannot be done as it would be by `require`, the chunk is required.
const CHUNK = '__LEAKGATE_CHUNK__'
const SAVE_KEY = Symbol.for('leakgate.saveCodeCache')

const fs = process.getBuiltinModule('node:fs')
const path = process.getBuiltinModule('node:path')
const filename = path.join(__dirname, CHUNK)

/** FNV-1a: the cache key's part for V8 flags, without loading node:crypto (~4 ms). */
function hash(text) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h.toString(36)
}

/**
 * Where caches live, in order: `node_modules/.cache/leakgate` of the project that installed
 * leakgate (the first node_modules above this file, as pnpm's store nests them), or of the
 * nearest directory with a node_modules (a workspace link); then a directory of this user's own
 * in the system's temporary directory.
 */
function cacheDirs() {
  const dirs = []
  const marker = `${path.sep}node_modules${path.sep}`
  const at = __dirname.indexOf(marker)
  if (at !== -1) dirs.push(path.join(__dirname.slice(0, at), 'node_modules', '.cache', 'leakgate'))
  else {
    for (let dir = path.dirname(__dirname); ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'node_modules'))) {
        dirs.push(path.join(dir, 'node_modules', '.cache', 'leakgate'))
        break
      }
      if (path.dirname(dir) === dir) break
    }
  }
  const os = process.getBuiltinModule('node:os')
  dirs.push(path.join(os.tmpdir(), `leakgate-code-cache-${process.getuid?.() ?? 'user'}`))
  return dirs
}

/**
 * A shared temporary directory is trusted only when this user owns it and nobody else may write
 * it: a code cache is code, and V8 checks only that it fits the source's length and the flags.
 */
function trusted(dir) {
  if (!dir.startsWith(process.getBuiltinModule('node:os').tmpdir())) return true
  if (typeof process.getuid !== 'function') return true
  try {
    const stat = fs.lstatSync(dir)
    return stat.isDirectory() && stat.uid === process.getuid() && (stat.mode & 0o022) === 0
  } catch {
    return false
  }
}

function write(dirs, name, data) {
  for (const dir of dirs) {
    const temp = path.join(dir, `${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`)
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
      if (!trusted(dir)) continue
      fs.writeFileSync(temp, data, { mode: 0o600 })
      fs.renameSync(temp, path.join(dir, name)) // atomic: a reader sees the old file or the new
      return
    } catch {
      try {
        fs.rmSync(temp, { force: true })
      } catch {}
    }
  }
}

function compileCached() {
  if (process.env.LEAKGATE_CODE_CACHE === '0') return undefined
  // Only in the realm Node's loader runs in, before any engine exists: inside a framework's vm
  // context the chunk must be that context's module, and after install vm.Script is guarded.
  if (Object.getPrototypeOf(process.getBuiltinModule('node:fs')) !== Object.prototype) return undefined
  if (process[Symbol.for('leakgate.engine')] !== undefined) return undefined
  const vm = process.getBuiltinModule('node:vm')
  const source = fs.readFileSync(filename, 'utf8')
  const dirs = cacheDirs()
  const flags = hash(`${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`)
  const name = `${CHUNK.replace(/\.code\.cjs$/, '')}-${process.version}-${process.arch}-${flags}.bin`
  let cachedData
  for (const dir of dirs) {
    try {
      if (!trusted(dir)) continue
      cachedData = fs.readFileSync(path.join(dir, name))
      break
    } catch {}
  }
  let script
  try {
    script = new vm.Script(
      `(function (exports, require, module, __filename, __dirname) { ${source}\n})`,
      // The chunk has no import() of its own; where Node offers it, one still resolves as in a module.
      { filename, cachedData, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER },
    )
  } catch {
    return undefined
  }
  if (cachedData === undefined || script.cachedDataRejected) {
    // Made once the first realm is tamed after install (runtime.ts), when the functions the
    // interceptors run at install have been compiled.
    Object.defineProperty(process, SAVE_KEY, {
      configurable: true,
      value() {
        delete process[SAVE_KEY]
        try {
          write(dirs, name, script.createCachedData())
        } catch {}
      },
    })
  }
  return script.runInThisContext()
}

const run = compileCached()
if (run === undefined) module.exports = require(`./${CHUNK}`)
else run.call(module.exports, module.exports, require, module, filename, __dirname)
