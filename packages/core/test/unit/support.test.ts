import { describe, expect, test } from 'vitest'
import { isSupportedVersion, unsupportedJestMessage } from '../../src/support.js'

// The framework lines the adapters run on (scripts/matrix.mjs), refused otherwise (issue 10.10).

describe('supported framework versions', () => {
  test.each([
    ['24.9.0', false],
    ['26.6.3', false],
    ['27.5.1', false],
    ['28.1.3', false],
    ['29.7.0', true],
    ['30.5.2', true],
    ['31.0.0', false],
    [undefined, undefined],
    ['next', undefined],
  ])('jest %s → %s', (version, supported) => {
    expect(isSupportedVersion('jest', version)).toBe(supported)
  })

  test.each([
    ['3.1.4', false],
    ['3.2.7', true],
    ['4.0.18', true],
    ['4.1.12', true],
    ['5.1.2', true],
    ['6.0.0', false],
    ['2.1.9', false],
  ])('vitest %s → %s', (version, supported) => {
    expect(isSupportedVersion('vitest', version)).toBe(supported)
  })

  test('the refusal names the version, the supported ones and the way out', () => {
    expect(unsupportedJestMessage('28.1.3')).toBe(
      '@leakgate/jest-environment supports Jest 29 and 30; this project runs Jest 28.1.3. Upgrade Jest to 29 or 30, ' +
        'or remove @leakgate/jest-environment from testEnvironment and its reporter from reporters.',
    )
    expect(unsupportedJestMessage('31.0.0')).toContain('Check for a newer @leakgate/jest-environment')
    expect(unsupportedJestMessage('27.0.0', '27 or older')).toContain('this project runs Jest 27 or older.')
    expect(unsupportedJestMessage('29.7.0')).toBeUndefined()
    expect(unsupportedJestMessage(undefined)).toBeUndefined()
  })
})
