import type { Gate } from './gate.js'
import { formatGithub } from './github.js'
import { formatJson } from './json.js'
import { formatJunit } from './junit.js'
import { formatMarkdown } from './markdown.js'
import { formatSarif } from './sarif.js'
import { formatText } from './text.js'

export const FORMATS = ['text', 'json', 'markdown', 'github', 'junit', 'sarif'] as const
export type Format = (typeof FORMATS)[number]

export interface FormatOptions {
  /** Repository checkout for paths in annotations and SARIF (default: the current directory). */
  workspace: string
  color?: boolean
  /** Text: every row, violation and allowed event one by one. */
  details?: boolean
}

/** The gate's verdict in one output format. */
export function formatGate(gate: Gate, format: Format, options: FormatOptions): string {
  switch (format) {
    case 'json':
      return formatJson(gate)
    case 'markdown':
      return formatMarkdown(gate)
    case 'github': {
      const github: Parameters<typeof formatGithub>[1] = { workspace: options.workspace }
      if (gate.baselineFile !== undefined) github.baselineFile = gate.baselineFile
      return formatGithub(gate, github)
    }
    case 'junit':
      return formatJunit(gate)
    case 'sarif':
      return formatSarif(gate, { workspace: options.workspace })
    default: {
      const text: Parameters<typeof formatText>[1] = {}
      if (options.color !== undefined) text.color = options.color
      if (options.details !== undefined) text.details = options.details
      return formatText(gate, text)
    }
  }
}
