import { describe, expect, test } from 'vitest'
import { formatCommand, previewCode, redactArgv, redactCommandLine, redactUrls } from '../../src/redact.js'

describe('redaction', () => {
  test('URL credentials and secret query parameters', () => {
    expect(redactUrls('https://user:hunter2@api.example.com/x')).toBe('https://***@api.example.com/x')
    expect(redactUrls('https://api.example.com/x?token=abc123&page=2')).toBe(
      'https://api.example.com/x?token=***&page=2',
    )
    expect(redactUrls('https://api.example.com/x?api_key=zzz')).toBe('https://api.example.com/x?api_key=***')
  })

  test('secret flags, their values and token-shaped words in argv', () => {
    expect(redactArgv(['deploy', '--token=abc', '--password', 'hunter2', '--name', 'web'])).toEqual([
      'deploy',
      '--token=***',
      '--password',
      '***',
      '--name',
      'web',
    ])
    expect(redactArgv(['curl', '-H', 'ghp_abcdefghijklmnopqrstuvwxyz012345'])).toEqual(['curl', '-H', '***'])
    expect(redactArgv(['aws', 'AKIAABCDEFGHIJKLMNOP'])).toEqual(['aws', '***'])
    expect(redactArgv(['x', 'deadbeefdeadbeefdeadbeefdeadbeef00'])).toEqual(['x', '***'])
    expect(redactArgv(['git', 'status', '--short'])).toEqual(['git', 'status', '--short'])
  })

  test('shell lines keep their layout', () => {
    expect(redactCommandLine('API_TOKEN=s3cret curl https://u:p@host/x | jq .')).toBe(
      'API_TOKEN=*** curl https://***@host/x | jq .',
    )
  })

  test('commands are shown quoted when needed and truncated', () => {
    expect(formatCommand('echo', ['hello world'])).toBe("echo 'hello world'")
    expect(formatCommand('x', ['a'.repeat(300)]).length).toBeLessThanOrEqual(160)
  })

  test('code previews are one line, short, and mask secrets', () => {
    expect(previewCode('return a +\n\n   b')).toBe('return a + b')
    expect(previewCode(`fetch("https://x:y@h")`)).toBe('fetch("https://***@h")')
    expect(previewCode(`const k = "sk_live_abcdefghijklmnopqrstuvwx"`)).toBe('const k = "***"')
    const long = previewCode('x'.repeat(500))
    expect(long.length).toBe(80)
    expect(long.endsWith('…')).toBe(true)
  })
})
