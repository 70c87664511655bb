import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { collectRecords, createReport, type LeakgateReport, type RunInfo } from '../../../src/report.js'

// Real records from the built engine (test/fixtures/report/leak.cjs), turned into reports the
// way the adapters' reporters do: collectRecords + createReport.

const here = path.dirname(fileURLToPath(import.meta.url))
export const PACKAGE_DIR = path.resolve(here, '../../..')
export const CLI = path.join(PACKAGE_DIR, 'dist/cli.mjs')
export const SCHEMAS = path.join(PACKAGE_DIR, 'test/fixtures/schemas')
const LEAK = path.join(PACKAGE_DIR, 'test/fixtures/report/leak.cjs')

export type Leak = 'eval' | 'eval-250' | 'exec' | 'exec-allowed' | 'exec-secret' | 'net'

export interface PlannedTest {
  file: string
  name: string
  leaks: Leak[]
}

export function temporaryDir(prefix = 'leakgate-report-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** A loopback server on 0.0.0.0 (so 127.0.0.2 reaches it), port chosen by the system. */
export async function startServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.end())
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve))
  const { port } = server.address() as net.AddressInfo
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

/**
 * Runs the planned tests in a child process with the real engine; returns its records. `pad`
 * blank lines are put at the top of the script first: every call site moves down by that much.
 */
export function recordRun(root: string, port: number, tests: PlannedTest[], pad = 0) {
  const sinkDir = fs.mkdtempSync(path.join(root, 'sink-'))
  const script = path.join(root, 'leak.cjs')
  fs.writeFileSync(script, '\n'.repeat(pad) + fs.readFileSync(LEAK, 'utf8'))
  const core = path.join(PACKAGE_DIR, 'dist/index.cjs')
  const run = spawnSync(process.execPath, [script, JSON.stringify({ core, sinkDir, root, port, tests })], {
    encoding: 'utf8',
    env: { ...process.env, LEAKGATE_MODE: '', NODE_OPTIONS: '' },
  })
  if (run.status !== 0) throw new Error(`leak.cjs failed: ${run.stderr}`)
  const records = collectRecords(sinkDir)
  fs.rmSync(sinkDir, { recursive: true, force: true })
  return records
}

export function makeReport(
  root: string,
  port: number,
  tests: PlannedTest[],
  run: Partial<RunInfo> = {},
  pad = 0,
): LeakgateReport {
  return createReport(
    {
      framework: 'vitest',
      frameworkVersion: '4.1.12',
      node: process.version,
      mode: 'report',
      root,
      startedAt: '2026-11-29T10:00:00.000Z',
      ...run,
    },
    recordRun(root, port, tests, pad),
  )
}

export function writeJson(file: string, value: unknown): string {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
  return file
}
