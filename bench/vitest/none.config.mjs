// The macro suite under Vitest without any guard: the baseline.
import { defineConfig } from 'vitest/config'
import { suiteConfig } from './base.mjs'

export default defineConfig(suiteConfig())
