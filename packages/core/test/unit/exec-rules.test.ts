import { describe, expect, test } from 'vitest'
import { commandName, expandCommands, matchExec, parseExecRule, splitShellLine } from '../../src/rules/exec.js'

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
