#!/usr/bin/env node
import { processIo } from './cli/io.js'
import { runCli } from './cli/run.js'

// The `leakgate` bin. Everything lives in cli/; this only wires the process to it.

runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code
})
