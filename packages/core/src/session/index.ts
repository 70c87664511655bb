// @leakgate/core/session: the life of a test, for adapters (docs/adapters.md).
//
//   const session = openSession({ framework: 'mocha', options, trustedPaths: [...] })
//   const file = session.enterFile('/abs/path/a.test.js')   // import phase
//   file.startHooks()                                        // collected: beforeAll & co
//   const attempt = file.startAttempt('suite > test', id)    // each try, retries included
//   await attempt.run(() => testFn())                        // in its scope (async too)
//   const { error } = attempt.end({ errors: thrownByTest })  // fail the test with `error`
//   const { error: fileError } = file.end()                  // fail the file with it
//
// Adapters use only this entry (and the public `@leakgate/core`): never the engine's fields.

export { LeakgateError } from '../errors.js'
export type { AuditRecord, Category, Mode } from '../events.js'
export { allowAudit } from '../index.js'
export type { LeakgateOptions } from '../options.js'
export type { TrustedOperation } from '../trusted-operations.js'
export type { EndAttemptOptions, TestAttempt } from './attempt.js'
export { moreViolationsError } from './errors.js'
export { JSDOM_OPERATIONS, JSDOM_PATHS } from './jsdom.js'
export { type Dropped, droppedTotal, type Outcome } from './outcome.js'
export { type EnterFileOptions, openSession, type Session, type SessionOptions } from './session.js'
export type { EndFileOptions, StartAttemptOptions, TestFile } from './test-file.js'
