// Where leakgate's home and docs are, for text that travels with the packages (help, doctor,
// package READMEs): absolute URLs, resolvable from an installed copy. This is the one place that
// names the repository; the root package.json's "repository" says the same, and a test keeps
// every package.json, package README and help text in line with it.

export const REPOSITORY_URL = 'https://github.com/leakgate/leakgate'

/** A docs page (with an optional #anchor) on the default branch: `docsUrl('cli.md#leakgate-init')`. */
export function docsUrl(page: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/${page}`
}
