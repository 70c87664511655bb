import fs from 'node:fs'

// Jest loads node_modules again inside each test context, so a test importing `allowAudit` from
// this package evaluates this package in the test's realm too. There, no environment class may
// be built: that would load jest-environment-node (and all of Jest's runtime) into the test.
// Core modules come from the outer realm, so their prototype is not this realm's.

/** True when this module is evaluated inside a test context (Jest's vm realm, jsdom's window). */
export function inTestRealm(): boolean {
  return Object.getPrototypeOf(fs) !== Object.prototype
}

/** Stands in for the environment class inside a test realm, where it cannot be used. */
export function unavailableInTestRealm(entry: string): never {
  throw new Error(
    `${entry} is a Jest test environment: name it in the Jest config (testEnvironment: '${entry}'), ` +
      'not from inside a test. Tests import only allowAudit from it.',
  )
}
