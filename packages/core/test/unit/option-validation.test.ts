import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { LeakgateError } from '../../src/errors.js'
import { compileRules, normalizeOptions } from '../../src/policy.js'
import { checkOptionKeys, OPTION_CHECKS, type OptionSpec } from '../../src/validate.js'

// Issue 11.2: every malformed option is refused, and the message names the key, the bad value,
// the valid forms and, when one is close, what was probably meant. One table, one message each.

const NET =
  "Valid forms: 'host', 'host:port', '*.example.com', '10.0.0.0/8', '[::1]:8080', a named range ('private', 'linkLocal', ...), { from: 'package' } or { project: 'path/*' }"
const EXEC =
  "Valid forms: a command name ('git'), an absolute path ('/usr/bin/git'), an argv pattern ('git status', 'npm run *'), { from: 'package' } or { project: 'path/*' }"
const LOCAL =
  "Valid forms: 'localhost', '*.localhost', '127.0.0.1', '[::1]', '10.0.0.0/8', a named range ('loopback', 'unspecified', 'private', ...)"
const EVAL =
  "Valid forms: true, { from: 'package' }, { project: 'src/templates/*' } (the project's own files) or 'benign' (the known-benign preset)"
const OPTIONS = 'Valid options: mode, allow, local, strict, inspectEval, root, sinkDir'
const OPT = 'invalid leakgate option'

/** The Vitest plugin's report key and the Jest reporter's options, as those adapters declare them. */
const REPORT: OptionSpec = { extra: { report: OPTION_CHECKS.outputFileOrFalse } }
const REPORTER: OptionSpec = {
  core: false,
  extra: { outputFile: OPTION_CHECKS.outputFile, silent: OPTION_CHECKS.boolean },
  label: (key) => `invalid option ${key} of the reporter 'r'`,
}

