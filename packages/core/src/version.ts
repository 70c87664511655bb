import packageJson from '../package.json' with { type: 'json' }

/** The version of @leakgate/core, recorded in reports. */
export const VERSION: string = packageJson.version
