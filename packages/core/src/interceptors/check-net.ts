import type { StackCapture } from '../attribution.js'
import type { Engine, Outcome } from '../engine.js'
import { parseAddress } from '../rules/address.js'
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
  // `127.0.0.1.` reads as an address only once its trailing dot is dropped: the resolver takes
  // it for a name and asks DNS for it. Shown (and allowed) with its dot, said so in the message.
  const dotted = target.host !== undefined && parseAddress(target.host) !== null
  return engine.check({
    category: 'net',
    event,
    target: options.shown ?? display,
    decide: { category: 'net', target },
    args,
    suggestion: options.suggestion ?? `'${display}'`,
    skip,
    ...(options.stack ? { stack: options.stack } : {}),
    ...(dotted
      ? {
          note: `"${target.host}." ends with a dot, so it is a DNS name, not the address ${target.host}: the resolver asks the network for it. Write "${target.host}" to use the address.`,
        }
      : {}),
  })
}
