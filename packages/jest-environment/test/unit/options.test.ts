import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LeakgateError } from '@leakgate/core'
import { describe, expect, test } from 'vitest'
import { readOptions } from '../../src/options.js'

// Real directories: a root must exist.
const RUN = os.tmpdir()
const ELSEWHERE = path.dirname(fileURLToPath(import.meta.url))

const config = (testEnvironmentOptions?: Record<string, unknown>) => ({
  globalConfig: { rootDir: RUN },
  projectConfig: { rootDir: '/project', ...(testEnvironmentOptions ? { testEnvironmentOptions } : {}) },
})

describe('readOptions', () => {
  test('no leakgate entry: defaults, with the run’s rootDir as root', () => {
    expect(readOptions(config())).toEqual({ root: RUN })
    expect(readOptions(config({ customExportConditions: ['node'] }))).toEqual({ root: RUN })
  })

  test('the user’s options win, root included', () => {
    expect(readOptions(config({ leakgate: { mode: 'report', root: ELSEWHERE } }))).toEqual({
      mode: 'report',
      root: ELSEWHERE,
    })
  })

  test('a leakgate entry that is not an object names the Jest config key', () => {
    const attempt = () => readOptions(config({ leakgate: ['enforce'] }))
    expect(attempt).toThrow(/testEnvironmentOptions: \{ leakgate: \{ \.\.\. \} \}/)
    try {
      attempt()
    } catch (error) {
      expect(LeakgateError.is(error) && error.code).toBe('LEAKGATE_INVALID_OPTION')
    }
  })

  test("an unknown option lists the options users set, without core's sinkDir", () => {
    const attempt = () => readOptions(config({ leakgate: { locl: ['127.0.0.1'] } }))
    expect(attempt).toThrow(
      /invalid leakgate option locl: unknown option; did you mean 'local'\? Valid options: mode, allow, local, strict, inspectEval, root\n/,
    )
    try {
      attempt()
    } catch (error) {
      expect(LeakgateError.is(error) && error.code).toBe('LEAKGATE_INVALID_OPTION')
    }
  })

  test('sinkDir is refused: it would take the events away from the reporter', () => {
    expect(() => readOptions(config({ leakgate: { sinkDir: '/tmp/elsewhere' } }))).toThrow(
      /invalid leakgate option sinkDir: the leakgate reporter manages where events go; set its `outputFile`/,
    )
  })
})
