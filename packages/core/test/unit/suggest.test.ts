import { describe, expect, test } from 'vitest'
import { closest, didYouMean, editDistance } from '../../src/suggest.js'

describe('editDistance (optimal string alignment)', () => {
  test.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['net', 'net', 0],
    ['nett', 'net', 1],
    ['loopbak', 'loopback', 1],
    ['enfroce', 'enforce', 1], // an adjacent swap is one edit
    ['mdoe', 'mode', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // OSA, not full Damerau: no edit of a transposed pair
    ['private', 'Private', 1], // case counts here; closest() compares case-insensitively
  ])('%j → %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance)
    expect(editDistance(b, a)).toBe(distance)
  })
})

describe('closest', () => {
  const ranges = ['loopback', 'private', 'linkLocal', 'unspecified', 'multicast']

  test('a typo or another case finds the word', () => {
    expect(closest('loopbak', ranges)).toBe('loopback')
    expect(closest('Private', ranges)).toBe('private')
    expect(closest('linklocal', ranges)).toBe('linkLocal')
    expect(closest('unspecifed', ranges)).toBe('unspecified')
    expect(closest('outputfile', ['outputFile', 'silent'])).toBe('outputFile')
  })

  test('nothing close, nothing suggested: real host names stay host names', () => {
    for (const word of ['redis', 'postgres', 'db', 'api', 'localhost', 'minio', 'kafka']) {
      expect(closest(word, ranges)).toBeUndefined()
    }
    expect(closest('network', ['net', 'exec', 'eval'])).toBeUndefined()
  })

  test('short words allow fewer edits', () => {
    expect(closest('nt', ['net'])).toBeUndefined() // 2 characters: no edit allowed
    expect(closest('nett', ['net'])).toBe('net')
    expect(closest('nxyz', ['net'])).toBeUndefined()
  })

  test('the closest of several wins', () => {
    expect(closest('exex', ['exec', 'eval'])).toBe('exec')
  })

  test('a very long input is not compared at all', () => {
    expect(closest('a'.repeat(100_000), ranges)).toBeUndefined()
  })

  test('didYouMean phrases it, and says nothing for an exact match', () => {
    expect(didYouMean('mdoe', ['mode'])).toBe("; did you mean 'mode'?")
    expect(didYouMean('mode', ['mode'])).toBe('')
    expect(didYouMean('zzz', ['mode'])).toBe('')
  })
})
