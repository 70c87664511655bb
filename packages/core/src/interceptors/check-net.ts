import type { StackCapture } from '../attribution.js'
import type { Engine, Outcome } from '../engine.js'
import { formatNetTarget, type NetTarget } from '../rules/net.js'

type Skip = (...args: never[]) => unknown

/**
 * Decides a network target for any interceptor: shown, and suggested as the rule to add, the way
 * a rule is written (`host:port`, `[::1]:8080`; a name before DNS, an address after).
 */
export function checkNet(
  engine: Engine,
  event: string,
  target: NetTarget,
  args: readonly unknown[],
  skip: Skip,
  options: { shown?: string; suggestion?: string; stack?: StackCapture | undefined } = {},
): Outcome {
  const display = formatNetTarget(target)
  return engine.check({
    category: 'net',
    event,
    target: options.shown ?? display,
    decide: { category: 'net', target },
    args,
    suggestion: options.suggestion ?? `'${display}'`,
    skip,
    ...(options.stack ? { stack: options.stack } : {}),
  })
}
