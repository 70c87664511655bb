import Module from 'node:module'
import * as vitest from 'vitest'
import { guardTestFile, type VitestModule } from '../worker/start.js'

// The setup file the plugin puts first in `setupFiles` on Vitest 4.1 and later (aroundEach).
// `node:module` as the test's context sees it: Vitest's own module class in the vm pools.
guardTestFile(vitest as unknown as VitestModule, undefined, Module)
