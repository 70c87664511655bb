import { beforeAll, describe, expect, test } from 'vitest'
import { nodes, probe } from '../helpers/probe.js'

// `{ project }` (issue 10.11) in a real process: the rule matches the call site (the first frame
// of the project's own code, relative to the root), whether it generates code itself or through a
// dependency; files it does not name, and dependencies called from elsewhere, are refused, and
// each message offers the rule that fits: `{ project: '<file>' }` for project code, `{ from }`
// for a dependency, `true` for code in the file that is running the check.

const PROJECT_PROBE = `
  const fs = require('node:fs'), os = require('node:os'), path = require('node:path')
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leakgate-project-')))
  const write = (file, text) => { fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true }); fs.writeFileSync(path.join(root, file), text) }
  write('node_modules/codegen/index.js', 'exports.make = (src) => new Function(src)')
  write('src/templates/engine.js', 'exports.compile = (src) => new Function("data", src); exports.viaDep = (src) => require("codegen").make(src)')
  write('src/lib.js', 'exports.compile = (src) => new Function(src)')
  const t = (fn) => { try { fn(); return 'ok' } catch (e) { return e.code + ' ' + (e.event && e.event.suggestion) } }
  core.install({ root, allow: { eval: [{ project: 'src/templates/*' }] } })
  core.tameRealm(globalThis)
  const engine = require(path.join(root, 'src/templates/engine.js'))
  const lib = require(path.join(root, 'src/lib.js'))
  const dep = require(path.join(root, 'node_modules/codegen'))
  const r = {
    engine: t(() => engine.compile('return data')),
    engineViaDependency: t(() => engine.viaDep('return 1')),
    lib: t(() => lib.compile('return 1')),
    dependencyFromElsewhere: t(() => dep.make('return 1')),
    here: t(() => new Function('return 1')),
  }
  r.allowed = [...core.getEngine().recorder.pending.values()].map(({ record: v }) => v.decision.rule + ' at ' + (v.callSite && v.callSite.file))
  fs.rmSync(root, { recursive: true, force: true })
  return r
`

describe.each(nodes)('{ project } rules on $label', ({ bin }) => {
  let r: Record<string, unknown>
  beforeAll(async () => {
    r = (await probe(bin, PROJECT_PROBE)).result
  })

  test('the named project files may generate code, directly or through a dependency', () => {
    expect(r.engine).toBe('ok')
    expect(r.engineViaDependency).toBe('ok')
    expect(r.allowed).toEqual(["{ project: 'src/templates/*' } at src/templates/engine.js"])
  })

  test('anything else is refused, offered the rule that fits its call site', () => {
    expect(r.lib).toBe("LEAKGATE_EVAL_BLOCKED { project: 'src/lib.js' }")
    expect(r.dependencyFromElsewhere).toBe("LEAKGATE_EVAL_BLOCKED { from: 'codegen' }")
    // The probe file itself is outside the root: not the project's, nothing narrower than true.
    expect(r.here).toBe('LEAKGATE_EVAL_BLOCKED true')
  })
})
