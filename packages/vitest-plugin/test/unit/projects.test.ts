import { describe, expect, test } from 'vitest'
import { leakgate, unreachedInlineProjects, unreachedProjectsMessage } from '../../src/plugin.js'

// Which inline projects leakgate() in the root config cannot reach (issue 10.9).

describe('unreachedInlineProjects', () => {
  const own = leakgate()

  test('before Vitest 5, an inline project without extends (or extends: false) and no leakgate() of its own', () => {
    const projects = [
      { test: { name: 'unit' } },
      { extends: false, test: { name: { label: 'api', color: 'red' } } },
      { extends: true, test: { name: 'extends' } },
      { extends: false, plugins: [own], test: { name: 'own' } },
      { plugins: [[own]], test: { name: 'nested' } },
      { extends: './base.config.ts', test: { name: 'from-file' } },
      'packages/*',
      { test: {} },
    ]
    expect(unreachedInlineProjects(projects, '4.1.12')).toEqual(['unit', 'api', '#8'])
    expect(unreachedInlineProjects(projects, '3.2.7')).toEqual(['unit', 'api', '#8'])
  })

  test('from Vitest 5 an inline project extends the root config unless it says extends: false', () => {
    expect(
      unreachedInlineProjects([{ test: { name: 'unit' } }, { extends: false, test: { name: 'off' } }], '5.1.2'),
    ).toEqual(['off'])
  })

  test('no projects, or a Vitest version it cannot read: nothing refused', () => {
    expect(unreachedInlineProjects(undefined, '4.1.12')).toEqual([])
    expect(unreachedInlineProjects([{ test: { name: 'unit' } }], undefined)).toEqual([])
  })

  test('the message names the projects and what to add', () => {
    const message = unreachedProjectsMessage(['unit'])
    expect(message).toContain('the Vitest project "unit" is not guarded')
    expect(message).toContain("projects: [{ extends: true, test: { name: 'unit', … } }]")
    expect(message).toContain("plugins: [leakgate({ mode: 'off' })]")
  })
})
