// Which test framework versions the adapters run on: the lines scripts/matrix.mjs tests. The
// adapters refuse anything else at start, and `leakgate doctor` says the same.

export const SUPPORTED_FRAMEWORKS = {
  vitest: 'Vitest 3.2, 4.x and 5.x',
  jest: 'Jest 29 and 30',
} as const

export type SupportedFramework = keyof typeof SUPPORTED_FRAMEWORKS

function majorMinor(version: string | undefined): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version ?? '')
  return match ? [Number(match[1]), Number(match[2])] : undefined
}

/** Is this version of the framework one the adapters support? Undefined when it cannot be read. */
export function isSupportedVersion(framework: SupportedFramework, version: string | undefined): boolean | undefined {
  const parts = majorMinor(version)
  if (!parts) return undefined
  const [major, minor] = parts
  if (framework === 'jest') return major === 29 || major === 30
  return (major === 3 && minor >= 2) || major === 4 || major === 5
}

/**
 * The refusal for an unsupported Jest, naming the supported ones; undefined when `version` is
 * supported or cannot be read. `shown` is how the message names the version (default: itself).
 */
export function unsupportedJestMessage(version: string | undefined, shown = version): string | undefined {
  if (isSupportedVersion('jest', version) !== false) return undefined
  const major = majorMinor(version)?.[0] ?? 0
  const advice = major < 29 ? 'Upgrade Jest to 29 or 30' : 'Check for a newer @leakgate/jest-environment'
  return (
    `@leakgate/jest-environment supports ${SUPPORTED_FRAMEWORKS.jest}; this project runs Jest ${shown}. ${advice}, ` +
    'or remove @leakgate/jest-environment from testEnvironment and its reporter from reporters.'
  )
}
