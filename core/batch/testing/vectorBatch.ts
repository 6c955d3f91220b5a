import { concat, type Hex, keccak256, toHex, toRlp } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { Batch } from '../batch.ts'

/** Anvil's first dev key: its RFC 6979 signatures make the vector's transactions deterministic. */
const account = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const to = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

/** A fixed deposit envelope: 0x7e ‖ RLP of OP-style deposit fields; the codec treats it as opaque bytes. */
export const VECTOR_DEPOSIT: Hex = concat([
  '0x7e',
  toRlp([
    keccak256(toHex('deposit 0')),
    account.address,
    to,
    toHex(10n ** 18n),
    toHex(10n ** 18n),
    toHex(100_000n),
    '0x',
    '0x',
  ]),
])

/**
 * The known-vector batch: blocks 5..7 holding a deposit, a legacy, an EIP-1559 and an EIP-2930 tx, and an
 * empty block; L1 origins 5, 5, 7 (one repeated, one advancing).
 */
export async function vectorBatch(): Promise<Batch> {
  const legacy = await account.signTransaction({
    type: 'legacy',
    chainId: 901,
    nonce: 0,
    to,
    value: 1n,
    gas: 21_000n,
    gasPrice: 1_000_000_000n,
  })
  const eip1559 = await account.signTransaction({
    type: 'eip1559',
    chainId: 901,
    nonce: 1,
    to,
    value: 10n ** 15n,
    gas: 21_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000n,
  })
  const eip2930 = await account.signTransaction({
    type: 'eip2930',
    chainId: 901,
    nonce: 2,
    to,
    value: 0n,
    gas: 50_000n,
    gasPrice: 1_000_000_000n,
    data: '0xa9059cbb',
    accessList: [{ address: to, storageKeys: [toHex(1n, { size: 32 })] }],
  })
  return {
    parentHash: keccak256(toHex('parent of block 5')),
    blocks: [
      {
        number: 5n,
        timestamp: 1_700_000_000n,
        l1Origin: 5n,
        deposits: [VECTOR_DEPOSIT],
        transactions: [legacy, eip1559],
      },
      { number: 6n, timestamp: 1_700_000_002n, l1Origin: 5n, deposits: [], transactions: [eip2930] },
      { number: 7n, timestamp: 1_700_000_002n, l1Origin: 7n, deposits: [], transactions: [] },
    ],
  }
}
