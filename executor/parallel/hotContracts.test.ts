import { encodeFunctionData, type Hex, parseAbi } from 'viem'
import { describe, expect, it } from 'vitest'
import { addressWord, type CallShape, createHotContracts, HOT_BLOCKS } from './hotContracts.ts'

const ROUTER = '0x00000000000000000000000000000000000000aa' as Hex
const TOKEN = '0x00000000000000000000000000000000000000bb' as Hex
const PAIR1 = '0x00000000000000000000000000000000000000c1' as Hex
const PAIR2 = '0x00000000000000000000000000000000000000c2' as Hex
const abi = parseAbi(['function swap(address pair, address tokenIn, uint256 amountIn, uint256 out0, uint256 out1)'])
const swap = (pair: Hex, amount = 10n, out1 = 5n): CallShape & { to: Hex } => ({
  to: ROUTER,
  data: Buffer.from(
    encodeFunctionData({ abi, functionName: 'swap', args: [pair, TOKEN, amount, 0n, out1] }).slice(2),
    'hex',
  ),
})
// a conflicting read on the pair's reserves slot and one on the token's balance of the pair
const staleOn = (pair: Hex, writer: CallShape) => [
  { key: `${pair}${'0'.repeat(63)}8`, writer },
  { key: `${TOKEN}${'ab'.repeat(32)}`, writer },
]

describe('hot contracts', () => {
  it('addressWord reads an input word that fits an address (20 bytes, not zero), and nothing else', () => {
    const s = swap(PAIR1, 77n, 2n ** 200n)
    expect(addressWord(s.data, 0)).toBe(PAIR1)
    expect(addressWord(s.data, 1)).toBe(TOKEN)
    expect(addressWord(s.data, 2)).toBe(`0x${'00'.repeat(19)}4d`) // a small number is address-shaped too
    expect(addressWord(s.data, 3)).toBeUndefined() // zero
    expect(addressWord(s.data, 4)).toBeUndefined() // wider than 20 bytes
    expect(addressWord(s.data, 5)).toBeUndefined() // past the end
  })

  it('a contract is hot after a conflict, for HOT_BLOCKS blocks; its txs share one key until a position is learned', () => {
    const hot = createHotContracts()
    const block = [swap(PAIR1), { to: TOKEN, data: new Uint8Array() }]
    expect(hot.forBlock(1n, block)(0)).toBeUndefined()
    hot.conflict(1n, swap(PAIR1), []) // e.g. a coinbase read: no stale keys to learn from
    const key = hot.forBlock(2n, block)
    expect(key(0)).toBe(ROUTER)
    expect(key(1)).toBeUndefined()
    expect(hot.forBlock(1n + HOT_BLOCKS, block)(0)).toBe(ROUTER)
    expect(hot.forBlock(2n + HOT_BLOCKS, block)(0)).toBeUndefined()
  })

  it('learns that a router conflicts per pair named in its input, and keys its txs by that pair', () => {
    const hot = createHotContracts()
    // two swaps on PAIR1 conflicted: the stale reads are the pair's and the token's storage, both named in the input
    hot.conflict(1n, swap(PAIR1), staleOn(PAIR1, swap(PAIR1)))
    const block = [swap(PAIR1), swap(PAIR2), swap(PAIR1, 3n), { to: PAIR1, data: new Uint8Array() }]
    const key = hot.forBlock(2n, block)
    // the pair (word 0) splits the block's router txs in two, the token (word 1) would not split them
    expect([key(0), key(1), key(2), key(3)]).toEqual([
      `${ROUTER}:${PAIR1}`,
      `${ROUTER}:${PAIR2}`,
      `${ROUTER}:${PAIR1}`,
      undefined,
    ])
    // a block with only one pair: nothing to split, the router's txs share its plain key
    expect(hot.forBlock(3n, [swap(PAIR2), swap(PAIR2)])(0)).toBe(ROUTER)
  })

  it('a position is refuted when txs naming different addresses there conflicted', () => {
    const hot = createHotContracts()
    hot.conflict(1n, swap(PAIR1), staleOn(PAIR1, swap(PAIR1)))
    // a swap on PAIR2 conflicted with one on PAIR1 (the router keeps shared state): the pair no longer keys it
    hot.conflict(2n, swap(PAIR2), staleOn(PAIR1, swap(PAIR1)))
    const key = hot.forBlock(3n, [swap(PAIR1), swap(PAIR2)])
    expect([key(0), key(1)]).toEqual([ROUTER, ROUTER])
  })

  it('a call naming no address there that conflicted with a keyed one refutes the position too', () => {
    const hot = createHotContracts()
    hot.conflict(1n, swap(PAIR1), staleOn(PAIR1, swap(PAIR1)))
    // another function of the router (no input words) conflicted with a PAIR1 swap: its txs, keyed by the
    // router alone, would keep meeting the PAIR1 lane, so the pair position is given up
    const other = { to: ROUTER, data: Uint8Array.from([1, 2, 3, 4]) }
    hot.conflict(2n, other, staleOn(PAIR1, swap(PAIR1)))
    const key = hot.forBlock(3n, [swap(PAIR1), swap(PAIR2), other])
    expect([key(0), key(1), key(2)]).toEqual([ROUTER, ROUTER, ROUTER])
  })
})
