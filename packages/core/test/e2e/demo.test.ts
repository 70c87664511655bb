import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'

// `npm run demo` as the README promises it: it says what will fail before the first red line,
// each runner (Vitest, Jest, node:test, Mocha) fails the four leaking tests and passes the other
// two, and the gate counts the same four leaks once per runner.

const repo = fileURLToPath(new URL('../../../../', import.meta.url))
let output = ''
let code: number | null = null

beforeAll(() => {
  const run = spawnSync(process.execPath, ['scripts/demo.mjs'], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' },
    timeout: 200_000,
  })
  output = `${run.stdout}${run.stderr}`
  code = run.status
}, 240_000)

describe('npm run demo', () => {
  test('passes, and says what will fail, and why, before the first failure', () => {
    expect(code, output.slice(-3000)).toBe(0)
    const intro = output.indexOf('these tests leak on purpose')
    expect(intro).toBeGreaterThan(-1)
    expect(intro).toBeLessThan(output.indexOf('FAIL'))
    expect(output).toContain('each runner fails those 4 tests')
  })

  test('the numbers line up: 4 failed and 2 passed in each runner, 16 violations at the gate', () => {
    expect(output).toMatch(/Tests +4 failed \| 2 passed \(6\)/) // Vitest
    expect(output).toMatch(/Tests: +4 failed, 2 passed, 6 total/) // Jest
    expect(output).toMatch(/ℹ pass 2\nℹ fail 4\n/) // node:test
    expect(output).toMatch(/ 2 passing \(\d+m?s\)\n +4 failing/) // Mocha
    expect(output.match(/leakgate: 4 violations \(net 2, exec 1, eval 1\), 1 allowed by rules/g)).toHaveLength(4)
    expect(output).toContain('✖ leakgate: 16 new violations (0 known, 4 allowed)')
  })

  // An unmocked `fetch` fails its test once: the LeakgateError, caused by fetch's TypeError.
  test('one failure per leak: Vitest numbers 4 errors, Jest shows each failed test once', () => {
    expect(output).toContain('[4/4]')
    expect(output).not.toContain('[5/5]')
    expect(output.match(/● charges a card/g)).toHaveLength(1)
  })
})
