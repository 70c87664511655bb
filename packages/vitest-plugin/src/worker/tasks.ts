import type { AuditRecord, Category } from '@leakgate/core'

// The few fields of Vitest's runner tasks the setup file reads. Declared here rather than
// imported so one build serves Vitest 3.2, 4.x and 5.x, whose type exports differ.

export interface SerializedErrorLike {
  message?: string
  name?: string
  stack?: string
}

export interface TaskLike {
  id: string
  name: string
  type: string
  mode?: string
  fails?: boolean
  suite?: TaskLike
  file?: TaskLike
  tasks?: TaskLike[]
  meta: Record<string, unknown>
  result?: { state?: string; errors?: SerializedErrorLike[] }
}

/** What the setup file leaves in `task.meta`; the reporter reads it, even after `--merge-reports`. */
export interface LeakgateMeta {
  v: 1
  /** The first violations (the engine keeps a hundred per test). */
  violations: AuditRecord[]
  /** Violations beyond those, counted per category (set only when some were). */
  dropped?: Record<Category, number>
  /** On a file's task: its guard saw the file to its end (read after `--merge-reports`). */
  audited?: true
}

export const META_KEY = 'leakgate'

export function setMeta(task: TaskLike, violations: AuditRecord[], dropped?: Record<Category, number>): void {
  if (violations.length === 0 && !(META_KEY in task.meta)) return
  const meta: LeakgateMeta = { v: 1, violations: violations.map((record) => ({ ...record })) }
  if (dropped && dropped.net + dropped.exec + dropped.eval + dropped.tamper > 0) meta.dropped = { ...dropped }
  task.meta[META_KEY] = meta
}

/** Marks a file's task: its guard saw it to its end. The blobs carry it to `--merge-reports`. */
export function markAudited(file: TaskLike): void {
  const existing = file.meta[META_KEY] as LeakgateMeta | undefined
  file.meta[META_KEY] = { ...(existing ?? { v: 1, violations: [] }), audited: true }
}

/** `describe > test`, without the file: the name leakgate's records and messages use. */
export function fullName(test: TaskLike): string {
  const names = [test.name]
  for (let suite = test.suite; suite && suite !== test.file && !('filepath' in suite); suite = suite.suite) {
    if (suite.name) names.unshift(suite.name)
  }
  return names.join(' > ')
}

/** Every test of a suite, nested suites included. */
export function testsOf(suite: TaskLike): TaskLike[] {
  const out: TaskLike[] = []
  for (const task of suite.tasks ?? []) {
    if (task.type === 'test') out.push(task)
    else if (task.tasks) out.push(...testsOf(task))
  }
  return out
}
