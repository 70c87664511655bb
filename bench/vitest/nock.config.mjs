// The macro suite under Vitest with the peer for the network: nock's disableNetConnect(), with
// loopback allowed again (it guards neither exec nor eval).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { suiteConfig } from './base.mjs'

export default defineConfig(suiteConfig({ setupFiles: [fileURLToPath(new URL('../setup/nock.js', import.meta.url))] }))
