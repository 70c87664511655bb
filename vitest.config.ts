import { defineConfig } from 'vitest/config'

// The project's own tests. Run them through `npm test` (scripts/test.mjs), which builds the
// packages and runs everything inside a fresh network namespace.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/unit/**/*.test.ts'],
          // A hang detector, not a speed check: a few unit tests build reports of thousands of
          // events or start the CLI, and a loaded 2-core machine is several times slower.
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['packages/*/test/e2e/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
})
