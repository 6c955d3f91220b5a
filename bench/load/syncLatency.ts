// eth_sendRawTransactionSync (EIP-7966) latency on an idle target: one funded account sends `count`
// pre-signed ETH transfers one after the other, each call returning the receipt; the figure is the
// client-side round trip of each call. On our node that is intake + the wait for the next block tick
// (BLOCK_TIME_MS) + the block; on Anvil automine it is the mining of a one-tx block.
import { type Address, type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { BaseError } from '../../core/errors/base.ts'
import { devAccounts } from '../../test/e2e/harness.ts'
import { percentiles } from './report.ts'
import { createRpcClient, RpcCallError, type RpcClient } from './rpc.ts'
import { signTransfer } from './signTransfer.ts'
import type { LoadTarget, TargetName } from './targets.ts'
import { recipientOf } from './workloads.ts'

/** A tx of the sync-latency run did not end with a successful receipt. */
export class SyncLatencyError extends BaseError {
  override name = 'SyncLatencyError' as const
  readonly hash: Hex | undefined
  constructor({ reason, hash }: { reason: string; hash?: Hex }) {
    super(`sync latency: ${reason}`)
    this.hash = hash
  }
}

/** What `measureSyncLatency` measured; `supported` is false when the target lacks the method. */
export type SyncLatencyResult = {
  target: TargetName
  supported: boolean
  count: number
  latencyMs: { p50: number; p90: number; p99: number }
  note?: string
}

/** Parameters of `measureSyncLatency`. */
export type MeasureSyncLatencyParameters = { seed: string; count: number; timeoutMs: number }

/** Sends `count` txs with eth_sendRawTransactionSync, sequentially, and times each call. */
export async function measureSyncLatency(
  target: LoadTarget,
  { seed, count, timeoutMs }: MeasureSyncLatencyParameters,
): Promise<SyncLatencyResult> {
  const rpc = createRpcClient(target.url)
  const chainId = Number(BigInt(await rpc.call<Hex>('eth_chainId')))
  const funder = privateKeyToAccount(devAccounts[9].privateKey)
  const sender = privateKeyToAccount(keccak256(toHex(`parallel-rollup load ${seed} sync`)))
  const nonceOf = async (a: Address) => BigInt(await rpc.call<Hex>('eth_getTransactionCount', [a, 'pending']))
  const sign = (account: typeof funder, nonce: bigint, to: Address, value: bigint) =>
    signTransfer(account, { chainId, nonce, to, value })

  // Fund the sender with a plain send (untimed), then pre-sign its transfers.
  const funding = await sign(funder, await nonceOf(funder.address), sender.address, 10n ** 18n)
  const fundingHash = await rpc.call<Hex>('eth_sendRawTransaction', [funding])
  await waitForReceipt(rpc, fundingHash, timeoutMs)
  const start = await nonceOf(sender.address)
  const raws: Hex[] = []
  for (let k = 0n; k < BigInt(count); k++)
    raws.push(await sign(sender, start + k, recipientOf(seed, -1, start + k), 1_000_000_000_000n))
  // Let the target go idle: no block in progress when the first call arrives.
  await new Promise((r) => setTimeout(r, 1000))

  const latencies: number[] = []
  for (const raw of raws) {
    const t = performance.now()
    let receipt: { status?: Hex } | null
    try {
      receipt = await rpc.call<{ status?: Hex }>('eth_sendRawTransactionSync', [raw])
    } catch (err) {
      if (err instanceof RpcCallError && err.code === -32601)
        return {
          target: target.name,
          supported: false,
          count: 0,
          latencyMs: percentiles([]),
          note: 'eth_sendRawTransactionSync not supported (-32601 method not found)',
        }
      throw err
    }
    latencies.push(performance.now() - t)
    if (receipt?.status !== '0x1')
      throw new SyncLatencyError({ reason: `eth_sendRawTransactionSync answered ${JSON.stringify(receipt)}` })
  }
  return { target: target.name, supported: true, count, latencyMs: percentiles(latencies) }
}

async function waitForReceipt(rpc: RpcClient, hash: Hex, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    const r = await rpc.call<{ status: Hex } | null>('eth_getTransactionReceipt', [hash])
    if (r) {
      if (r.status !== '0x1') throw new SyncLatencyError({ reason: 'the funding tx reverted', hash })
      return
    }
    await new Promise((res) => setTimeout(res, 50))
  }
  throw new SyncLatencyError({ reason: `the funding tx was not mined after ${timeoutMs} ms`, hash })
}
