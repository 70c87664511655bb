// What `leakgate init` will do to one file: write it (edit or create), nothing (already set up),
// or leave it alone and print the lines to add (a shape it cannot edit safely).

export type Plan =
  | { kind: 'edit'; file: string; before: string | undefined; after: string; notes: string[] }
  | { kind: 'already'; file: string }
  | { kind: 'manual'; file: string; reason: string; lines: readonly string[] }
