// biome-ignore-all lint/complexity/noArguments: Vitest 4.1+ parses a hook's declared parameters as fixtures

import type { FileGuard } from './guard.js'
import type { TaskLike } from './tasks.js'
import { testsOf } from './tasks.js'

// When a test or file starts and ends, per Vitest version. Hook callbacks read their
// arguments through `arguments`: Vitest 4.1+ parses declared parameters as fixtures
// (`afterAll((suite) => …)` and rest parameters throw), and the suite is always the last one.

type Hook = (fn: (...args: never[]) => unknown, timeout?: number) => void

export interface VitestApi {
  beforeAll: Hook
  afterAll: Hook
  beforeEach: Hook
  aroundAll?: Hook
  aroundEach?: Hook
}

interface TestContextLike {
  task: TaskLike
  onTestFinished(fn: () => unknown): void
}

/** `getFn`/`setFn` of `vitest/suite` (Vitest 3.2 and 4.0). */
export interface SuiteApi {
  getFn(task: TaskLike): ((...args: unknown[]) => unknown) | undefined
  setFn(task: TaskLike, fn: (...args: unknown[]) => unknown): void
}

/**
 * Vitest 4.1+ and 5: `aroundAll`/`aroundEach`. Everything a test's beforeEach, body, afterEach
 * and onTestFinished start runs in its scope (AsyncLocalStorage), `test.concurrent` included;
 * the checks run after the last of those, and after the last afterAll of the file.
 */
export function installAroundHooks(api: Required<VitestApi>, guard: FileGuard): void {
  api.aroundAll(function leakgateFile(this: unknown) {
    const runSuite = arguments[0] as () => Promise<void>
    const file = arguments[arguments.length - 1] as TaskLike
    guard.startHooks()
    return guard.file.run(async () => {
      await runSuite()
      const error = guard.finishFile(file)
      if (error) throw error
    })
  })
  api.aroundEach(function leakgateTest(this: unknown) {
    const runTest = arguments[0] as () => Promise<void>
    const test = (arguments[1] as TestContextLike).task
    const attempt = guard.startTest(test)
    return attempt.run(async () => {
      await runTest()
      const error = guard.finishTest(test, attempt)
      if (error) throw error
    })
  })
}

/**
 * Vitest 3.2 and 4.0 (no around hooks): each test body is wrapped with `setFn` once the file
 * is collected, so concurrent bodies keep their own scope; beforeEach/afterEach hooks get the
 * scope of the test that runs them through the attempt's `enter()`. The file check is
 * a setup-file afterAll, which runs last under the default `sequence.hooks: 'stack'`.
 */
export function installLegacyHooks(api: VitestApi, guard: FileGuard, suiteApi: SuiteApi): void {
  const wrapped = new WeakSet<object>()
  api.beforeAll(function leakgateWrapTests(this: unknown) {
    const file = arguments[arguments.length - 1] as TaskLike
    guard.startHooks()
    for (const test of testsOf(file)) {
      const fn = suiteApi.getFn(test)
      if (!fn || wrapped.has(fn)) continue
      const inScope = function (this: unknown, ...args: unknown[]) {
        const attempt = guard.currentAttempt(test)
        return attempt ? attempt.run(() => Reflect.apply(fn, this, args)) : Reflect.apply(fn, this, args)
      }
      wrapped.add(inScope)
      suiteApi.setFn(test, inScope)
    }
  })
  api.beforeEach(function leakgateTest(this: unknown) {
    const context = arguments[0] as TestContextLike
    const test = context.task
    const attempt = guard.startTest(test)
    attempt.enter()
    context.onTestFinished(() => {
      const error = guard.finishTest(test, attempt)
      if (error) throw error
    })
  })
  api.afterAll(function leakgateFile(this: unknown) {
    const file = arguments[arguments.length - 1] as TaskLike
    const error = guard.finishFile(file)
    if (error) throw error
  })
}
