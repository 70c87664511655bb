import type { Engine } from '../engine.js'
import { familyState } from './family-state.js'

// An operation decided by an upper layer is not decided again by the layer below: net's connect
// decides a name, then Node resolves it synchronously inside the real connect through the dns
// binding the dns interceptor guards (net.ts marks the call, dns.ts lets it through).

export class Approvals {
  /** Nesting depth of operations already decided by an upper layer. */
  depth = 0

  /** Runs `fn` with an upper layer's approval, so the layer below does not decide again. */
  run<T>(fn: () => T): T {
    this.depth++
    try {
      return fn()
    } finally {
      this.depth--
    }
  }
}

/** The approvals of this engine's network interceptors (net marks, dns reads). */
export function approvalsOf(engine: Engine): Approvals {
  return familyState(engine, 'net', () => new Approvals())
}
