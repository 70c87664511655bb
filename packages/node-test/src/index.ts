import { isMainThread } from 'node:worker_threads'
import { guardThisProcess, role } from './start.js'

// `node --test --import @leakgate/node-test` (or `--require`): what this process is decides
// what leakgate does in it (start.ts). Tests call `allowAudit` from @leakgate/core, re-exported
// here for convenience.

export { addAuditHook, allowAudit, audit, LeakgateError } from '@leakgate/core'
export { loadOptions, OPTIONS_ENV } from './options.js'

guardThisProcess(role(process.execArgv, process.env, isMainThread, process.ppid))
