import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { nodes } from '../helpers/probe.js'

// `node --require @leakgate/core/register`: bad options stop the program before it runs, with
// the message alone on stderr (issue 11.2: it was an uncaught-exception dump of leakgate's
// frames, and `LEAKGATE_OPTIONS='[]'` was accepted).

const REGISTER = fileURLToPath(new URL('../../dist/register.cjs', import.meta.url))

function run(bin: string, env: Record<string, string>) {
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' }
  delete base.LEAKGATE_OPTIONS
  delete base.LEAKGATE_MODE
  delete base.LEAKGATE_SINK_DIR
  const result = spawnSync(bin, ['--require', REGISTER, '-e', 'console.log("the program ran")'], {
    encoding: 'utf8',
    env: { ...base, ...env },
    timeout: 60_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe.each(nodes)('register mode on $label', ({ bin }) => {
  test.each([
    [
      '[]',
      "leakgate: invalid leakgate option (options): expected an object like { mode: 'enforce', allow: { net: [...] } }, got an array ([])\n\n  in LEAKGATE_OPTIONS (environment)\n",
    ],
    [
      '{"local":["loopbak"]}',
      `leakgate: invalid leakgate option local[0]: "loopbak" is not a range name; did you mean 'loopback'? (for a host of that name, write 'loopbak.'). Valid forms: 'localhost', '*.localhost', '127.0.0.1', '[::1]', '10.0.0.0/8', a named range ('loopback', 'unspecified', 'private', ...)\n\n  in LEAKGATE_OPTIONS (environment)\n`,
    ],
    [
      '{"allow":{"exec":["git; rm"]}}',
      `leakgate: invalid leakgate option allow.exec[0]: "git; rm" is a shell line (";"); a rule matches one program and its arguments, so write one rule per program: 'git', 'rm'. Valid forms: a command name ('git'), an absolute path ('/usr/bin/git'), an argv pattern ('git status', 'npm run *'), { from: 'package' } or { project: 'path/*' }\n\n  in LEAKGATE_OPTIONS (environment)\n`,
    ],
    ['{mode: report}', 'leakgate: invalid leakgate option LEAKGATE_OPTIONS (environment): not valid JSON ('],
  ])('LEAKGATE_OPTIONS=%s stops the program with the message alone', (options, message) => {
    const result = run(bin, { LEAKGATE_OPTIONS: options })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.startsWith(message)).toBe(true)
    expect(result.stderr).not.toMatch(/^\s+at /m)
    expect(result.stderr).not.toContain('throw')
  })

  test('a LEAKGATE_MODE typo stops it too, with a did-you-mean', () => {
    const result = run(bin, { LEAKGATE_MODE: 'enfroce' })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      `leakgate: invalid leakgate option LEAKGATE_MODE (environment): "enfroce" is not a mode; did you mean 'enforce'? Valid forms: enforce, report, off\n`,
    )
  })

  test('good options: the program runs', () => {
    const result = run(bin, { LEAKGATE_OPTIONS: '{"mode":"report","allow":{"exec":["git"]}}' })
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe('the program ran\n')
    expect(result.code).toBe(0)
  })
})
