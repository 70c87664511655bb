import { describe, expect, test } from 'vitest'
import { checkVitestVersion, unsupported } from '../../src/support.js'

describe('checkVitestVersion', () => {
  test.each(['3.2.0', '3.2.7', '4.0.0', '4.1.12', '5.0.0-beta.3', '5.1.2'])('%s is supported', (version) => {
    expect(checkVitestVersion(version)).toBeUndefined()
  })

  test.each([
    ['2.1.9', 'Upgrade Vitest to 3.2 or later'],
    ['3.1.4', 'Upgrade Vitest to 3.2 or later'],
    ['6.0.0', 'Check for a newer @leakgate/vitest-plugin'],
  ])('%s is refused: %s', (version, advice) => {
    const problem = checkVitestVersion(version)
    expect(problem).toContain(`this project runs Vitest ${version}`)
    expect(problem).toContain(advice)
  })

  test('an unknown version is let through', () => {
    expect(checkVitestVersion(undefined)).toBeUndefined()
    expect(checkVitestVersion('local-build')).toBeUndefined()
  })

  test('the error says it is leakgate', () => {
    const error = unsupported('nope')
    expect(error.name).toBe('LeakgateUnsupportedError')
    expect(error.message).toBe('leakgate: nope')
    expect((error as Error & { code?: string }).code).toBe('LEAKGATE_UNSUPPORTED')
  })
})
