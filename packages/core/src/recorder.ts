import { threadId } from 'node:worker_threads'
import type { AuditRecord } from './events.js'

const fs = process.getBuiltinModule('node:fs')
const path = process.getBuiltinModule('node:path')

// The JSONL sink. A violation is appended synchronously before anything is thrown, so a worker
// that crashes right after still leaves it on disk. An event a rule allowed is written at once
// the first time (count 1); its repeats are counted in memory (a loop of a thousand allowed
// connects costs one line, then a counter) and written as one more line with the rest of the
// count on flush(): a worker killed mid-file loses repeat counts, never an event. Readers sum
// identical lines (recordKey).
//
// Beside the events, each process marks the life of every test file it guards in its own
// `files-<pid>-<thread>.marks` file: `start` once the guard is in place, `end` once the file's
// events are all written. The reporters compare the marks with the files the runner ran: a file
// without both was not (fully) audited, and the gate refuses the run.

/**
 * A per-thread token: ids of records written here never collide with another thread's or
 * process's. The process and thread make it unique among those running now, the time and a
 * random part across a run that outlives a recycled pid. Not node:crypto: loading it cost every
 * worker ~4 ms, and nothing here needs to be unguessable.
 */
const ID_PREFIX = [process.pid, threadId, Date.now(), Math.floor(Math.random() * 0x100000000)]
  .map((part) => part.toString(36))
  .join('-')
let lastId = 0

/** A new record id (see AuditRecord.id). */
export function nextRecordId(): string {
  lastId += 1
  return `${ID_PREFIX}.${lastId}`
}

export function recordKey(record: AuditRecord): string {
  const site = record.callSite ? `${record.callSite.file}:${record.callSite.line}:${record.callSite.column}` : ''
  return [
    record.category,
    record.event,
    record.target,
    record.scope.file ?? '',
    record.scope.test ?? '',
    record.scope.phase,
    site,
    record.package ?? '',
    record.decision.allowed ? `${record.decision.source}:${record.decision.rule}` : record.decision.reason,
    record.origin ?? '',
  ].join('\u0000')
}

/**
 * The identity of one occurrence of an event, across copies: the record a worker wrote to the
 * sink and the same one a runner carried to its main process (Vitest's task meta, Jest's test
 * errors) are one. Its id when it has one: identical events in the same millisecond (a template
 * compiled twice, the repeats line of an allowed event) are two occurrences, never one.
 */
export function occurrenceKey(record: AuditRecord): string {
  if (record.id) return record.id
  return `${record.pid}\u0000${record.threadId}\u0000${record.time}\u0000${recordKey(record)}`
}

/** One line of a `.marks` file. */
export interface FileMark {
  /** Absolute path of the test file. */
  file: string
  state: 'start' | 'end'
  pid: number
  time: number
}

export class Recorder {
  private readonly pending = new Map<string, { record: AuditRecord; repeats: number }>()
  private dirReady = false
  private exitHooked = false
  /** Where lines go; null disables the sink. */
  dir: string | undefined
  /** The file name inside `dir`. Children of a test write to their scope's file. */
  fileName = `events-${process.pid}-${threadId}.jsonl`

  constructor(dir?: string) {
    this.dir = dir
  }

  get filePath(): string | undefined {
    return this.dir ? path.join(this.dir, this.fileName) : undefined
  }

  /** Appends a violation now. Never throws: a full disk must not mask the violation itself. */
  writeNow(record: AuditRecord): void {
    this.append(`${JSON.stringify(record)}\n`)
  }

  /**
   * An allowed event: written now the first time its `key` is seen (the record is built only
   * then), counted in memory after that until flush().
   */
  hold(key: string, build: () => AuditRecord): void {
    const existing = this.pending.get(key)
    if (existing) {
      existing.repeats += 1
      return
    }
    const record = build()
    this.pending.set(key, { record, repeats: 0 })
    this.append(`${JSON.stringify(record)}\n`)
    if (!this.exitHooked) {
      this.exitHooked = true
      process.once('exit', () => this.flush())
    }
  }

  /** Writes the repeats of the allowed events held since the last flush (one line per event). */
  flush(): void {
    if (this.pending.size === 0) return
    let text = ''
    for (const { record, repeats } of this.pending.values()) {
      // A line of its own (its own id): not the first line read twice.
      if (repeats > 0) text += `${JSON.stringify({ ...record, count: repeats, id: nextRecordId() })}\n`
    }
    this.pending.clear()
    if (text) this.append(text)
  }

  /** Marks a test file's guard as started or ended (absolute path), for the reporters. */
  mark(file: string, state: FileMark['state']): void {
    if (!this.dir) return
    const mark: FileMark = { file, state, pid: process.pid, time: Date.now() }
    this.append(`${JSON.stringify(mark)}\n`, path.join(this.dir, `files-${process.pid}-${threadId}.marks`))
  }

  private append(text: string, file = this.filePath): void {
    if (!file) return
    try {
      if (!this.dirReady) {
        fs.mkdirSync(this.dir as string, { recursive: true })
        this.dirReady = true
      }
      fs.appendFileSync(file, text)
    } catch (error) {
      process.emitWarning(`leakgate could not write to ${file}: ${(error as Error).message}`, 'LeakgateWarning')
    }
  }
}

/** Reads a JSONL sink file; unreadable lines (a write cut short by a crash) are skipped. */
export function readRecords(file: string): AuditRecord[] {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return []
  }
  const records: AuditRecord[] = []
  for (const line of text.split('\n')) {
    if (!line) continue
    try {
      const record = JSON.parse(line) as AuditRecord
      if (record && record.v === 1) records.push(record)
    } catch {
      // a torn last line
    }
  }
  return records
}

/** Every file mark in a sink directory (all `*.marks` files); torn lines are skipped. */
export function readFileMarks(sinkDir: string): FileMark[] {
  let names: string[]
  try {
    names = fs.readdirSync(sinkDir)
  } catch {
    return []
  }
  const marks: FileMark[] = []
  for (const name of names.sort()) {
    if (!name.endsWith('.marks')) continue
    let text: string
    try {
      text = fs.readFileSync(path.join(sinkDir, name), 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n')) {
      if (!line) continue
      try {
        const mark = JSON.parse(line) as FileMark
        if (mark && typeof mark.file === 'string' && (mark.state === 'start' || mark.state === 'end')) marks.push(mark)
      } catch {
        // a torn last line
      }
    }
  }
  return marks
}
