import { style } from '../style.js'

// The status marks of `doctor` and `init` (✔ – ! ✖), coloured by status when colour is on.

export type Status = 'ok' | 'info' | 'warn' | 'fail'

const COLORS = { ok: 'green', info: 'dim', warn: 'yellow', fail: 'red' } as const

export function paint(color: boolean, status: Status, text: string): string {
  return style(color, COLORS[status], text)
}
