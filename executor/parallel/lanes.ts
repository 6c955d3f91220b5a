import type { Hex } from 'viem'

/** Parameters of {@link buildLanes}. */
export type BuildLanesParameters = {
  senders: readonly Hex[]
  tos: readonly (Hex | null)[]
  gas: readonly bigint[]
  /** Contracts that caused conflicts recently: their txs share one lane and run in order. */
  hot: ReadonlySet<Hex>
}

/**
 * Groups a block's txs into lanes with union-find: txs of one sender always share a lane (nonce
 * chains), and so do txs calling a contract known to be hot. Block order is kept inside a lane.
 * Access sets are not known before execution; conflicts the lanes miss are caught at merge.
 */
export function buildLanes({ senders, tos, gas, hot }: BuildLanesParameters): { lanes: number[][]; weights: bigint[] } {
  const n = senders.length
  const parent = Array.from({ length: n }, (_, i) => i)
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]]
      i = parent[i]
    }
    return i
  }
  const owner = new Map<string, number>()
  const join = (key: string, i: number) => {
    const j = owner.get(key)
    if (j === undefined) owner.set(key, i)
    else parent[find(i)] = find(j)
  }
  for (let i = 0; i < n; i++) {
    join(`s${senders[i]}`, i)
    const to = tos[i]
    if (to && hot.has(to)) join(`t${to}`, i)
  }
  const byRoot = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const r = find(i)
    let lane = byRoot.get(r)
    if (!lane) byRoot.set(r, (lane = []))
    lane.push(i)
  }
  const lanes = [...byRoot.values()]
  return { lanes, weights: lanes.map((l) => l.reduce((s, i) => s + gas[i], 0n)) }
}

/** Spreads lanes over `workers` by gas weight, heaviest first onto the least-loaded worker (LPT). */
export function assignLanes(weights: readonly bigint[], workers: number): number[][] {
  const order = weights
    .map((w, i) => [w, i] as const)
    .sort((a, b) => (a[0] > b[0] ? -1 : a[0] < b[0] ? 1 : a[1] - b[1]))
  const load = new Array<bigint>(workers).fill(0n)
  const out: number[][] = Array.from({ length: workers }, () => [])
  for (const [w, i] of order) {
    let best = 0
    for (let k = 1; k < workers; k++) if (load[k] < load[best]) best = k
    out[best].push(i)
    load[best] += w
  }
  return out
}
