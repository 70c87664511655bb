import type { Engine } from '../engine.js'
import { decodeDataUrl } from './module-loader.js'
import { patchMethod, type Restore } from './patch.js'
import { raise } from './raise.js'
import { checkCode } from './realm.js'

// ShadowRealm (`--experimental-shadow-realm`, Node 20+): a realm whose intrinsics no code of the
// caller's realm can reach (only primitives and wrapped functions cross its boundary), so it
// cannot be tamed from outside. What enters it is decided instead:
// - `ShadowRealm.prototype.evaluate(source)`: code from a string, decided as eval (event
//   `ShadowRealm.evaluate`);
// - `ShadowRealm.prototype.importValue(specifier, name)` of a `data:` URL: code from a string,
//   decided as `import(data:)` (a real file is loaded as a module is).
// Node gives a ShadowRealm no builtin module and no `process`: code in it has no network or
// processes to reach.
//
// Cannot see: code generation inside the realm by a module it imported from a real file
// (`Function` or `eval` of the ShadowRealm's own), and a wrapped function that
// `evaluate` (allowed) handed out. The wrapper is one frame (`ShadowRealm.evaluate`) in the
// stack of the code the realm runs.

type Skip = (...args: never[]) => unknown

export function installShadowRealm(engine: Engine, restores: Restore[]): void {
  const ShadowRealm = (globalThis as { ShadowRealm?: { prototype: Record<string, unknown> } }).ShadowRealm
  const proto = ShadowRealm?.prototype
  if (!proto) return
  patchMethod<(source: unknown) => unknown>(
    restores,
    proto,
    'evaluate',
    (real) =>
      function evaluate(this: unknown, source: unknown) {
        // A non-string is refused by ShadowRealm itself (TypeError), as without the guard.
        if (engine.active && typeof source === 'string') {
          const outcome = checkCode(engine, 'ShadowRealm.evaluate', source, [source], evaluate as Skip)
          if (!outcome.ok) raise(outcome.error)
        }
        return Reflect.apply(real, this, [source])
      },
  )
  patchMethod<(specifier: unknown, name: unknown) => unknown>(
    restores,
    proto,
    'importValue',
    (real) =>
      function importValue(this: unknown, specifier: unknown, name: unknown) {
        // ToString once, as ShadowRealm does: what is decided is what it imports.
        const text = typeof specifier === 'symbol' ? specifier : `${specifier as string}`
        if (engine.active && typeof text === 'string' && text.trimStart().toLowerCase().startsWith('data:')) {
          try {
            const outcome = checkCode(
              engine,
              'import(data:)',
              decodeDataUrl(text.trimStart()),
              [text],
              importValue as Skip,
              undefined,
              {
                untrusted: true,
              },
            )
            if (!outcome.ok) raise(outcome.error)
          } catch (error) {
            // importValue reports every failure as a rejection, never a throw.
            return Promise.reject(error)
          }
        }
        return Reflect.apply(real, this, [text, name])
      },
  )
}
