import { describe, expect, test, vi } from 'vitest'
import { defineConfig } from 'vitest/config'
import { leakgate, setupFileFor } from '../../src/plugin.js'
import { PROVIDE_KEY } from '../../src/shared.js'

type Hook = (...args: unknown[]) => unknown
const hook = (plugin: unknown, name: string) => (plugin as Record<string, Hook>)[name] as Hook

function fakeVitest(version = '4.1.12') {
  return { version, config: { root: '/project', reporters: [] as unknown[] }, logger: { error: vi.fn() } }
}

function fakeProject(browser = false, setupFiles: string[] = []) {
  return { provide: vi.fn(), config: { browser: { enabled: browser }, setupFiles } }
}

describe('leakgate() plugin', () => {
  test('fits a Vitest config', () => {
    const config = defineConfig({ plugins: [leakgate({ allow: { exec: ['git'] } })] })
    expect(config.plugins).toHaveLength(1)
  })

  test('config puts the setup file first, once, and provides the options', () => {
    const plugin = leakgate({ allow: { net: ['localhost:5432'] } })
    const config: { root?: string; test?: { setupFiles?: string[]; provide?: Record<string, unknown> } } = {
      root: '/project',
      test: { setupFiles: ['./user-setup.ts'], provide: { other: 1 } },
    }
    hook(plugin, 'config')(config)
    hook(plugin, 'config')(config)
    const [first, ...rest] = config.test?.setupFiles ?? []
    expect(first).toMatch(/setup-modern\.mjs$/)
    expect(rest).toEqual(['./user-setup.ts'])
    expect(config.test?.provide).toEqual({
      other: 1,
      [PROVIDE_KEY]: { protocol: 1, options: { allow: { net: ['localhost:5432'] }, root: '/project' } },
    })
  })

  test('the setup file follows the Vitest version: around hooks from 4.1, vitest/suite before', () => {
    expect(setupFileFor('3.2.7')).toMatch(/setup-legacy\.mjs$/)
    expect(setupFileFor('4.0.18')).toMatch(/setup-legacy\.mjs$/)
    expect(setupFileFor('4.1.0')).toMatch(/setup-modern\.mjs$/)
    expect(setupFileFor('5.1.2')).toMatch(/setup-modern\.mjs$/)
    expect(setupFileFor(undefined)).toMatch(/setup-modern\.mjs$/)
  })

  test('configureVitest swaps in the setup file of the Vitest that runs', () => {
    const project = fakeProject(false, [setupFileFor('5.1.2'), '/project/user-setup.ts'])
    hook(leakgate(), 'configureVitest')({ vitest: fakeVitest('3.2.7'), project })
    expect(project.config.setupFiles).toEqual([setupFileFor('3.2.7'), '/project/user-setup.ts'])
  })

  test('config refuses browser mode', () => {
    const plugin = leakgate()
    expect(() => hook(plugin, 'config')({ test: { browser: { enabled: true } } })).toThrow(
      'leakgate: Vitest browser mode cannot be guarded',
    )
  })

  test('configureVitest adds one reporter per Vitest and gives every project its sink', () => {
    const plugin = leakgate()
    const vitest = fakeVitest()
    const one = fakeProject()
    const two = fakeProject()
    hook(plugin, 'configureVitest')({ vitest, project: one })
    hook(leakgate({ allow: { exec: ['echo'] } }), 'configureVitest')({ vitest, project: two })
    expect(vitest.config.reporters).toHaveLength(1)
    const payloadOne = one.provide.mock.calls[0]?.[1] as { options: { sinkDir?: string; root?: string } }
    const payloadTwo = two.provide.mock.calls[0]?.[1] as { options: { sinkDir?: string; allow?: unknown } }
    expect(payloadOne.options.root).toBe('/project')
    expect(payloadOne.options.sinkDir).toBeTruthy()
    expect(payloadTwo.options.sinkDir).toBe(payloadOne.options.sinkDir)
    expect(payloadTwo.options.allow).toEqual({ exec: ['echo'] })
  })

  test('configureVitest puts the setup file first in a project resolved without the config hook (Vitest 5)', () => {
    const project = fakeProject(false, ['/project/user-setup.ts'])
    hook(leakgate(), 'configureVitest')({ vitest: fakeVitest('5.1.2'), project })
    expect(project.config.setupFiles).toHaveLength(2)
    expect(project.config.setupFiles[0]).toMatch(/setup-modern\.mjs$/)
    hook(leakgate(), 'configureVitest')({ vitest: fakeVitest('5.1.2'), project })
    expect(project.config.setupFiles).toHaveLength(2)
  })

  test('configureVitest refuses an unsupported Vitest and a browser project', () => {
    expect(() => hook(leakgate(), 'configureVitest')({ vitest: fakeVitest('3.1.4'), project: fakeProject() })).toThrow(
      'this project runs Vitest 3.1.4',
    )
    expect(() => hook(leakgate(), 'configureVitest')({ vitest: fakeVitest(), project: fakeProject(true) })).toThrow(
      'browser mode',
    )
  })

  test('invalid options throw when the config is loaded', () => {
    expect(() => leakgate({ allow: { exec: [42 as never] } })).toThrow('invalid leakgate option allow.exec[0]')
  })
})
