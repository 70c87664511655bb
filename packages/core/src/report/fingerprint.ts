import { createHash } from 'node:crypto'
import type { Category } from '../events.js'

// The stable identity of a leak, shared by the baseline and SARIF's partialFingerprints. It must
// survive the edits a leak survives: lines moving, the test file being reformatted, the report
// being produced by another shard or framework. So it is what leaks and who leaked it (category,
// target, test file, test name, package), never where on a line (call site), how (event name,
// since `fetch` and `http.get` reaching the same host are the same leak), in which phase, or
// which runner saw it.

/** The fields of a leak's identity. Absent parts are empty strings. */
export interface LeakIdentity {
  category: Category
  target: string
  file?: string
  test?: string
  package?: string
}

/** The identity of a report event (or anything with its shape). */
export function identityOf(event: {
  category: Category
  target: string
  scope: { file?: string; test?: string }
  package?: string
}): LeakIdentity {
  const identity: LeakIdentity = { category: event.category, target: event.target }
  if (event.scope.file) identity.file = event.scope.file
  if (event.scope.test) identity.test = event.scope.test
  if (event.package) identity.package = event.package
  return identity
}

/** A string that is equal for two events exactly when they are the same leak. */
export function identityKey(identity: LeakIdentity): string {
  return JSON.stringify([
    identity.category,
    identity.target,
    identity.file ?? '',
    identity.test ?? '',
    identity.package ?? '',
  ])
}

/** 16 hex digits of SHA-256 over the identity: short enough to read, long enough never to clash. */
export function fingerprintOf(event: Parameters<typeof identityOf>[0]): string {
  return hashIdentity(identityOf(event))
}

export function hashIdentity(identity: LeakIdentity): string {
  return createHash('sha256').update(identityKey(identity)).digest('hex').slice(0, 16)
}
