import { styleText } from 'node:util'

// Terminal colour through Node's own util.styleText (Node 20.12+). Whether to colour at all is
// the caller's decision (the CLI's wantsColor: a TTY, NO_COLOR unset, FORCE_COLOR honoured), so
// styleText is told not to judge the stream itself (`validateStream`, Node 22.13+; older
// versions ignore the option and never judge).

export type StyleName = 'red' | 'green' | 'yellow' | 'bold' | 'dim'

export function style(color: boolean, name: StyleName, text: string): string {
  return color ? styleText(name, text, { validateStream: false }) : text
}
