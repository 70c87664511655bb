// The regression check of `npm run bench`: every ratio that has a limit in bench/targets.json
// must not move past it by more than the noise measured with it (its own p10–p90 spread).
// Goals are shown on the page; limits fail the run (exit code 1) with a message per ratio.
import fs from 'node:fs'
import path from 'node:path'

export function loadTargets(root) {
  return JSON.parse(fs.readFileSync(path.join(root, 'bench/targets.json'), 'utf8'))
}

/** Every ratio checked: { name, limit, median, noise, regressed }. */
export function checkRegressions(results, targets) {
  const checked = []
  const check = (name, limit, ratio) => {
    if (limit === undefined || !ratio) return
    const noise = ratio.spread[1] - ratio.spread[0]
    checked.push({ name, limit, median: ratio.median, noise, regressed: ratio.median > limit + noise })
  }
  for (const s of results.suites ?? []) check(`macro suite, ${s.label}`, targets.limits.suites?.[s.id], s.ratio)
  for (const run of results.real ?? []) {
    for (const s of run.suites)
      check(`${s.label}, Node ${run.node}`, limitFor(targets.limits.real?.[s.id], run.node), s.ratio)
  }
  return checked
}

/**
 * A real suite's limit: one number for every Node, or one per Node major (`{ "20": 1.1, "24": 1.2 }`),
 * since the same suite costs differently per Node (AsyncLocalStorage's promise hooks on 20 and 22).
 * A Node with no entry of its own takes `default`, or goes unchecked.
 */
export function limitFor(limit, node) {
  if (limit === undefined || typeof limit === 'number') return limit
  const major = String(node).replace(/^v/, '').split('.')[0]
  return limit[major] ?? limit.default
}

/** Prints the check; returns the exit code (1 when a ratio regressed). */
export function reportCheck(checked) {
  const regressed = checked.filter((c) => c.regressed)
  console.log(`\nregression check (bench/targets.json limits): ${checked.length} ratios`)
  for (const c of checked) {
    const line = `×${c.median.toFixed(3)} against limit ×${c.limit} + noise ${c.noise.toFixed(3)} (p10–p90)`
    console.log(`${c.regressed ? '✖ REGRESSED' : '✔'} ${c.name}: ${line}`)
  }
  if (regressed.length > 0) {
    console.error(
      `\nleakgate bench: ${regressed.length} ratio(s) moved past their limit by more than their noise: ${regressed.map((c) => c.name).join('; ')}. Find the change that cost it, or re-run on an idle machine; raise a limit in bench/targets.json only with a reason.`,
    )
    return 1
  }
  return 0
}
