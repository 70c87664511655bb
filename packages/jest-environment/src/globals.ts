// Types of the `allowAudit` global that @leakgate/jest-environment installs in every test (no
// runtime code). Reference them once: `/// <reference types="@leakgate/jest-environment/globals" />`,
// or add "@leakgate/jest-environment/globals" to "types" in tsconfig.json.
import type { AllowRules } from '@leakgate/core'

declare global {
  /**
   * Allows operations for the running test, or for the whole file when called at its top level.
   * Rules merge with what is allowed already (config, file).
   *
   * ```ts
   * allowAudit({ net: ['staging.example.com:443'], exec: ['git'], eval: [{ from: 'ajv' }] })
   * ```
   */
  function allowAudit(rules: AllowRules): void
}
