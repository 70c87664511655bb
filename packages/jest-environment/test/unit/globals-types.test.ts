/// <reference types="@leakgate/jest-environment/globals" />
import type { AllowRules } from '@leakgate/core'
import { expectTypeOf, test } from 'vitest'

// Type-level: what users get from `/// <reference types="@leakgate/jest-environment/globals" />`.
test('the allowAudit global takes the same rules as allowAudit() from @leakgate/core', () => {
  expectTypeOf<typeof allowAudit>().parameter(0).toEqualTypeOf<AllowRules>()
  expectTypeOf<typeof allowAudit>().returns.toBeVoid()
})
