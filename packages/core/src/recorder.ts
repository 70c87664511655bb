import fs from 'node:fs'
import path from 'node:path'
import { threadId } from 'node:worker_threads'
import type { AuditRecord } from './events.js'

// The JSONL sink. A violation is appended synchronously before anything is thrown, so a worker
// that crashes right after still leaves it on disk. Events a rule allowed are grouped in memory
// (a loop of a thousand allowed connects is one line with count 1000) and written on flush().

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

export class Recorder {
  private readonly pending = new Map<string, AuditRecord>()
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
   * Groups an allowed event with identical ones (same `key`) until flush(); the record is built
   * only the first time.
   */
  hold(key: string, build: () => AuditRecord): void {
    const existing = this.pending.get(key)
    if (existing) existing.count += 1
    else this.pending.set(key, build())
    if (!this.exitHooked) {
      this.exitHooked = true
      process.once('exit', () => this.flush())
    }
  }

  /** Writes the grouped allowed events. */
  flush(): void {
    if (this.pending.size === 0) return
    let text = ''
    for (const record of this.pending.values()) text += `${JSON.stringify(record)}\n`
    this.pending.clear()
    this.append(text)
  }

  private append(text: string): void {
    const file = this.filePath
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
