import { describe, expect, test } from 'vitest'
import { GuardedPatches } from '../../src/integrity.js'
import { patchMethod, type Restore } from '../../src/interceptors/patch.js'

// The interceptors' patches the integrity check holds are the engine's list itself, not a copy
// taken when install() ended: an interceptor patches some things later (net.ts patches http's
// Agent at the first connect after `node:http` loaded), and each of those patches is checked
// and repaired at the end of a test like the ones made at install. Here the later patch is made
// on an object no builtin module exports (the surface tests mock is never checked), as an
// interceptor makes it: patchMethod pushing onto the list the check was handed.

function target() {
  return { open: (file: string) => `opened ${file}` }
}

describe('GuardedPatches', () => {
  test('a patch made before the interceptors are kept is checked and put back', () => {
    const restores: Restore[] = []
    const early = target()
    patchMethod(restores, early, 'open', (real) => (file: string) => real(`guarded ${file}`))
    const patches = new GuardedPatches()
    patches.keepInterceptors(restores)
    early.open = (file: string) => `bypassed ${file}`
    expect(patches.verify([])).toEqual(['an object.open was replaced or removed'])
    expect(early.open('x')).toBe('opened guarded x')
    expect(patches.verify([])).toEqual([])
  })

  test('a patch made after the interceptors were kept is checked and put back too', () => {
    const restores: Restore[] = []
    const patches = new GuardedPatches()
    patches.keepInterceptors(restores)
    const late = target()
    patchMethod(restores, late, 'open', (real) => (file: string) => real(`guarded ${file}`))
    expect(patches.verify([])).toEqual([])
    late.open = (file: string) => `bypassed ${file}`
    expect(patches.verify([])).toEqual(['an object.open was replaced or removed'])
    expect(late.open('x')).toBe('opened guarded x')
  })

  test('released, no patch is checked: uninstalled, they are gone on purpose', () => {
    const restores: Restore[] = []
    const patches = new GuardedPatches()
    patches.keepInterceptors(restores)
    const late = target()
    patchMethod(restores, late, 'open', (real) => (file: string) => real(`guarded ${file}`))
    patches.releaseInterceptors()
    late.open = (file: string) => `replaced ${file}`
    expect(patches.verify([])).toEqual([])
    expect(late.open('x')).toBe('replaced x')
  })
})
