// http-proxy-middleware's suite without a guard: the baseline.
import { defineConfig } from 'vitest/config'
import { suiteConfig } from './base.mjs'

export default defineConfig(suiteConfig())
