// The two time charts (uPlot): transactions per second, and block build time (mean and slowest per second).
import uPlot from '/vendor/uPlot.esm.js'

const KEEP = 300
const HEIGHT = 180

const axis = { stroke: '#8593a3', grid: { stroke: '#26313d' }, ticks: { stroke: '#26313d' } }

/**
 * Creates both charts in their elements; `update(samples)` redraws them from one sample per second.
 * @param {HTMLElement} tpsEl
 * @param {HTMLElement} buildEl
 */
export function createCharts(tpsEl, buildEl) {
  const make = (el, series) =>
    new uPlot(
      {
        width: el.clientWidth || 500,
        height: HEIGHT,
        scales: { x: { time: true } },
        axes: [axis, axis],
        series: [{}, ...series],
      },
      [[], ...series.map(() => [])],
      el,
    )
  const tps = make(tpsEl, [{ label: 'tx/s', stroke: '#4fb6c9', fill: 'rgba(79, 182, 201, 0.15)', width: 1.5 }])
  const build = make(buildEl, [
    { label: 'mean', stroke: '#3fb27f', width: 1.5 },
    { label: 'slowest', stroke: '#f0883e', width: 1 },
  ])
  addEventListener('resize', () => {
    tps.setSize({ width: tpsEl.clientWidth, height: HEIGHT })
    build.setSize({ width: buildEl.clientWidth, height: HEIGHT })
  })
  return {
    /** @param {{ t: number, txs: number, buildMsAvg: number | null, buildMsMax: number | null }[]} samples */
    update(samples) {
      const s = samples.slice(-KEEP)
      const t = s.map((x) => x.t)
      tps.setData([t, s.map((x) => x.txs)])
      build.setData([t, s.map((x) => x.buildMsAvg), s.map((x) => x.buildMsMax)])
    },
  }
}
