import fs from 'node:fs'
import path from 'node:path'
import { limited, type RunResult, repoRoot, runnerDir } from './harness.js'

// Starts the CLI runs of a test file together (two at a time: CI has two cores) and hands each
// test the one it needs. A run starts when first asked for, after the ones asked for before it.

export class Scenarios<K extends string> {
  private readonly results = new Map<K, Promise<RunResult>>()

  constructor(private readonly jobs: Record<K, () => Promise<RunResult>>) {}

  /** Starts every job now, at most `parallel` at a time. */
  startAll(parallel = 2): void {
    const keys = Object.keys(this.jobs) as K[]
    const settled = new Map<K, { resolve(run: RunResult): void; reject(error: unknown): void }>()
    for (const key of keys) {
      this.results.set(
        key,
        new Promise<RunResult>((resolve, reject) => {
          settled.set(key, { resolve, reject })
        }),
      )
    }
    void limited(
      parallel,
      keys.map((key) => async () => {
        const handle = settled.get(key) as { resolve(run: RunResult): void; reject(error: unknown): void }
        try {
          const run = await this.jobs[key]()
          handle.resolve(run)
          return run
        } catch (error) {
          handle.reject(error)
          return undefined as never
        }
      }),
    )
  }

  get(key: K): Promise<RunResult> {
    const found = this.results.get(key)
    if (!found) throw new Error(`scenario ${key} was not started`)
    return found
  }

  async all(): Promise<RunResult[]> {
    const out: RunResult[] = []
    for (const promise of this.results.values()) {
      try {
        out.push(await promise)
      } catch {
        // reported by the test that asked for it
      }
    }
    return out
  }
}

/** Is this package installed where the fixtures run (the matrix may not link every one)? */
export function installed(name: string): boolean {
  const start = runnerDir || repoRoot
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules', name, 'package.json'))) return true
    if (path.dirname(dir) === dir) return false
  }
}
