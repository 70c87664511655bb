// Start-up of leakgate in a bare process: load the package, install with the macro suite's
// rules, tame this realm. Prints one JSON line of milliseconds. `npm run bench` runs it in many
// fresh processes.
const start = performance.now()
const core = require('@leakgate/core')
const loaded = performance.now()
core.install({ mode: 'enforce', allow: { exec: ['true', 'echo'], eval: [{ from: 'handlebars' }] } })
const installed = performance.now()
core.tameRealm(globalThis)
const tamed = performance.now()
console.log(
  JSON.stringify({ load: loaded - start, install: installed - loaded, tame: tamed - installed, total: tamed - start }),
)
