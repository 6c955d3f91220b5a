import { createEVM } from '@ethereumjs/evm'
import { createAddressFromString, hexToBytes } from '@ethereumjs/util'
import { afterEach, describe, expect, it } from 'vitest'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { leanFramesEnabled, setLeanFrames } from './leanFrames.ts'

// Stores 0x2a at slot 1, writes it to memory and returns it: a frame with stack, memory, storage and output.
const CODE = hexToBytes('0x602a60015560015460005260206000f3')
const to = createAddressFromString('0x00000000000000000000000000000000000c0de0')

async function frame() {
  const evm = await createEVM({ common: createChainCommon({ chainId: 901901 }) })
  await evm.stateManager.putCode(to, CODE)
  return (await evm.runCall({ to, gasLimit: 100_000n, data: new Uint8Array() })).execResult
}

// Every value of a frame's runState that can be compared across two runs (not the objects of one EVM).
function comparable(runState: object | undefined) {
  if (runState === undefined) return undefined
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(runState))
    out[k] = typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' ? v : typeof v
  return out
}

describe('leanFrames', () => {
  afterEach(() => setLeanFrames(true))

  it('default: on (off, and this fails, if an @ethereumjs/evm upgrade changed the function it copies)', () => {
    expect(leanFramesEnabled()).toBe(true)
  })

  it('behavior: a frame has the same result and, when read, the same runState as ethereumjs builds', async () => {
    const lean = await frame()
    setLeanFrames(false)
    const stock = await frame()
    expect(Object.keys(lean).sort()).toEqual(
      Object.keys(stock)
        .filter((k) => k !== 'runState')
        .sort(),
    )
    for (const k of Object.keys(lean)) expect(lean[k as keyof typeof lean], k).toEqual(stock[k as keyof typeof stock])
    expect(lean.returnValue).toEqual(hexToBytes(`0x${'2a'.padStart(64, '0')}`))
    expect(comparable(lean.runState)).toEqual(comparable(stock.runState))
    expect(Object.keys(lean.runState ?? {}).sort()).toEqual(Object.keys(stock.runState ?? {}).sort())
    expect(lean.runState?.gasLeft).toBeGreaterThan(0n)
  })
})
