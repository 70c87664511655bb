import path from 'node:path'
import type * as NodeTest from 'node:test'
import { fileURLToPath } from 'node:url'
import { resolveMode } from '@leakgate/core/report'
import { loadOptions } from './options.js'
import { RunReport, SINK_ENV } from './report.js'
import { guardInProcess, RUNNER_ENV } from './start.js'

// `run()` from node:test, guarded: the same options and the same TestsStream, with each test
// process started under @leakgate/node-test (through NODE_OPTIONS, which every Node 20 to 26
// hands its test processes), and the report written when the stream ends.
//
//   import { run } from '@leakgate/node-test/run'
//   import { spec } from 'node:test/reporters'
//   run({ files: ['test/a.test.js'] }).compose(spec).pipe(process.stdout)

export type RunOptions = NonNullable<Parameters<typeof NodeTest.run>[0]>

const here = path.dirname(fileURLToPath(import.meta.url))
/** The preload, as CommonJS: `--require` works in NODE_OPTIONS on every supported Node. */
const PRELOAD = path.join(here, 'index.cjs')

function quoteForNodeOptions(file: string): string {
  return /[\s"\\]/.test(file) ? `"${file.replace(/(["\\])/g, '\\$1')}"` : file
}

/**
 * Runs node:test's `run()` with leakgate in every test process; returns its TestsStream. Throws
 * LEAKGATE_INVALID_OPTION on bad options (package.json "leakgate", LEAKGATE_OPTIONS). With
 * `isolation: 'none'` (Node 22.8+) the files run in this process, guarded here.
 */
export function run(options: RunOptions = {}): ReturnType<typeof NodeTest.run> {
  const nodeTest = process.getBuiltinModule('node:test') as unknown as typeof NodeTest
  const cwd = (options as { cwd?: string }).cwd ?? process.cwd()
  if ((options as { isolation?: string }).isolation === 'none') {
    // Every file is imported by this process: the guard is here, each file in its own scope.
    const loaded = loadOptions(cwd)
    const finishInProcess = guardInProcess(loaded, loaded.options.root ?? cwd)
    const stream = nodeTest.run(options)
    const end = () => {
      if (finishInProcess()) process.exitCode = 1
    }
    stream.once('end', end)
    stream.once('close', end)
    process.once('exit', end)
    return stream
  }
  const { options: leakgate, report: reportPath } = loadOptions(cwd)
  // In mode off too: the test processes audit nothing, and the report says so.
  const report = new RunReport(leakgate.root ?? cwd, resolveMode([leakgate.mode]), reportPath)
  const saved = {
    NODE_OPTIONS: process.env.NODE_OPTIONS,
    [SINK_ENV]: process.env[SINK_ENV],
    [RUNNER_ENV]: process.env[RUNNER_ENV],
  }
  // Test processes are started while the stream runs: the environment stays set until it ends.
  process.env.NODE_OPTIONS = [saved.NODE_OPTIONS, `--require=${quoteForNodeOptions(PRELOAD)}`].filter(Boolean).join(' ')
  process.env[SINK_ENV] = report.sinkDir
  process.env[RUNNER_ENV] = String(process.pid)
  const restore = () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
  const stream = nodeTest.run(options)
  let done = false
  const finish = () => {
    if (done) return
    done = true
    restore()
    if (report.finish()) process.exitCode = 1
  }
  stream.once('end', finish)
  stream.once('close', finish)
  process.once('exit', finish)
  return stream
}
