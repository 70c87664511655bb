import type { Engine } from '../engine.js'

// State an interceptor family shares between its own modules: the code generation wrappers, the
// realm taming and the inspector (code-generation.ts); net's connect and the dns layer below it
// (approvals.ts). It is the family's, not the engine's: the engine only holds it, because the
// engine is the one object every copy of the package in a process shares (the ESM and CJS builds,
// the preload, a copy loaded inside a test's realm). In a module of one copy, the inspector one
// copy started would not see what the wrappers of the copy that installed decided. A family looks
// its state up once, when it installs or tames a realm, never on a call it intercepts.
//
// Test code reaches the state too (`getEngine().interceptorState`): each family's state offers
// `verify()`, which the integrity check at the end of every test calls (integrity.ts). It returns
// what was left disturbed (a counter that is 0 outside a call and is not) and puts it back.

/** A family's state: what the end of a test checks. */
export interface FamilyState {
  /** What a test left disturbed, described; puts it back. Empty when intact. */
  verify(): string[]
}

/** The state of `family` on this engine, created on first use. */
export function familyState<T extends FamilyState>(engine: Engine, family: string, create: () => T): T {
  let state = engine.interceptorState.get(family) as T | undefined
  if (state === undefined) {
    state = create()
    engine.interceptorState.set(family, state)
  }
  return state
}
