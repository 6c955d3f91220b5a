import { describe, expect, it } from 'vitest'
import { mixed } from '../bench/workloads.ts'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { jumpDestCacheEnabled, setJumpDestCache } from './jumpDestCache.ts'
import { createSequentialExecutor } from './sequential.ts'
import { createWorldState } from './state/worldState.ts'
import { bigintJson, blockEnv, dump, summarize } from './testing/differential.ts'

describe('jump destination cache', () => {
  it('changes no result: ERC-20 transfers and Uniswap swaps give the same receipts and state with it on and off', async () => {
    const common = createChainCommon({ chainId: 901901 })
    const w = mixed(common, 200)
    const run = async () => {
      const exec = await createSequentialExecutor({ common, blockHash: () => undefined, fastTransfers: false })
      const state = createWorldState()
      state.applyDiff(w.genesis)
      let n = 1n
      const results = []
      for (const txs of [...w.setup, w.block])
        results.push(
          summarize(await exec.executeBlock({ state, env: blockEnv(n++, 1_000_000_000n), txs, mode: 'build' })),
        )
      return JSON.stringify({ results, state: dump(state) }, bigintJson)
    }
    expect(jumpDestCacheEnabled()).toBe(true)
    const on = await run()
    setJumpDestCache(false)
    try {
      const off = await run()
      expect(on).toBe(off)
    } finally {
      setJumpDestCache(true)
    }
    // The block did run contract code (swaps and token transfers succeed, with logs).
    expect(on).toContain('"status":1')
    expect(on).toContain('"topics"')
  })
})
