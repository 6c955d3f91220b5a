import { type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { Batch } from '../batch.ts'
import { prng } from './randomBatch.ts'

/** Parameters for {@link signedTransfersBatch}. */
export type SignedTransfersBatchParameters = { count: number; senders: number; type?: 'eip1559' | 'legacy' }

/**
 * `count` signed ETH transfers (EIP-1559 ~118 bytes, legacy EIP-155 ~110) from `senders` accounts round
 * robin, to 200 recipients, random values, deterministic keys and fields; packed 100 per block into a batch,
 * 2 s apart, the L1 origin advancing every 6 blocks (12 s L1 slots).
 */
export async function signedTransfersBatch({
  count,
  senders,
  type = 'eip1559',
}: SignedTransfersBatchParameters): Promise<Batch> {
  const rand = prng(7)
  const accounts = Array.from({ length: senders }, (_, i) => privateKeyToAccount(keccak256(toHex(`sender ${i}`))))
  const recipients = Array.from({ length: 200 }, (_, i) => privateKeyToAccount(keccak256(toHex(`to ${i}`))).address)
  const nonces = new Array<number>(senders).fill(0)
  const txs: Hex[] = []
  for (let i = 0; i < count; i++) {
    const s = i % senders
    const fields = {
      chainId: 901,
      nonce: nonces[s]++,
      to: recipients[Math.floor(rand() * recipients.length)],
      value: BigInt(Math.floor(rand() * 1e9)) * 10n ** 9n,
      gas: 21_000n,
    }
    const fee = 2_000_000_000n + BigInt(Math.floor(rand() * 1_000))
    txs.push(
      type === 'legacy'
        ? await accounts[s].signTransaction({ ...fields, type, gasPrice: fee })
        : await accounts[s].signTransaction({ ...fields, type, maxFeePerGas: fee, maxPriorityFeePerGas: 1_000_000n }),
    )
  }
  const blocks = Array.from({ length: Math.ceil(count / 100) }, (_, b) => ({
    number: 1n + BigInt(b),
    timestamp: 1_700_000_000n + 2n * BigInt(b),
    l1Origin: 19_000_000n + BigInt(Math.floor(b / 6)),
    deposits: [],
    transactions: txs.slice(b * 100, b * 100 + 100),
  }))
  return { parentHash: keccak256(toHex('genesis')), blocks }
}
