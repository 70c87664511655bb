import type { Engine } from '../engine.js'
import { familyState } from './family-state.js'

// An operation decided by an upper layer is not decided again by the layer below: net's connect
// decides a name, then Node resolves it synchronously inside the real connect through the dns
// binding the dns interceptor guards (net.ts approves the call's name, dns.ts lets that name
// through). The approval is bound to the name net decided, kept in a private field only this
// module's functions reach: test code holding the state (`getEngine().interceptorState`) can
// neither grant one nor widen one to another name.

/** Runs `fn` with net's approval of `host`, so the dns layer does not decide that name again. */
export let runApproved: <T>(approvals: Approvals, host: string, fn: () => T) => T
/** Was `host` decided by the connect running now (the lookup Node makes inside it)? */
export let isApproved: (approvals: Approvals, host: unknown) => boolean

export class Approvals {
  /** Nesting depth of operations already decided by an upper layer (0 outside a call). */
  depth = 0
  /** The name the running connect decided, while it runs. */
  #host: string | undefined

  /** What a test left disturbed (checked and put back at the end of every test). */
  verify(): string[] {
    if (this.depth === 0 && this.#host === undefined) return []
    this.depth = 0
    this.#host = undefined
    return ["the net interceptors' approval depth was changed"]
  }

  static {
    runApproved = (approvals, host, fn) => {
      const outer = approvals.#host
      approvals.#host = host
      approvals.depth++
      try {
        return fn()
      } finally {
        approvals.depth--
        approvals.#host = outer
      }
    }
    isApproved = (approvals, host) => approvals.#host !== undefined && host === approvals.#host
  }
}

/** The approvals of this engine's network interceptors (net approves, dns reads). */
export function approvalsOf(engine: Engine): Approvals {
  return familyState(engine, 'net', () => new Approvals())
}
