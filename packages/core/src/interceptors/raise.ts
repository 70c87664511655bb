// A refusal thrown by leakgate's own code, uncaught, would be reported under a header naming the
// throw: leakgate's file, its line of source, a caret. Node cannot name its own line for these
// (no Node code throws them; for process.dlopen Node names the caller's). Node prints no header
// for an error thrown from a source line that contains its marker, node-do-not-add-exception-line:
// the report is the error alone, whose message names the call site and whose stack starts at the
// caller's frame. The marker is a string on the throw's own line, as the bundle keeps strings and
// drops comments. Nothing is compiled for it: a copy of leakgate loaded after install (Jest loads
// one in each test file's module registry) must load with no code generation of its own.

/** Throws `error`, reported uncaught without leakgate's file or source as the header. */
export function raise(error: unknown): never {
  throw [error, 'node-do-not-add-exception-line'][0]
}
