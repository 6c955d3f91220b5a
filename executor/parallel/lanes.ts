import type { Hex } from 'viem'

/** Parameters of {@link buildLanes}. */
export type BuildLanesParameters = {
  senders: readonly Hex[]
  /**
   * Per tx, its hot key, or undefined: txs with the same key share one lane and run in order. The key names
   * a contract that caused conflicts recently, or the part of one that a tx's input selects (see
   * `createHotContracts` in parallel/hotContracts.ts).
   */
  hotKeys: readonly (string | undefined)[]
  gas: readonly bigint[]
}

/**
 * Groups a block's txs into lanes with union-find: txs of one sender always share a lane (nonce
 * chains), and so do txs with the same hot key. Block order is kept inside a lane.
 * Access sets are not known before execution; conflicts the lanes miss are caught at merge.
 */
export function buildLanes({ senders, hotKeys, gas }: BuildLanesParameters): { lanes: number[][]; weights: bigint[] } {
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
    const key = hotKeys[i]
    if (key !== undefined) join(`t${key}`, i)
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

/** Lanes formed one tx at a time, in block order, while stretches of them are already running: see {@link createLaneStream}. */
export type LaneStream = {
  /** The lane of each tx added so far. */
  readonly laneOf: Int32Array
  /** Txs per lane (0 for a lane joined into another). */
  readonly sizes: readonly number[]
  /** Adds tx `i` (block order), sent by `sender`, with its hot key (see {@link BuildLanesParameters}). */
  add(i: number, sender: Hex, hotKey: string | undefined, gas: bigint): void
  /** Per worker, the txs added since the last take, in block order; their lanes count as sent from now on. */
  take(): number[][]
}

/**
 * Lanes for txs whose senders come back from recovery a stretch at a time. A lane is a sender's txs plus a
 * hot contract's; it opens on the least loaded worker (by gas so far) and stays there. A tx whose sender and
 * hot contract are in two different lanes joins them into one while the younger has not been taken yet (its
 * txs move to the older lane's worker); once both are running, the tx stays in its sender's lane (its nonce
 * chain), and what that leaves between lanes is caught by the merge's read check, as any missed conflict is.
 */
export function createLaneStream({ workers, txs }: { workers: number; txs: number }): LaneStream {
  const laneOf = new Int32Array(txs)
  const gasOf: bigint[] = new Array(txs)
  const sizes: number[] = []
  const worker: number[] = [] // lane -> worker
  const sent: boolean[] = []
  const into: number[] = [] // lane -> the lane it was joined into (itself while open)
  const load = new Array<bigint>(workers).fill(0n)
  const laneOfKey = new Map<string, number>()
  let queued: number[][] = Array.from({ length: workers }, () => [])
  const find = (l: number): number => {
    while (into[l] !== l) l = into[l] = into[into[l]]
    return l
  }
  const join = (keep: number, other: number) => {
    into[other] = keep
    const from = worker[other]
    const to = worker[keep]
    const moving = queued[from].filter((i) => laneOf[i] === other)
    for (const i of moving) laneOf[i] = keep
    sizes[keep] += sizes[other]
    sizes[other] = 0
    if (from === to) return
    const moved = new Set(moving)
    queued[from] = queued[from].filter((i) => !moved.has(i))
    queued[to].push(...moving)
    queued[to].sort((a, b) => a - b)
    for (const i of moving) {
      load[from] -= gasOf[i]
      load[to] += gasOf[i]
    }
  }
  return {
    laneOf,
    sizes,
    add(i, sender, hotKey, gas) {
      const sk = `s${sender}`
      const tk = hotKey === undefined ? undefined : `t${hotKey}`
      const s = laneOfKey.get(sk)
      const t = tk === undefined ? undefined : laneOfKey.get(tk)
      const bySender = s === undefined ? undefined : find(s)
      const byTo = t === undefined ? undefined : find(t)
      let lane = bySender ?? byTo
      if (bySender !== undefined && byTo !== undefined && bySender !== byTo) {
        // Lanes are taken in the order they opened: if the younger one has not been taken, neither has run.
        const keep = Math.min(bySender, byTo)
        const other = Math.max(bySender, byTo)
        if (!sent[other]) {
          join(keep, other)
          lane = keep
        } else lane = bySender
      }
      if (lane === undefined) {
        lane = worker.length
        let w = 0
        for (let k = 1; k < workers; k++) if (load[k] < load[w]) w = k
        worker.push(w)
        sizes.push(0)
        sent.push(false)
        into.push(lane)
      }
      if (s === undefined) laneOfKey.set(sk, lane)
      if (tk !== undefined && t === undefined) laneOfKey.set(tk, lane)
      laneOf[i] = lane
      gasOf[i] = gas
      sizes[lane]++
      load[worker[lane]] += gas
      queued[worker[lane]].push(i)
    },
    take() {
      const out = queued
      queued = Array.from({ length: workers }, () => [])
      for (const idx of out) for (const i of idx) sent[laneOf[i]] = true
      return out
    },
  }
}
