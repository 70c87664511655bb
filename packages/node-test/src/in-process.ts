import path from 'node:path'
import type * as NodeTest from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Session } from '@leakgate/core/session'
import { FileGuard, patchTestClass } from './guard.js'
import { isHook, type TestClass, type TestLike, whenTestClassFound } from './runner.js'

// `node --test --test-isolation=none` (Node 22.8+; `--experimental-test-isolation` first) and
// `run({ isolation: 'none' })`: every test file is imported, one after another, by the runner
// in its own process, under one root test, and their tests run once every file is loaded.
// Measured on Node 22.23, 24.21 and 26.10 (lib/internal/test_runner/runner.js):
// - before it imports a file the runner sets `root.entryFile` to its path, and every test
//   created then (a top-level test, a describe and all within) copies it as its `entryFile`;
//   after the last file it sets it to null. leakgate watches that property: a file is entered
//   when it starts loading (its import phase is its own), with a check of its own (a root
//   `after` hook at the file's first line, as in a test process), and each test and hook runs
//   in its file's guard.
// - hooks have no `entryFile`: a root-level before/after hook is found by where it was
//   registered (its `loc`), a suite's by its suite; beforeEach/afterEach run in their test.
// - the files' checks run after every other root `after` hook, so after all the files' tests:
//   a late violation of any file still fails that file.

export class InProcessRun {
  private readonly guards = new Map<string, FileGuard>()
  private root: TestLike | undefined

  constructor(private readonly session: Session) {}

  /** Starts watching the runner: from the first test object made. */
  watch(): void {
    // Its fields are set once its constructor returns. It is the root with `--require` (the
    // runner makes it after the preloads); with `--import` the runner imports this module
    // itself, after it made the root, so the first is a test of the first file, whose import
    // until then has no file scope (`--require` has no such gap).
    whenTestClassFound((found, first) => queueMicrotask(() => this.attach(found, rootOf(first))))
  }

  /** Ends the files whose check never ran (the process is leaving early); their errors. */
  endRemaining(): Error[] {
    const errors: Error[] = []
    for (const guard of this.guards.values()) {
      if (guard.file.ended) continue
      const { error } = guard.file.end()
      if (error) errors.push(error)
    }
    return errors
  }

  private attach(Test: TestClass, root: TestLike): void {
    this.root = root
    patchTestClass(Test, { guardOf: (test) => this.guardOf(test) })
    let entryFile = (root as { entryFile?: string | null }).entryFile
    if (entryFile) this.enter(entryFile)
    Object.defineProperty(root, 'entryFile', {
      configurable: true,
      enumerable: true,
      get: () => entryFile,
      set: (value: string | null | undefined) => {
        entryFile = value
        if (value) this.enter(value)
      },
    })
  }

  private enter(file: string): void {
    const absolute = path.resolve(file)
    if (this.guards.has(absolute)) return
    const guard = new FileGuard(this.session.enterFile(absolute, { realm: globalThis, fileTop: 'sync' }))
    this.guards.set(absolute, guard)
    // Inside the runner's import of the file, in the root's scope: the hook is the root's.
    const nodeTest = process.getBuiltinModule('node:test') as unknown as typeof NodeTest
    nodeTest.after(guard.fileHook)
    guard.placeFileHook(absolute, this.root)
  }

  private guardOf(test: TestLike): FileGuard | undefined {
    const file = test.entryFile ?? (isHook(test) ? hookFile(test) : undefined)
    return file ? this.guards.get(path.resolve(file)) : undefined
  }
}

/** The file a hook belongs to: its suite's, else where it was registered (a root-level hook). */
function hookFile(hook: TestLike): string | undefined {
  const owner = hook.parentTest
  if (owner?.entryFile) return owner.entryFile
  const file = hook.loc?.file
  if (!file) return undefined
  return file.startsWith('file:') ? fileURLToPath(file) : file
}

function rootOf(test: TestLike): TestLike {
  let at = test
  for (let up = at.parentTest ?? at.parent; up; up = at.parentTest ?? at.parent) at = up
  return at
}
