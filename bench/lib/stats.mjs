// Medians and spread of small samples. The spread is p10–p90 as the engine bench computes it;
// with fewer than ten samples that is the min–max.

const sorted = (xs) => [...xs].sort((a, b) => a - b)

export function median(xs) {
  const s = sorted(xs)
  if (s.length === 0) return Number.NaN
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** [p10, p90] (nearest rank). */
export function spread(xs) {
  const s = sorted(xs)
  if (s.length === 0) return [Number.NaN, Number.NaN]
  return [s[Math.floor(s.length * 0.1)], s[Math.ceil(s.length * 0.9) - 1]]
}

/** Median and spread of a sample, with its size. */
export function summarize(xs) {
  return { median: median(xs), spread: spread(xs), n: xs.length }
}
