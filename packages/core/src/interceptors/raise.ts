const vm = process.getBuiltinModule('node:vm')

// A refusal thrown by leakgate's own code, uncaught, would be reported under a header naming the
// throw: leakgate's file, its line of source, a caret. Node cannot name its own line for these
// (no Node code throws them; for process.dlopen Node names the caller's). So they are thrown from
// a line carrying Node's marker for "no exception line": the report is the error alone, whose
// message names the call site and whose stack starts at the caller's frame. Compiled at load,
// before anything is patched.
const thrower = vm.compileFunction('throw error // node-do-not-add-exception-line', ['error'], {
  filename: 'leakgate:refusal',
})

/** Throws `error`, reported uncaught without leakgate's file or source as the header. */
export const raise: (error: unknown) => never = thrower as (error: unknown) => never