const CASES: [string, () => unknown, string][] = [
  [
    'array',
    () => normalizeOptions([] as never, {}),
    `${OPT} (options): expected an object like { mode: 'enforce', allow: { net: [...] } }, got an array ([])`,
  ],
  [
    'string',
    () => normalizeOptions('enforce' as never, {}),
    `${OPT} (options): expected an object like { mode: 'enforce', allow: { net: [...] } }, got "enforce"`,
  ],
  [
    'null',
    () => normalizeOptions(null as never, {}),
    `${OPT} (options): expected an object like { mode: 'enforce', allow: { net: [...] } }, got null`,
  ],
  [
    'number',
    () => normalizeOptions(42 as never, {}),
    `${OPT} (options): expected an object like { mode: 'enforce', allow: { net: [...] } }, got 42`,
  ],
  [
    'mdoe',
    () => normalizeOptions({ mdoe: 'report' } as never, {}),
    `${OPT} mdoe: unknown option; did you mean 'mode'? ${OPTIONS}`,
  ],
  [
    'Allow',
    () => normalizeOptions({ Allow: {} } as never, {}),
    `${OPT} Allow: unknown option; did you mean 'allow'? ${OPTIONS}`,
  ],
  [
    'inspecteval',
    () => normalizeOptions({ inspecteval: true } as never, {}),
    `${OPT} inspecteval: unknown option; did you mean 'inspectEval'? ${OPTIONS}`,
  ],
  [
    'locals',
    () => normalizeOptions({ locals: [] } as never, {}),
    `${OPT} locals: unknown option; did you mean 'local'? ${OPTIONS}`,
  ],
  [
    'sinkdir',
    () => normalizeOptions({ sinkdir: 'x' } as never, {}),
    `${OPT} sinkdir: unknown option; did you mean 'sinkDir'? ${OPTIONS}`,
  ],
  ['xyz', () => normalizeOptions({ xyz: 1 } as never, {}), `${OPT} xyz: unknown option. ${OPTIONS}`],
  [
    'longkey',
    () => normalizeOptions({ ['a'.repeat(100)]: 1 } as never, {}),
    `${OPT} aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…: unknown option. ${OPTIONS}`,
  ],
  [
    'enfoce',
    () => normalizeOptions({ mode: 'enfoce' } as never, {}),
    `${OPT} mode: "enfoce" is not a mode; did you mean 'enforce'? Valid forms: enforce, report, off`,
  ],
  [
    'Report',
    () => normalizeOptions({ mode: 'Report' } as never, {}),
    `${OPT} mode: "Report" is not a mode; did you mean 'report'? Valid forms: enforce, report, off`,
  ],
  [
    'mode strict',
    () => normalizeOptions({ mode: 'strict' } as never, {}),
    `${OPT} mode: "strict" is not a mode. Valid forms: enforce, report, off`,
  ],
  [
    'mode true',
    () => normalizeOptions({ mode: true } as never, {}),
    `${OPT} mode: true is not a mode. Valid forms: enforce, report, off`,
  ],
  [
    'mode empty',
    () => normalizeOptions({ mode: '' } as never, {}),
    `${OPT} mode: "" is not a mode. Valid forms: enforce, report, off`,
  ],
  [
    'strict str',
    () => normalizeOptions({ strict: 'true' } as never, {}),
    `${OPT} strict: expected true or false, got "true" (a string: write true without quotes)`,
  ],
  ['strict 1', () => normalizeOptions({ strict: 1 } as never, {}), `${OPT} strict: expected true or false, got 1`],
  [
    'ie yes',
    () => normalizeOptions({ inspectEval: 'yes' } as never, {}),
    `${OPT} inspectEval: expected true or false, got "yes"`,
  ],
  [
    'ie null',
    () => normalizeOptions({ inspectEval: null } as never, {}),
    `${OPT} inspectEval: expected true or false, got null`,
  ],
  [
    'root rel',
    () => normalizeOptions({ root: 'packages/app' }, {}),
    `${OPT} root: "packages/app" is relative; write an absolute path (path.resolve("packages/app") from here is ${path.resolve('packages/app')})`,
  ],
  [
    'root missing',
    () => normalizeOptions({ root: '/definitely/not/here' }, {}),
    `${OPT} root: "/definitely/not/here" does not exist; root is the project's directory`,
  ],
  [
    'root file',
    () => normalizeOptions({ root: '/etc/hostname' }, {}),
    `${OPT} root: "/etc/hostname" is not a directory; root is the project's directory`,
  ],
  ['root empty', () => normalizeOptions({ root: '' }, {}), `${OPT} root: expected a path, got ""`],
  ['root num', () => normalizeOptions({ root: 42 } as never, {}), `${OPT} root: expected a path, got 42`],
  [
    'root nul',
    () => normalizeOptions({ root: '/tmp\0x' }, {}),
    `${OPT} root: "/tmp\\u0000x" holds a NUL character; it is not a path`,
  ],
  ['sink num', () => normalizeOptions({ sinkDir: 42 } as never, {}), `${OPT} sinkDir: expected a path, got 42`],
  ['sink empty', () => normalizeOptions({ sinkDir: '' }, {}), `${OPT} sinkDir: expected a path, got ""`],
  [
    'local str',
    () => normalizeOptions({ local: 'loopback' } as never, {}),
    `${OPT} local: expected an array, got "loopback"; did you mean ['loopback']? ${LOCAL}`,
  ],
  [
    'loopbak',
    () => normalizeOptions({ local: ['loopbak'] }, {}),
    `${OPT} local[0]: "loopbak" is not a range name; did you mean 'loopback'? (for a host of that name, write 'loopbak.'). ${LOCAL}`,
  ],
  [
    'Loopback',
    () => normalizeOptions({ local: ['Loopback'] }, {}),
    `${OPT} local[0]: "Loopback" is not a range name (they are case-sensitive); did you mean 'loopback'? ${LOCAL}`,
  ],
  [
    'PRIVATE',
    () => normalizeOptions({ local: ['127.0.0.1', 'PRIVATE'] }, {}),
    `${OPT} local[1]: "PRIVATE" is not a range name (they are case-sensitive); did you mean 'private'? ${LOCAL}`,
  ],
  [
    'local port',
    () => normalizeOptions({ local: ['127.0.0.1:80'] }, {}),
    `${OPT} local[0]: "127.0.0.1:80" has a port; local names hosts and addresses, not ports. ${LOCAL}`,
  ],
  [
    'local star',
    () => normalizeOptions({ local: ['*'] }, {}),
    `${OPT} local[0]: "*" makes every host local, so no connection would be audited; to allow every host, write allow: { net: true }. ${LOCAL}`,
  ],
  ['local num', () => normalizeOptions({ local: [42] } as never, {}), `${OPT} local[0]: 42 is not a string. ${LOCAL}`],
  [
    'local 300',
    () => normalizeOptions({ local: ['300.1.1.1'] }, {}),
    `${OPT} local[0]: "300.1.1.1" is not a valid IPv4 address (four numbers from 0 to 255). ${LOCAL}`,
  ],
  [
    'unspecifed',
    () => normalizeOptions({ local: ['unspecifed'] }, {}),
    `${OPT} local[0]: "unspecifed" is not a range name; did you mean 'unspecified'? (for a host of that name, write 'unspecifed.'). ${LOCAL}`,
  ],
  [
    'local url',
    () => normalizeOptions({ local: ['http://localhost'] }, {}),
    `${OPT} local[0]: "http://localhost" is a URL; a rule names a host, optionally with a port (write 'localhost'). ${LOCAL}`,
  ],
  [
    'local empty',
    () => normalizeOptions({ local: [''] }, {}),
    `${OPT} local[0]: an empty string is not a rule. ${LOCAL}`,
  ],
  [
    'allow str',
    () => compileRules('net'),
    `${OPT} allow: expected an object like { net: [...], exec: [...], eval: [...] }, got "net"`,
  ],
  [
    'allow arr',
    () => compileRules([]),
    `${OPT} allow: expected an object like { net: [...], exec: [...], eval: [...] }, got []`,
  ],
  [
    'nett',
    () => compileRules({ nett: [] }),
    `${OPT} allow.nett: unknown category; did you mean 'net'? Valid forms: net, exec, eval`,
  ],
  [
    'Exec',
    () => compileRules({ Exec: [] }),
    `${OPT} allow.Exec: unknown category; did you mean 'exec'? Valid forms: net, exec, eval`,
  ],
  [
    'evals',
    () => compileRules({ evals: true }),
    `${OPT} allow.evals: unknown category; did you mean 'eval'? Valid forms: net, exec, eval`,
  ],
  [
    'network',
    () => compileRules({ network: [] }),
    `${OPT} allow.network: unknown category. Valid forms: net, exec, eval`,
  ],
  [
    'net str',
    () => compileRules({ net: 'api.example.com' }),
    `${OPT} allow.net: expected true or an array of rules, got "api.example.com"; did you mean ['api.example.com']? ${NET}`,
  ],
  ['net num', () => compileRules({ net: 42 }), `${OPT} allow.net: expected true or an array of rules, got 42. ${NET}`],
  ['net obj', () => compileRules({ net: {} }), `${OPT} allow.net: expected true or an array of rules, got {}. ${NET}`],
  ['net [42]', () => compileRules({ net: [42] }), `${OPT} allow.net[0]: 42 is not a rule. ${NET}`],
  ['net [null]', () => compileRules({ net: [null] }), `${OPT} allow.net[0]: null is not a rule. ${NET}`],
  [
    'net loopbak',
    () => compileRules({ net: ['loopbak'] }),
    `${OPT} allow.net[0]: "loopbak" is not a range name; did you mean 'loopback'? (for a host of that name, write 'loopbak.'). ${NET}`,
  ],
  [
    'net Private',
    () => compileRules({ net: ['Private'] }),
    `${OPT} allow.net[0]: "Private" is not a range name (they are case-sensitive); did you mean 'private'? ${NET}`,
  ],
  [
    'privte',
    () => compileRules({ net: ['privte:5432'] }),
    `${OPT} allow.net[0]: "privte:5432" is not a range name; did you mean 'private'? (for a host of that name, write 'privte.:5432'). ${NET}`,
  ],
  [
    'linklocal',
    () => compileRules({ net: ['linklocal'] }),
    `${OPT} allow.net[0]: "linklocal" is not a range name (they are case-sensitive); did you mean 'linkLocal'? ${NET}`,
  ],
  [
    '300',
    () => compileRules({ net: ['300.1.1.1'] }),
    `${OPT} allow.net[0]: "300.1.1.1" is not a valid IPv4 address (four numbers from 0 to 255). ${NET}`,
  ],
  [
    '5parts',
    () => compileRules({ net: ['1.2.3.4.5'] }),
    `${OPT} allow.net[0]: "1.2.3.4.5" is not a valid IPv4 address (four numbers from 0 to 255). ${NET}`,
  ],
  [
    '256 port',
    () => compileRules({ net: ['256.256.256.256:443'] }),
    `${OPT} allow.net[0]: "256.256.256.256:443" is not a valid IPv4 address (four numbers from 0 to 255). ${NET}`,
  ],
  [
    '999',
    () => compileRules({ net: ['10.0.0.999'] }),
    `${OPT} allow.net[0]: "10.0.0.999" is not a valid IPv4 address (four numbers from 0 to 255). ${NET}`,
  ],
  [
    '::1:80',
    () => compileRules({ net: ['::1:80'] }),
    `${OPT} allow.net[0]: "::1:80" is ambiguous: write '[::1]:80' for port 80 of ::1, or '[::1:80]' for the address. ${NET}`,
  ],
  [
    'fe80',
    () => compileRules({ net: ['fe80::1:8080'] }),
    `${OPT} allow.net[0]: "fe80::1:8080" is ambiguous: write '[fe80::1]:8080' for port 8080 of fe80::1, or '[fe80::1:8080]' for the address. ${NET}`,
  ],
  ['**', () => compileRules({ net: ['**'] }), `${OPT} allow.net[0]: "**" repeats a wildcard; did you mean '*'? ${NET}`],
  [
    '*.*',
    () => compileRules({ net: ['*.*'] }),
    `${OPT} allow.net[0]: "*.*" names no domain; write '*' to allow every host, or a domain such as '*.example.com'. ${NET}`,
  ],
  [
    '***',
    () => compileRules({ net: ['***.example.com'] }),
    `${OPT} allow.net[0]: "***.example.com" repeats a wildcard; did you mean '*.example.com'? ${NET}`,
  ],
  [
    '100k',
    () => compileRules({ net: ['a'.repeat(100000)] }),
    `${OPT} allow.net[0]: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" is 100000 characters long; a host name has at most 253. ${NET}`,
  ],
  [
    'label64',
    () => compileRules({ net: [`${'b'.repeat(64)}.com`] }),
    `${OPT} allow.net[0]: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb…" has a label of 64 characters; a label has at most 63. ${NET}`,
  ],
  [
    '.example',
    () => compileRules({ net: ['.example.com'] }),
    `${OPT} allow.net[0]: ".example.com" starts with a dot; did you mean '*.example.com'? ${NET}`,
  ],
  [
    'a..',
    () => compileRules({ net: ['a..example.com'] }),
    `${OPT} allow.net[0]: "a..example.com" has an empty label (two dots in a row). ${NET}`,
  ],
  [
    'port empty',
    () => compileRules({ net: ['api.example.com:'] }),
    `${OPT} allow.net[0]: "api.example.com:" has an empty port after ":" (0-65535 or *). ${NET}`,
  ],
  [
    'port http',
    () => compileRules({ net: ['api.example.com:http'] }),
    `${OPT} allow.net[0]: "api.example.com:http" has an invalid port "http" (0-65535 or *). ${NET}`,
  ],
  [
    'port 70000',
    () => compileRules({ net: ['api.example.com:70000'] }),
    `${OPT} allow.net[0]: "api.example.com:70000" has an invalid port "70000" (0-65535 or *). ${NET}`,
  ],
  [
    'port -1',
    () => compileRules({ net: ['api.example.com:-1'] }),
    `${OPT} allow.net[0]: "api.example.com:-1" has an invalid port "-1" (0-65535 or *). ${NET}`,
  ],
  [
    'url',
    () => compileRules({ net: ['https://api.example.com/v1'] }),
    `${OPT} allow.net[0]: "https://api.example.com/v1" is a URL; a rule names a host, optionally with a port (write 'api.example.com'). ${NET}`,
  ],
  [
    'comma',
    () => compileRules({ net: ['a.com, b.com'] }),
    `${OPT} allow.net[0]: "a.com, b.com" holds a comma; write one host per rule: 'a.com', 'b.com'. ${NET}`,
  ],
  [
    'space',
    () => compileRules({ net: ['a.com b.com'] }),
    `${OPT} allow.net[0]: "a.com b.com" holds a space; write one host per rule: 'a.com', 'b.com'. ${NET}`,
  ],
  [
    'bracket host',
    () => compileRules({ net: ['[example.com]:443'] }),
    `${OPT} allow.net[0]: "[example.com]:443": brackets hold an IPv6 address; did you mean 'example.com:443'? ${NET}`,
  ],
  ['[::1', () => compileRules({ net: ['[::1'] }), `${OPT} allow.net[0]: "[::1" has "[" without "]". ${NET}`],
  ['[::1]x', () => compileRules({ net: ['[::1]x'] }), `${OPT} allow.net[0]: "[::1]x" must be "[address]:port". ${NET}`],
  [
    'cidr33',
    () => compileRules({ net: ['10.0.0.0/33'] }),
    `${OPT} allow.net[0]: "10.0.0.0/33" is not a valid CIDR range. ${NET}`,
  ],
  [
    'v6 zz',
    () => compileRules({ net: ['2001:db8::zz'] }),
    `${OPT} allow.net[0]: "2001:db8::zz" is not a valid IPv6 address. ${NET}`,
  ],
  [
    'dollar',
    () => compileRules({ net: ['exa$mple.com'] }),
    `${OPT} allow.net[0]: "exa$mple.com" is neither a hostname, an IP address, a CIDR range nor a range name. ${NET}`,
  ],
  ['from empty', () => compileRules({ net: [{ from: '' }] }), `${OPT} allow.net[0]: {"from":""} is not a rule. ${NET}`],
  [
    'from bad',
    () => compileRules({ net: [{ from: 'Not A Package' }] }),
    `${OPT} allow.net[0]: "Not A Package" is not an npm package name. ${NET}`,
  ],
  [
    'form',
    () => compileRules({ net: [{ form: 'ajv' }] }),
    `${OPT} allow.net[0]: {"form":"ajv"} is not a rule; did you mean { from: 'ajv' }? ${NET}`,
  ],
  [
    'from extra',
    () => compileRules({ net: [{ from: 'ajv', extra: 1 }] }),
    `${OPT} allow.net[0]: {"from":"ajv","extra":1} is not a rule. ${NET}`,
  ],
  [
    'cidr port',
    () => compileRules({ net: ['192.168.1.0/24:99999'] }),
    `${OPT} allow.net[0]: "192.168.1.0/24:99999" has an invalid port "99999" (0-65535 or *). ${NET}`,
  ],
  [
    'exec str',
    () => compileRules({ exec: 'git' }),
    `${OPT} allow.exec: expected true or an array of rules, got "git"; did you mean ['git']? ${EXEC}`,
  ],
  [
    'git;rm',
    () => compileRules({ exec: ['git; rm -rf /'] }),
    `${OPT} allow.exec[0]: "git; rm -rf /" is a shell line (";"); a rule matches one program and its arguments, so write one rule per program: 'git', 'rm'. ${EXEC}`,
  ],
  [
    '&&',
    () => compileRules({ exec: ['git && npm test'] }),
    `${OPT} allow.exec[0]: "git && npm test" is a shell line ("&&"); a rule matches one program and its arguments, so write one rule per program: 'git', 'npm'. ${EXEC}`,
  ],
  [
    'pipe',
    () => compileRules({ exec: ['cat x | grep y'] }),
    `${OPT} allow.exec[0]: "cat x | grep y" is a shell line ("|"); a rule matches one program and its arguments, so write one rule per program: 'cat', 'grep'. ${EXEC}`,
  ],
  [
    '$HOME',
    () => compileRules({ exec: ['echo $HOME'] }),
    `${OPT} allow.exec[0]: "echo $HOME" holds a shell expansion ($HOME); a rule matches the words a program receives after the shell expanded them: write them as they arrive, with * for any part. ${EXEC}`,
  ],
  [
    'quotes',
    () => compileRules({ exec: ['git commit -m "msg"'] }),
    `${OPT} allow.exec[0]: "git commit -m \\"msg\\"" holds quotes ("); a rule matches the words a program receives after the shell expanded them: write them as they arrive, with * for any part. ${EXEC}`,
  ],
  [
    'redir',
    () => compileRules({ exec: ['ls > out.txt'] }),
    `${OPT} allow.exec[0]: "ls > out.txt" holds a redirection (>); a rule matches the words a program receives after the shell expanded them: write them as they arrive, with * for any part. ${EXEC}`,
  ],
  [
    'backtick',
    () => compileRules({ exec: ['echo `date`'] }),
    `${OPT} allow.exec[0]: "echo \`date\`" holds a command substitution (\`); a rule matches the words a program receives after the shell expanded them: write them as they arrive, with * for any part. ${EXEC}`,
  ],
  [
    'relative',
    () => compileRules({ exec: ['./bin/tool'] }),
    `${OPT} allow.exec[0]: "./bin/tool" is a relative path; use the command name or an absolute path. ${EXEC}`,
  ],
  [
    'exec long',
    () => compileRules({ exec: ['x'.repeat(2000)] }),
    `${OPT} allow.exec[0]: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" is 2000 characters long; an exec rule has at most 1024. ${EXEC}`,
  ],
  ['exec empty', () => compileRules({ exec: [''] }), `${OPT} allow.exec[0]: an empty string is not a rule. ${EXEC}`],
  [
    '&',
    () => compileRules({ exec: ['sleep 1 &'] }),
    `${OPT} allow.exec[0]: "sleep 1 &" is a shell line ("&"); a rule matches one program and its arguments, so write one rule per program. ${EXEC}`,
  ],
  [
    'eval ajv',
    () => compileRules({ eval: ['ajv'] }),
    `${OPT} allow.eval[0]: "ajv" is not an eval rule (for a package, write { from: 'ajv' }). ${EVAL}`,
  ],
  [
    'Benign',
    () => compileRules({ eval: ['Benign'] }),
    `${OPT} allow.eval[0]: "Benign" is not an eval rule; did you mean 'benign'? ${EVAL}`,
  ],
  [
    'eval str',
    () => compileRules({ eval: 'benign' }),
    `${OPT} allow.eval: expected true or an array of rules, got "benign"; did you mean ['benign']? ${EVAL}`,
  ],
  [
    'eval true',
    () => compileRules({ eval: [true] }),
    `${OPT} allow.eval[0]: true is not a rule; did you mean allow.eval: true (everything in this category)? ${EVAL}`,
  ],
  [
    'allowAudit',
    () => compileRules({ net: 'x.com' }, 'allowAudit()'),
    `${OPT} allowAudit().net: expected true or an array of rules, got "x.com"; did you mean ['x.com']? ${NET}`,
  ],
  [
    'env mode',
    () => normalizeOptions({}, { LEAKGATE_MODE: 'enfroce' }),
    `${OPT} LEAKGATE_MODE (environment): "enfroce" is not a mode; did you mean 'enforce'? Valid forms: enforce, report, off`,
  ],
  ['report 42', () => checkOptionKeys({ report: 42 }, REPORT), `${OPT} report: expected a file path or false, got 42`],
  [
    'report true',
    () => checkOptionKeys({ report: true }, REPORT),
    `${OPT} report: expected a file path or false, got true (the report is on by default)`,
  ],
  [
    'report slash',
    () => checkOptionKeys({ report: 'out/' }, REPORT),
    `${OPT} report: "out/" names a directory; name a file in it (out/leakgate-report.json)`,
  ],
  [
    'report under file',
    () => checkOptionKeys({ report: 'hostname/r.json' }, { ...REPORT, base: '/etc' }),
    `${OPT} report: "hostname/r.json" (/etc/hostname/r.json) cannot be created: hostname is a file, not a directory`,
  ],
  [
    'report dir',
    () => checkOptionKeys({ report: 'etc' }, { ...REPORT, base: '/' }),
    `${OPT} report: "etc" (/etc) is a directory; name a file`,
  ],
  [
    'managed',
    () => checkOptionKeys({ sinkDir: '/x' }, { managed: { sinkDir: 'the plugin manages its own sink' } }),
    `${OPT} sinkDir: the plugin manages its own sink`,
  ],
  [
    'outputfile',
    () => checkOptionKeys({ outputfile: 'x' }, REPORTER),
    `invalid option outputfile of the reporter 'r': unknown option; did you mean 'outputFile'? Valid options: outputFile, silent`,
  ],
  [
    'silent',
    () => checkOptionKeys({ silent: 'yes' }, REPORTER),
    `invalid option silent of the reporter 'r': expected true or false, got "yes"`,
  ],
]

describe('malformed options, each refused with its message', () => {
  test('the table holds at least 100 inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100)
  })

  test.each(CASES)('%s', (_name, run, message) => {
    let thrown: unknown
    try {
      run()
    } catch (error) {
      thrown = error
    }
    expect(LeakgateError.is(thrown)).toBe(true)
    const error = thrown as LeakgateError
    expect(error.code).toBe('LEAKGATE_INVALID_OPTION')
    expect(error.message).toBe(message)
    // The message alone: no frames of leakgate's own for a runner to print, no enumerable fields.
    expect(error.stack).toBe(`LeakgateError: ${message}`)
    expect(Object.keys(error)).toEqual([])
  })
})
