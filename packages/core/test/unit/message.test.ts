import { describe, expect, test } from 'vitest'
import type { AuditRecord } from '../../src/events.js'
import { formatRecordedViolation, formatShortMessage, formatViolation, retellViolation } from '../../src/message.js'

const record: AuditRecord = {
  v: 1,
  category: 'net',
  event: 'net.connect',
  target: 'api.stripe.com:443',
  scope: { file: 'test/payments.test.ts', test: 'charges a card', phase: 'test' },
  callSite: { file: 'src/payments/client.ts', line: 42, column: 11 },
  package: 'stripe',
  via: { file: 'node_modules/stripe/cjs/net/NodeHttpClient.js', line: 55, column: 23 },
  decision: { allowed: false, reason: 'no-rule' },
  mode: 'enforce',
  blocked: true,
  code: 'LEAKGATE_NET_BLOCKED',
  message: '',
  count: 1,
  pid: 1,
  threadId: 0,
  time: 0,
}

describe('messages', () => {
  test('the house-style message, line for line', () => {
    expect(formatViolation(record, { rules: ['localhost', '127.0.0.0/8'], suggestion: "'api.stripe.com:443'" })).toBe(
      [
        'blocked net.connect to "api.stripe.com:443" (LEAKGATE_NET_BLOCKED)',
        '',
        '  test       test/payments.test.ts > charges a card',
        '  called at  src/payments/client.ts:42:11',
        '  via        stripe (node_modules/stripe/cjs/net/NodeHttpClient.js:55:23)',
        '  policy     no rule matched; allow.net = ["localhost", "127.0.0.0/8"]',
        '',
        "  To allow it in this test:  allowAudit({ net: ['api.stripe.com:443'] })",
      ].join('\n'),
    )
  })

  test('the first line stands alone, for each category', () => {
    expect(
      formatShortMessage(
        {
          ...record,
          category: 'exec',
          event: 'child_process.exec',
          target: 'git status',
          code: 'LEAKGATE_EXEC_BLOCKED',
        },
        true,
      ),
    ).toBe('blocked child_process.exec of "git status" (LEAKGATE_EXEC_BLOCKED)')
    expect(formatShortMessage({ ...record, event: 'dns.lookup', target: 'example.com', mode: 'report' }, false)).toBe(
      'would block dns.lookup of "example.com" (LEAKGATE_NET_BLOCKED; report mode: not blocked)',
    )
    // Not refused in enforce mode: code that inspectEval saw after it ran.
    expect(
      formatShortMessage(
        { ...record, category: 'eval', event: 'eval', target: '2 + 2', code: 'LEAKGATE_EVAL_BLOCKED', mode: 'enforce' },
        false,
      ),
    ).toBe('detected eval of "2 + 2" after it ran (LEAKGATE_EVAL_BLOCKED)')
  })

  test('file-level phases tell where to put the allowance', () => {
    const late = formatViolation(
      { ...record, scope: { ...record.scope, phase: 'late' } },
      { rules: [], suggestion: "'x'" },
    )
    expect(late).toContain('charges a card (after the test ended)')
    expect(late).toContain('policy     no rule matched; allow.net = []')
    // The file's own top-level code: an allowAudit() above it allows it.
    const imported = formatViolation(
      {
        ...record,
        category: 'eval',
        scope: { file: 'a.test.js', phase: 'import' },
        callSite: { file: 'a.test.js', line: 3, column: 1 },
      },
      { rules: [], suggestion: "{ from: 'ajv' }" },
    )
    expect(imported).toContain('a.test.js (while importing the file)')
    expect(imported).toContain("To allow it in this file (at its top):  allowAudit({ eval: [{ from: 'ajv' }] })")
    // A module the file imports (express loading depd): static imports run before the file's
    // first line, so only the config can allow it.
    for (const callSite of [undefined, { file: 'src/app.js', line: 2, column: 1 }]) {
      const { callSite: _, ...rest } = record
      const fromImport = formatViolation(
        {
          ...rest,
          ...(callSite ? { callSite } : {}),
          category: 'eval',
          scope: { file: 'a.test.js', phase: 'import' },
        },
        { rules: [], suggestion: "{ from: 'depd' }" },
      )
      expect(fromImport).toContain(
        "To allow it in the config (the file's imports run before its first line):  allow: { eval: [{ from: 'depd' }] }",
      )
      expect(fromImport).not.toContain('allowAudit(')
    }
    // A helper called from a describe body: the adapter knows the file's own code runs, so an
    // allowAudit() at its top is in force (issue 10.12).
    const inDescribe = formatViolation(
      {
        ...record,
        category: 'eval',
        scope: { file: 'a.test.js', phase: 'import' },
        callSite: { file: 'src/templates.js', line: 2, column: 1 },
      },
      { rules: [], suggestion: 'true', fileTop: true },
    )
    expect(inDescribe).toContain('To allow it in this file (at its top):  allowAudit({ eval: true })')
    const run = formatViolation({ ...record, scope: { phase: 'run' } }, { rules: [], suggestion: 'true' })
    expect(run).toContain('To allow it in the config:  allow: { net: true }')
  })
})

describe('retellViolation: a violation message kept by a library and shown in a later test (issue 10.12)', () => {
  const message = [
    'blocked child_process.spawn of "esbuild --service" (LEAKGATE_EXEC_BLOCKED)',
    '',
    '  test       a.test.js > first',
    "  To allow it in this test:  allowAudit({ exec: ['esbuild'] })",
  ].join('\n')
  const scope = { file: 'a.test.js', phase: 'test' as const, test: 'first' }

  test('names the test that started it and the top of the file, wherever the text carries it', () => {
    const text = `Error: The service is no longer running: ${message}\n    at x (/p/a.js:1:1)`
    const told = retellViolation(text, message, scope)
    expect(told).toContain(
      'To allow it in the test that started it ("first"), or for every test at the top of the file:  allowAudit({ exec: [\'esbuild\'] })',
    )
    expect(told).not.toContain('in this test')
    expect(told.startsWith('Error: The service is no longer running: blocked child_process.spawn')).toBe(true)
    expect(told.endsWith('    at x (/p/a.js:1:1)')).toBe(true)
  })

  test('text without the message, or a violation outside any test, is left as it is', () => {
    expect(retellViolation('Error: other', message, scope)).toBe('Error: other')
    expect(retellViolation(message, message, { phase: 'import', file: 'a.test.js' })).toBe(message)
  })
})

describe('formatRecordedViolation: a violation known only as a record (a child process, a worker thread)', () => {
  // Both adapters rebuilt this text on their own: Jest's left out the phase and the package's
  // frame, Vitest's said only the phase of late work; it is now the thrown error's facts.
  test('its first line, then the facts the thrown error shows, the phase and the frame included', () => {
    const child: AuditRecord = {
      ...record,
      message: 'blocked net.connect to "api.stripe.com:443" (LEAKGATE_NET_BLOCKED)',
      scope: { file: 'test/payments.test.ts', phase: 'import' },
      origin: 'child',
      pid: 4242,
    }
    expect(formatRecordedViolation(child)).toBe(
      [
        'blocked net.connect to "api.stripe.com:443" (LEAKGATE_NET_BLOCKED)',
        '',
        '  test       test/payments.test.ts (while importing the file)',
        '  called at  src/payments/client.ts:42:11',
        '  via        stripe (node_modules/stripe/cjs/net/NodeHttpClient.js:55:23)',
        '  in         a child process (pid 4242)',
      ].join('\n'),
    )
    expect(formatRecordedViolation({ ...child, origin: 'worker' })).toContain('  in         a worker thread')
  })
})
