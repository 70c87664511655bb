// A setup file that `npm run bench` adds last to the suite's configs: it notes how long after its
// process (or thread) started each test file became ready to run, so that the run with leakgate
// can be compared with the run without. One JSON line per file, appended to the file named by
// LEAKGATE_BENCH_PROBE.
import fs from 'node:fs'
import { threadId } from 'node:worker_threads'

const out = process.env.LEAKGATE_BENCH_PROBE
if (out) {
  const line = { kind: 'ready', pid: process.pid, thread: threadId, at: performance.now() }
  fs.appendFileSync(out, `${JSON.stringify(line)}\n`)
}
