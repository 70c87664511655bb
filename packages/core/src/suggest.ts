// "Did you mean": the candidate closest to what was typed, when one is close enough to be the
// intended word. Distance is the optimal string alignment (Levenshtein plus adjacent
// transpositions, each edit costs 1), compared case-insensitively: a word that differs only in
// case ('Private', 'outputfile') is always suggested.

/** Edit distance between `a` and `b` (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  if (a.length === 0) return b.length
  if (b.length === 0) return a.length
  // Three rows are enough: the transposition looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0)
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  let current = new Array<number>(b.length + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    current[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] as number) + 1)
      }
      current[j] = best
    }
    ;[before, previous, current] = [previous, current, before]
  }
  return previous[b.length] as number
}

/** How many edits still read as a typo of a word this long. */
function tolerance(length: number): number {
  if (length <= 2) return 0
  if (length <= 4) return 1
  return length <= 8 ? 2 : 3
}

/**
 * The candidate `input` most likely meant, or undefined when none is close. Longer inputs than
 * any candidate by far are not compared (a 100,000-character value is no typo of a key).
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase()
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const wanted = candidate.toLowerCase()
    // The shorter word sets the tolerance: two letters are no typo of anything.
    const allowed = tolerance(Math.min(wanted.length, typed.length))
    if (Math.abs(wanted.length - typed.length) > allowed) continue
    const distance = editDistance(typed, wanted)
    if (distance <= allowed && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** `; did you mean 'loopback'?`, or an empty string. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const found = closest(input, candidates)
  return found === undefined || found === input ? '' : `; did you mean '${found}'?`
}
