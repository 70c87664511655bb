// http-proxy-middleware's suite with leakgate in enforce mode and the rules the suite needs.
import { leakgate } from '@leakgate/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { suiteConfig } from './base.mjs'

export default defineConfig(
  suiteConfig({
    plugins: [
      leakgate({
        mode: 'enforce',
        report: process.env.LEAKGATE_BENCH_REPORT ?? 'leakgate-report.json',
      }),
    ],
  }),
)
