import type { EnvironmentContext, JestEnvironment, JestEnvironmentConfig } from '@jest/environment'
import { unsupportedJestMessage } from '@leakgate/core'
import { unsupportedJest } from './base.js'
import type { CircusEvent, CircusState } from './circus.js'
import { type JestConfigLike, openSessionFromConfig, rawOptionsOf } from './options.js'
import { FileSession } from './session.js'
import { openJestSession } from './trust.js'

/** A Jest test environment class: what `testEnvironment` names (jest-environment-node's shape). */
export type EnvironmentClass = new (config: JestEnvironmentConfig, context: EnvironmentContext) => JestEnvironment

/** The base as this class sees it: methods it may override (Jest types them as properties). */
interface BaseInstance {
  global: unknown
  setup(): Promise<void>
  teardown(): Promise<void>
}
type BaseClass = new (config: JestEnvironmentConfig, context: EnvironmentContext) => BaseInstance

const sessions = new WeakMap<object, FileSession>()

/**
 * Wraps a Jest environment class with leakgate: the returned class installs the engine with the
 * project's `testEnvironmentOptions.leakgate`, tames the test context's `eval`/`Function`, and
 * turns violations into failed tests (or a failed suite, for import time, hooks and late work).
 *
 * ```js
 * // my-environment.js
 * const { makeLeakgateEnvironment } = require('@leakgate/jest-environment')
 * module.exports = makeLeakgateEnvironment(require('jest-environment-node').TestEnvironment)
 * ```
 */
export function makeLeakgateEnvironment<T extends EnvironmentClass>(Base: T): T {
  if (typeof Base !== 'function') {
    throw new TypeError(`makeLeakgateEnvironment() needs a Jest environment class, got ${typeof Base}`)
  }
  // Before any base constructor runs: jest-environment-node's calls vm.runInContext itself. The
  // project's options come with each constructor's config.
  openJestSession()
  const Environment = class extends (Base as unknown as BaseClass) {
    constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
      // Jest 27 and older pass the project config itself: nothing below could read it.
      if (typeof config !== 'object' || config === null || !('projectConfig' in config)) {
        throw unsupportedJest(unsupportedJestMessage('27.0.0', '27 or older') as string)
      }
      const jestConfig = config as unknown as JestConfigLike
      const session = openSessionFromConfig(jestConfig)
      super(config, context)
      const global = this.global as unknown as Record<string, unknown>
      // Jest copies testEnvironmentOptions onto the test's global object: ours don't belong there.
      const raw = rawOptionsOf(jestConfig)
      if (raw !== undefined && global.leakgate === raw) delete global.leakgate
      sessions.set(this, new FileSession(session, global, context.testPath))
    }

    handleTestEvent(event: unknown, state: unknown): unknown {
      sessions.get(this)?.handle(event as CircusEvent, state as CircusState)
      const base = Base.prototype as { handleTestEvent?: (event: unknown, state: unknown) => unknown }
      return base.handleTestEvent?.call(this, event, state)
    }

    override async teardown(): Promise<void> {
      try {
        await super.teardown()
      } finally {
        sessions.get(this)?.close()
      }
    }
  }
  Object.defineProperty(Environment, 'name', { value: `Leakgate${Base.name || 'Environment'}` })
  return Environment as unknown as T
}
