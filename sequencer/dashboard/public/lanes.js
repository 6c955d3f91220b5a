// The picture of one block's lanes: one column per lane, its txs top to bottom in the order they ran;
// the columns ran side by side. Green: the speculative (parallel) result was kept; orange: the tx was
// re-executed at merge because an earlier tx of another lane wrote what it read; blue: a sequential block.

const MAX_HEIGHT = 120
const MIN_HEIGHT = 14
const MAX_CELL = 14

/**
 * The lanes of a block as arrays of block positions, longest first.
 * @param {{ txs: number, picture: null | { txLanes: number[], reExecuted: number[] } }} block
 */
export function lanesOf(block) {
  if (!block.picture) {
    const n = Math.min(block.txs, 2048)
    return { lanes: n ? [Array.from({ length: n }, (_, i) => i)] : [], rerun: new Set(), sequential: true }
  }
  const byLane = new Map()
  block.picture.txLanes.forEach((lane, position) => {
    let positions = byLane.get(lane)
    if (!positions) byLane.set(lane, (positions = []))
    positions.push(position)
  })
  const lanes = [...byLane.values()].sort((a, b) => b.length - a.length || a[0] - b[0])
  return { lanes, rerun: new Set(block.picture.reExecuted), sequential: false }
}

/**
 * Draws `block`'s lanes on `canvas` (sized to its CSS width) and describes the cell under the pointer in its title.
 * @param {HTMLCanvasElement} canvas
 */
export function drawLanes(canvas, block) {
  const { lanes, rerun, sequential } = lanesOf(block)
  const width = canvas.clientWidth || 560
  let deepest = 1
  for (const lane of lanes) deepest = Math.max(deepest, lane.length)
  const height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, deepest * 10))
  const cellW = Math.min(MAX_CELL, width / Math.max(1, lanes.length))
  const cellH = height / deepest
  const dpr = window.devicePixelRatio || 1
  canvas.style.height = `${height}px`
  canvas.width = Math.round(width * dpr)
  canvas.height = Math.round(height * dpr)
  const ctx = canvas.getContext('2d')
  ctx.scale(dpr, dpr)
  const css = getComputedStyle(document.documentElement)
  const colors = {
    hit: css.getPropertyValue('--hit').trim(),
    rerun: css.getPropertyValue('--rerun').trim(),
    seq: css.getPropertyValue('--seq').trim(),
  }
  // a gap between cells only where cells are big enough to show one
  const gapX = cellW >= 4 ? 1 : 0
  const gapY = cellH >= 4 ? 1 : 0
  lanes.forEach((lane, x) => {
    lane.forEach((position, y) => {
      ctx.fillStyle = sequential ? colors.seq : rerun.has(position) ? colors.rerun : colors.hit
      ctx.fillRect(x * cellW, y * cellH, Math.max(cellW - gapX, 0.5), Math.max(cellH - gapY, 0.5))
    })
  })
  canvas.onmousemove = (e) => {
    const rect = canvas.getBoundingClientRect()
    const lane = lanes[Math.floor((e.clientX - rect.left) / cellW)]
    const row = Math.floor((e.clientY - rect.top) / cellH)
    const position = lane?.[row]
    if (position === undefined) return void canvas.removeAttribute('title')
    const hash = block.txHashes[position]
    canvas.title = [
      `lane ${lanes.indexOf(lane) + 1} of ${lanes.length}: tx ${row + 1} of ${lane.length}`,
      `block position ${position}${rerun.has(position) ? ', re-executed' : ''}`,
      hash ?? '',
    ]
      .filter(Boolean)
      .join('\n')
  }
}
