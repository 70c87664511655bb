import * as vitest from 'vitest'
import { getFn, setFn } from 'vitest/suite'
import type { SuiteApi } from '../worker/hooks.js'
import { guardTestFile, type VitestModule } from '../worker/start.js'

// The setup file on Vitest 3.2 and 4.0, which have no around hooks: test bodies are wrapped
// through `vitest/suite` (gone in Vitest 5, which never loads this file). A static import, so
// Vite resolves it: a dynamic one is not found from the vm pools' context in Vitest 4.0.
guardTestFile(vitest as unknown as VitestModule, { getFn, setFn } as unknown as SuiteApi)
