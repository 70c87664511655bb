import Module from 'node:module'
import * as vitest from 'vitest'
import { getFn, setFn } from 'vitest/suite'
import type { SuiteApi } from '../worker/hooks.js'
import { guardTestFile, type VitestModule } from '../worker/start.js'

// The setup file on Vitest 3.2 and 4.0, which have no around hooks: test bodies are wrapped
// through `vitest/suite` (gone in Vitest 5, which never loads this file). A static import, so
// Vite resolves it: a dynamic one is not found from the vm pools' context in Vitest 4.0.
// `node:module` as the test's context sees it: Vitest's own module class in the vm pools.
guardTestFile(vitest as unknown as VitestModule, { getFn, setFn } as unknown as SuiteApi, Module)
