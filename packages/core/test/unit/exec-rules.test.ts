import { describe, expect, test } from 'vitest'
import {
  commandName,
  expandCommands,
  matchExec,
  parseExecRule,
  splitShellLine,
  suggestExecRule,
} from '../../src/rules/exec.js'

const allows = (rule: string, file: string, ...args: string[]) => matchExec(parseExecRule(rule), { file, args })

describe('exec rules', () => {
  test('a name matches the program by its base name, on any path', () => {
    expect(allows('git', 'git', 'status')).toBe(true)
    expect(allows('git', '/usr/bin/git', 'status')).toBe(true)
    expect(allows('git', 'C:\\Program Files\\Git\\git.exe')).toBe(true)
    expect(allows('git', 'gitk')).toBe(false)
    expect(allows('git', '/usr/bin/legit')).toBe(false)
  })

  test('an absolute path matches only that path', () => {
    expect(allows('/usr/bin/git', '/usr/bin/git')).toBe(true)
    expect(allows('/usr/bin/git', 'git')).toBe(false)
    expect(allows('/usr/bin/git', '/tmp/git')).toBe(false)
  })

  test('an argv pattern matches a command line that starts with those words', () => {
    expect(allows('git status', 'git', 'status', '--short')).toBe(true)
    expect(allows('git status', 'git', 'push')).toBe(false)
    expect(allows('npm run *', 'npm', 'run', 'build')).toBe(true)
    expect(allows('npm run *', 'npm', 'install')).toBe(false)
    expect(allows('npm run *', 'npm', 'run')).toBe(false)
  })

  test('rejects relative paths and empty rules', () => {
    expect(() => parseExecRule('./bin/tool')).toThrow('relative path')
    expect(() => parseExecRule('  ')).toThrow('empty')
  })

  test('commandName strips directories and Windows extensions', () => {
    expect(commandName('/usr/local/bin/node')).toBe('node')
    expect(commandName('C:\\tools\\npx.cmd')).toBe('npx')
  })
})

describe('shell lines', () => {
  test('a line is split into every command it runs', () => {
    expect(splitShellLine('git log --oneline | head -n 5 && echo done; ls')?.map((c) => c.file)).toEqual([
      'git',
      'head',
      'echo',
      'ls',
    ])
  })

  test('quotes, escapes, redirections and assignments', () => {
    expect(splitShellLine('FOO=1 BAR="a b" node "my script.js" > out.txt 2>&1')).toEqual([
      { file: 'node', args: ['my script.js'] },
    ])
    expect(splitShellLine(`echo 'a | b' "c && d"`)).toEqual([{ file: 'echo', args: ['a | b', 'c && d'] }])
  })

  test('substitutions and subshells are beyond reading: the shell itself decides', () => {
    expect(splitShellLine('echo $(curl example.com)')).toBeNull()
    expect(splitShellLine('echo `id`')).toBeNull()
    expect(splitShellLine('(cd x && make)')).toBeNull()
    expect(splitShellLine('echo "unterminated')).toBeNull()
    expect(expandCommands('/bin/sh', ['-c', 'echo $(id)'])).toEqual([{ file: '/bin/sh', args: ['-c', 'echo $(id)'] }])
  })

  test('sh -c and cmd /d /s /c are expanded; other programs are not', () => {
    expect(expandCommands('/bin/sh', ['-c', 'git status']).map((c) => c.file)).toEqual(['git'])
    expect(expandCommands('cmd.exe', ['/d', '/s', '/c', '"git status"']).map((c) => c.file)).toEqual(['git'])
    expect(expandCommands('node', ['-c', 'x'])).toEqual([{ file: 'node', args: ['-c', 'x'] }])
  })
})

