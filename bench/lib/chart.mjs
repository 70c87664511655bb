// The ratios as a small SVG bar chart, no charting dependency: one panel per measure, each with
// its own scale, a bar from 1.0 to the median ratio, a whisker over its spread, and the target
// (when there is one) as a dashed line.

const WIDTH = 760
const LABEL = 300
const RIGHT = 70
const ROW = 26
const PANEL_HEAD = 56
const escapeXml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]

/** A scale that holds 1.0, the target and every value, with at most 8 ticks. */
function scaleOf({ target, rows }) {
  const values = [1, ...(target ? [target] : []), ...rows.flatMap((r) => [r.median, ...r.spread])]
  const min = Math.min(...values)
  const max = Math.max(...values)
  const step = STEPS.find((candidate) => (max - min) / candidate <= 7) ?? 100
  const low = Math.max(0, Math.floor((min - step / 4) / step) * step)
  const high = Math.ceil((max + step / 4) / step) * step
  return { low, high, step }
}

function panel({ title, target, rows }, top) {
  const { low, high, step } = scaleOf({ target, rows })
  const plot = WIDTH - LABEL - RIGHT
  const x = (value) => LABEL + ((Math.min(Math.max(value, low), high) - low) / (high - low)) * plot
  const height = PANEL_HEAD + rows.length * ROW + 24
  const parts = [`<text x="12" y="${top + 22}" class="title">${escapeXml(title)}</text>`]
  const bottom = top + PANEL_HEAD + rows.length * ROW
  const digits = step < 0.1 ? 2 : step < 1 ? 1 : 0
  for (let i = 0; low + i * step <= high + 1e-9; i++) {
    const tick = low + i * step
    const tx = x(tick).toFixed(1)
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${top + PANEL_HEAD - 6}" y2="${bottom}" class="grid"/>`)
    parts.push(`<text x="${tx}" y="${bottom + 16}" class="tick">×${tick.toFixed(digits)}</text>`)
  }
  if (target) {
    const tx = x(target).toFixed(1)
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${top + PANEL_HEAD - 12}" y2="${bottom}" class="target"/>`)
    parts.push(`<text x="${tx}" y="${top + PANEL_HEAD - 16}" class="tick">target ×${target.toFixed(2)}</text>`)
  }
  const one = x(1)
  rows.forEach((row, i) => {
    const y = top + PANEL_HEAD + i * ROW
    const end = x(row.median)
    const [from, to] = [Math.min(one, end), Math.max(one, end)]
    parts.push(`<text x="${LABEL - 10}" y="${y + 16}" class="label">${escapeXml(row.label)}</text>`)
    parts.push(
      `<rect x="${from.toFixed(1)}" y="${y + 5}" width="${Math.max(to - from, 1).toFixed(1)}" height="14" class="${row.ours ? 'ours' : 'peer'}"/>`,
    )
    const [lo, hi] = row.spread.map(x)
    parts.push(`<line x1="${lo.toFixed(1)}" x2="${hi.toFixed(1)}" y1="${y + 12}" y2="${y + 12}" class="whisker"/>`)
    parts.push(`<text x="${WIDTH - RIGHT + 8}" y="${y + 16}" class="value">×${row.median.toFixed(3)}</text>`)
  })
  parts.push(`<line x1="${one}" x2="${one}" y1="${top + PANEL_HEAD - 6}" y2="${bottom}" class="one"/>`)
  return { svg: parts.join('\n'), height }
}

/** An SVG document for these panels: `{ title, target?, rows: [{ label, median, spread, ours }] }`. */
export function renderChart(panels, caption) {
  let top = 0
  const bodies = panels.map((p) => {
    const { svg, height } = panel(p, top)
    top += height
    return svg
  })
  const height = top + 30
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" role="img">
<title>${escapeXml(caption)}</title>
<style>
.title { font-size: 15px; font-weight: 600; fill: #1f2328 }
.label { font-size: 12px; text-anchor: end; fill: #1f2328 }
.value { font-size: 12px; fill: #1f2328; font-variant-numeric: tabular-nums }
.tick { font-size: 10px; text-anchor: middle; fill: #656d76 }
.caption { font-size: 11px; fill: #656d76 }
.grid { stroke: #d0d7de; stroke-width: 1 }
.one { stroke: #1f2328; stroke-width: 1 }
.target { stroke: #cf222e; stroke-width: 1.5; stroke-dasharray: 5 3 }
.ours { fill: #0969da }
.peer { fill: #8c959f }
.whisker { stroke: #1f2328; stroke-width: 1.5 }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
${bodies.join('\n')}
<text x="12" y="${height - 10}" class="caption">${escapeXml(caption)}</text>
</svg>
`
}
