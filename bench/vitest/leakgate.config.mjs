// The macro suite under Vitest with leakgate in enforce mode and the rules the suite needs:
// loopback is this machine already; `true` and `echo` may run; Handlebars may compile.
import { leakgate } from '@leakgate/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { suiteConfig } from './base.mjs'

export default defineConfig(
  suiteConfig({
    plugins: [
      leakgate({
        mode: 'enforce',
        allow: { exec: ['true', 'echo'], eval: [{ from: 'handlebars' }] },
        report: process.env.LEAKGATE_BENCH_REPORT ?? 'leakgate-report.json',
      }),
    ],
  }),
)