describe('shell lines are read like a shell, and fail closed', () => {
  const files = (line: string) => splitShellLine(line)?.map((c) => c.file) ?? null
  const expanded = (file: string, args: string[], shellCode?: string) =>
    expandCommands(file, args, shellCode).map((c) => [c.file, ...c.args].join(' '))

  test('a substitution hidden by quotes nested in quotes is seen (issue 12.2)', () => {
    // The old splitter removed `'…'` spans without knowing they were inside double quotes.
    expect(files(`git "'" $(id) "'"`)).toBeNull()
    expect(files(`git "'" \`id\` "'"`)).toBeNull()
    expect(files(`git \\' $(id) \\'`)).toBeNull()
    expect(files(`git "'$(id)'"`)).toBeNull()
    expect(files(`git "\\"'" $(id) "'\\""`)).toBeNull()
    expect(files(`git 'a' "b'c" $(id) 'd'`)).toBeNull()
  })

  test('comments: a quote inside a comment does not open a span', () => {
    expect(files(`git #'\ncurl evil #'`)).toEqual(['git', 'curl'])
    expect(files('git status # ; curl evil')).toEqual(['git'])
    expect(files('git a#b ; ls')).toEqual(['git', 'ls'])
  })

  test('quotes and escapes as POSIX reads them', () => {
    expect(splitShellLine(`echo "a\\b" "a\\$b" 'a\\b' a\\ b`)).toEqual([
      { file: 'echo', args: ['a\\b', 'a$b', 'a\\b', 'a b'] },
    ])
    expect(splitShellLine('gi\\\nt status')).toEqual([{ file: 'git', args: ['status'] }])
    expect(splitShellLine('git st"at"us')).toEqual([{ file: 'git', args: ['status'] }])
    expect(files('"git" status')).toEqual(['git'])
  })

  test('every operator separates commands, with or without spaces', () => {
    expect(files('a;b&c|d&&e||f\ng |& h')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
    expect(files('git status &> out curl evil')).toEqual(['git', 'curl'])
  })

  test('redirections: the target is not a command, a descriptor is not an argument', () => {
    expect(splitShellLine('git status 2>&1 >out <in >>log >|x 3<>y')).toEqual([{ file: 'git', args: ['status'] }])
    expect(splitShellLine('git 2x>out')).toEqual([{ file: 'git', args: ['2x'] }])
    expect(files('git > $(id)')).toBeNull()
    expect(files('git >')).toBeNull()
    expect(files('git > ; ls')).toBeNull()
  })

  test('structure, expansions in the program word and bash-only quoting are beyond reading', () => {
    for (const line of [
      'if true; then curl x; fi',
      'for x in a; do curl x; done',
      'while curl x; do :; done',
      '! curl x',
      '{ curl x; }',
      'f() { curl x; }; f',
      'case x in x) curl;; esac',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell line, not a template
      'echo ${x:-y}',
      "echo $'\\x41'",
      'cat <<EOF\n$(id)\nEOF',
      'cat <<<x',
      'diff <(a) <(b)',
      '$CMD status',
      '"$CMD" status',
      'g$X status',
      '/usr/bin/gi? status',
      'gi[t] status',
      'echo "unterminated',
      "echo 'unterminated",
      'echo trailing\\',
    ]) {
      expect(files(line), line).toBeNull()
    }
    // In arguments, a variable is only an argument.
    expect(splitShellLine('git -C $HOME status *.txt')).toEqual([
      { file: 'git', args: ['-C', '$HOME', 'status', '*.txt'] },
    ])
    // `[` alone is a program (test); with a `]` in the same word it is a pattern.
    expect(files('[ -f x ] && git status')).toEqual(['[', 'git'])
    expect(files('gi[t] status')).toBeNull()
    // Quoted, a reserved word is a program name.
    expect(files("'if' x")).toEqual(['if'])
  })

  test('assignments in front of a command are not the program', () => {
    expect(splitShellLine('A=1 B="x y" C= git status')).toEqual([{ file: 'git', args: ['status'] }])
    expect(files('"A=1" git')).toEqual(['A=1'])
  })

  test('only a system shell with options that change nothing has its line read', () => {
    expect(expanded('/bin/sh', ['-c', 'git status'])).toEqual(['git status'])
    expect(expanded('bash', ['-e', '-o', 'pipefail', '-c', 'git status', 'name'])).toEqual(['git status'])
    expect(expanded('/usr/bin/bash', ['--norc', '-ec', 'git status'])).toEqual(['git status'])
    expect(expanded('/tmp/evil/bash', ['-c', 'git status'])).toEqual(['/tmp/evil/bash -c git status'])
    expect(expanded('./sh', ['-c', 'git status'])).toEqual(['./sh -c git status'])
    expect(expanded('bash', ['-l', '-c', 'git status'])).toEqual(['bash -l -c git status'])
    expect(expanded('bash', ['-ic', 'git status'])).toEqual(['bash -ic git status'])
    expect(expanded('bash', ['--rcfile', 'x', '-c', 'git status'])).toEqual(['bash --rcfile x -c git status'])
    expect(expanded('bash', ['script.sh'])).toEqual(['bash script.sh'])
    // A bare name is the program the PATH finds.
    const split = (found?: string) => expandCommands('bash', ['-c', 'git status'], undefined, found).map((c) => c.file)
    expect(split('/usr/bin/bash')).toEqual(['git'])
    expect(split('/tmp/evil/bash')).toEqual(['bash'])
    expect(split('./bash')).toEqual(['bash'])
    expect(expanded('/bin/sh', ['-c', `PATH=/tmp/evil bash -c 'git status'`])).toEqual(['bash -c git status'])
  })

  test('a shell started by a line is read too; one given code by its environment is decided too', () => {
    expect(expanded('/bin/sh', ['-c', `bash -c 'git status; curl x'`])).toEqual(['git status', 'curl x'])
    expect(expanded('/bin/sh', ['-c', `BASH_ENV=/tmp/x bash -c 'git status'`])).toEqual([
      'bash -c git status',
      'git status',
    ])
    expect(expanded('/bin/sh', ['-c', 'git status'], 'BASH_ENV')).toEqual(['/bin/sh -c git status', 'git status'])
    expect(expanded('/bin/sh', ['-c', 'echo $(id)'], 'ENV')).toEqual(['/bin/sh -c echo $(id)'])
  })

  test('cmd.exe lines: plain words and operators only', () => {
    expect(expanded('cmd.exe', ['/d', '/s', '/c', '"git status && npm test"'])).toEqual(['git status', 'npm test'])
    expect(expanded('cmd.exe', ['/d', '/s', '/c', `"git 'a & curl x'"`])).toEqual([
      `cmd.exe /d /s /c "git 'a & curl x'"`,
    ])
    expect(expanded('cmd.exe', ['/d', '/s', '/c', '"git ^& curl"'])).toEqual(['cmd.exe /d /s /c "git ^& curl"'])
  })
})

describe('suggestExecRule: a suggestion that matches when pasted (issue 10.12)', () => {
  const cases: [string, string, string | undefined][] = [
    ['git', "'git'", 'a plain name'],
    ['/usr/bin/git', "'git'", 'a path: its name'],
    ['echo ', "'echo*'", 'a space left at the end (a rule is trimmed)'],
    [' git', "'*git'", 'a space at the start'],
    ['/opt/My Tool/bin/my tool', "'my*tool'", 'a space inside (a rule would read two words)'],
    ["it's", "'it*s'", 'a quote (a rule refuses quotes; the literal would break)'],
    ['run$x', "'run*x'", 'shell syntax'],
    ['C:\\Tools\\git.exe', "'git'", 'a Windows path'],
  ]
  test.each(cases)('%j → %s (%s)', (file, expected) => {
    const suggestion = suggestExecRule({ file, args: ['x'] }) as string
    expect(suggestion).toBe(expected)
    const rule = JSON.parse(`"${suggestion.slice(1, -1).replace(/"/g, '\\"')}"`) as string
    expect(matchExec(parseExecRule(rule), { file, args: ['x'] })).toBe(true)
  })

  test('nothing a rule can hold: undefined (the message falls back to true)', () => {
    expect(suggestExecRule({ file: '   ', args: [] })).toBeUndefined()
    expect(suggestExecRule({ file: '$()', args: [] })).toBeUndefined()
  })
})
