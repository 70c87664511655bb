import { describe, expect, test } from 'vitest'
import { record } from '../../../core/test/support/record.js'
import { fullName, META_KEY, setMeta, type TaskLike, testsOf } from '../../src/worker/tasks.js'

function file(): TaskLike {
  const root: TaskLike = { id: 'f', name: 'tests/a.test.js', type: 'suite', meta: {}, tasks: [] }
  Object.assign(root, { filepath: '/p/tests/a.test.js' })
  const outer: TaskLike = { id: 'o', name: 'outer', type: 'suite', suite: root, file: root, meta: {}, tasks: [] }
  const inner: TaskLike = { id: 'i', name: 'inner', type: 'suite', suite: outer, file: root, meta: {}, tasks: [] }
  const top: TaskLike = { id: 't1', name: 'top', type: 'test', suite: root, file: root, meta: {} }
  const deep: TaskLike = { id: 't2', name: 'deep', type: 'test', suite: inner, file: root, meta: {} }
  inner.tasks = [deep]
  outer.tasks = [inner]
  root.tasks = [top, outer]
  return root
}

describe('tasks', () => {
  test('fullName joins describe blocks, without the file', () => {
    const [top, outer] = file().tasks as [TaskLike, TaskLike]
    const deep = outer.tasks?.[0]?.tasks?.[0] as TaskLike
    expect(fullName(top)).toBe('top')
    expect(fullName(deep)).toBe('outer > inner > deep')
  })

  test('testsOf finds nested tests', () => {
    expect(testsOf(file()).map((test) => test.name)).toEqual(['top', 'deep'])
  })

  test('setMeta stores copies, and leaves clean tasks alone', () => {
    const task: TaskLike = { id: 'x', name: 'x', type: 'test', meta: {} }
    setMeta(task, [])
    expect(task.meta).toEqual({})
    const violation = record()
    setMeta(task, [violation])
    expect(task.meta[META_KEY]).toEqual({ v: 1, violations: [violation] })
    expect((task.meta[META_KEY] as { violations: unknown[] }).violations[0]).not.toBe(violation)
  })
})
