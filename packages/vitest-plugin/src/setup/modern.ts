import * as vitest from 'vitest'
import { guardTestFile, type VitestModule } from '../worker/start.js'

// The setup file the plugin puts first in `setupFiles` on Vitest 4.1 and later (aroundEach).
guardTestFile(vitest as unknown as VitestModule)
