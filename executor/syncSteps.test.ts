import { readFileSync } from 'node:fs'
import { createFeeMarket1559Tx, type TypedTransaction } from '@ethereumjs/tx'
import { bigIntToBytes, bytesToHex, hexToBytes, setLengthLeft } from '@ethereumjs/util'
import { encodeFunctionData, getContractAddress, type Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { mixed } from '../bench/workloads.ts'
import { compileSolidity } from '../contracts/compile.ts'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { devAccounts } from '../core/chain/devAccounts.ts'
import { genesisDiff } from '../core/chain/genesis.ts'
import { setFastOpHandlers, word32 } from './fastOpHandlers.ts'
import { setJumpDestCache } from './jumpDestCache.ts'
import { leanFramesEnabled, setLeanFrames } from './leanFrames.ts'
import { createSequentialExecutor } from './sequential.ts'
import { createWorldState } from './state/worldState.ts'
import { setSyncSteps, syncStepsEnabled } from './syncSteps.ts'
import { bigintJson, blockEnv, dump, summarize } from './testing/differential.ts'

// The interpreter patches (synchronous steps, cached jump destinations, word conversions in opcode handlers,
// the lean frame result) must change no result: the same blocks run with them turned off one by one (ethereumjs's own interpreter
// once all are off) give the same receipts, rejections and state, on ERC-20 transfers, Uniswap swaps and the
// Kitchen contract's reverts, out-of-gas, CREATE/CREATE2, SELFDESTRUCT in the creating tx, transient storage.

const common = createChainCommon({ chainId: 901901 })
const kitchen = compileSolidity({
  sources: { 'Kitchen.sol': readFileSync(new URL('./testing/Kitchen.sol', import.meta.url), 'utf8') },
}).Kitchen
const key = devAccounts()[0].privateKey
const from = privateKeyToAddress(key).toLowerCase() as Hex

function kitchenBlocks(): TypedTransaction[][] {
  let nonce = 0n
  const sign = (f: { to?: Hex; data: Hex; gas?: bigint; value?: bigint }) =>
    createFeeMarket1559Tx(
      {
        nonce: nonce++,
        to: f.to,
        data: f.data,
        value: f.value ?? 0n,
        gasLimit: f.gas ?? 400_000n,
        maxFeePerGas: 30n,
        maxPriorityFeePerGas: 2n,
        chainId: 901901n,
      },
      { common },
    ).sign(hexToBytes(key))
  const at = getContractAddress({ from, nonce: 0n }).toLowerCase() as Hex
  const call = (fn: string, args: unknown[]) =>
    encodeFunctionData({ abi: kitchen.abi, functionName: fn, args } as never)
  const deploy = sign({ data: kitchen.bytecode as Hex, gas: 3_000_000n })
  const block: TypedTransaction[] = []
  for (let k = 0n; k < 4n; k++) {
    block.push(sign({ to: at, data: call('store', [k, k * 1000n + 1n]) }))
    block.push(sign({ to: at, data: call('fail', [k]) })) // revert with data
    block.push(sign({ to: at, data: call('burn', [40n + k]) })) // loops, EXP-free arithmetic
    block.push(sign({ to: at, data: call('burn', [5_000n]), gas: 60_000n })) // out of gas mid-loop
    block.push(sign({ to: at, data: call('transient', [k + 5n]) }))
    block.push(
      sign({ to: at, data: call('deploy', [`0x${(k + 1n).toString(16).padStart(64, '0')}`]), gas: 1_000_000n }),
    )
    block.push(sign({ to: at, data: call('ephemeral', []), value: 77n }))
    block.push(sign({ to: at, data: call('balanceOfCoinbase', []) }))
    block.push(sign({ to: at, data: call('clear', [k]) }))
  }
  return [[deploy], block]
}

async function runAll() {
  const exec = await createSequentialExecutor({ common, blockHash: () => undefined, fastTransfers: false })
  const out: unknown[] = []
  const w = mixed(common, 200)
  const chains: [ReturnType<typeof createWorldState>, TypedTransaction[][]][] = [
    [createWorldState(), [...w.setup, w.block]],
    [createWorldState(), kitchenBlocks()],
  ]
  chains[0][0].applyDiff(w.genesis)
  chains[1][0].applyDiff(genesisDiff())
  for (const [state, blocks] of chains) {
    let n = 1n
    for (const txs of blocks) {
      const r = await exec.executeBlock({ state, env: blockEnv(n++, 1_000_000_000n), txs, mode: 'build' })
      expect(r.rejected).toEqual([])
      out.push(summarize(r))
    }
    out.push(dump(state))
  }
  return JSON.stringify(out, bigintJson)
}

describe('interpreter patches', () => {
  it('word32 gives what setLengthLeft(bigIntToBytes(v), 32) gives, for every width', () => {
    const values = [0n, 1n, 0xfn, 0x10n, 0xffn, 0x100n, 0xabcn, 2n ** 255n, 2n ** 256n - 1n]
    for (let bits = 1n; bits <= 256n; bits++) values.push(2n ** bits - 1n, 2n ** (bits - 1n) + 0x5an)
    for (const v of values) expect(bytesToHex(word32(v))).toBe(bytesToHex(setLengthLeft(bigIntToBytes(v), 32)))
  })

  it('change no result: synchronous steps, cached jump destinations, fast handlers and lean frames, turned off one by one', {
    timeout: 120_000,
  }, async () => {
    expect(syncStepsEnabled()).toBe(true)
    expect(leanFramesEnabled()).toBe(true)
    const patched = await runAll()
    try {
      setSyncSteps(false)
      expect(await runAll()).toBe(patched)
      setJumpDestCache(false)
      expect(await runAll()).toBe(patched)
      setFastOpHandlers(false)
      expect(await runAll()).toBe(patched)
      setLeanFrames(false)
      expect(await runAll()).toBe(patched) // ethereumjs's own interpreter
      setSyncSteps(true)
      expect(await runAll()).toBe(patched)
    } finally {
      setSyncSteps(true)
      setJumpDestCache(true)
      setFastOpHandlers(true)
      setLeanFrames(true)
    }
    // The blocks did run what they are meant to: successes with logs, reverts, out-of-gas, creations.
    expect(patched).toContain('"status":1')
    expect(patched).toContain('"status":0')
    expect(patched).toContain('"topics"')
    expect(patched.match(/"contractAddress":"0x[0-9a-f]{40}"/g)?.length).toBeGreaterThan(0)
  })
})
