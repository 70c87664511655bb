import { describe, expect, test } from 'vitest'
import { FORMATS, formatGate } from '../../../src/report/format.js'
import { evaluateGate } from '../../../src/report/gate.js'
import type { LeakgateReport, ReportEvent } from '../../../src/report/model.js'

// Records are redacted when they are created, but a report can come from an older or foreign
// writer. Every format masks again on the way out: URL credentials, secret flags, token shapes.

const GITHUB_TOKEN = `ghp_${'A1b2C3d4E5'.repeat(4)}`
const STRIPE_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'
const SECRETS = ['hunter2', GITHUB_TOKEN, STRIPE_KEY, 's3cr3t-value']

function event(overrides: Partial<ReportEvent>): ReportEvent {
  return {
    category: 'net',
    event: 'net.connect',
    target: 'api.example.com:443',
    scope: { file: 'test/a.test.ts', test: 'a', phase: 'test' },
    callSite: { file: 'src/a.ts', line: 1, column: 1 },
    decision: { allowed: false, reason: 'no-rule' },
    mode: 'report',
    blocked: false,
    code: 'LEAKGATE_NET_BLOCKED',
    message: 'reported net.connect',
    count: 1,
    framework: 'vitest',
    firstSeen: '2026-11-29T10:00:00.000Z',
    ...overrides,
  }
}

const report: LeakgateReport = {
  schemaVersion: 1,
  tool: { name: '@leakgate/core', version: '0.0.1' },
  runs: [
    { framework: 'vitest', node: 'v20.0.0', mode: 'report', root: '/repo', startedAt: '2026-11-29T10:00:00.000Z' },
  ],
  events: [
    event({
      event: 'fetch',
      target: 'https://user:hunter2@api.example.com/v1?token=s3cr3t-value',
      message: 'reported fetch of https://user:hunter2@api.example.com/v1',
    }),
    event({
      category: 'exec',
      event: 'child_process.spawn',
      target: `deploy --password=hunter2 ${GITHUB_TOKEN}`,
      message: `reported child_process.spawn of "deploy ${GITHUB_TOKEN}"`,
      scope: { file: 'test/b.test.ts', test: `uses ${STRIPE_KEY}`, phase: 'test' },
    }),
    event({
      category: 'exec',
      event: 'child_process.exec',
      target: 'curl https://ci:hunter2@registry.example.com',
      decision: { allowed: true, reason: 'rule', rule: 'curl', source: 'config' },
      message: 'curl allowed',
    }),
  ],
  summary: {
    violations: 2,
    allowed: 1,
    byCategory: {
      net: { violations: 1, allowed: 0 },
      exec: { violations: 1, allowed: 1 },
      eval: { violations: 0, allowed: 0 },
      tamper: { violations: 0, allowed: 0 },
    },
  },
}

describe('redaction in every format', () => {
  const gate = evaluateGate(report, {
    kind: 'leakgate-baseline',
    version: 1,
    entries: [{ category: 'net', target: 'https://old:hunter2@gone.example.com', file: 'test/c.test.ts' }],
  })
  for (const format of FORMATS) {
    test(format, () => {
      const output = formatGate(gate, format, { workspace: '/repo', details: true })
      for (const secret of SECRETS) expect(output).not.toContain(secret)
      expect(output).toContain('***')
    })
  }
})
