import { type Address, createPublicClient, http, type PublicClient, BaseError as ViemError } from 'viem'
import { readDepositLogs } from '../../core/deposits/readDepositLogs.ts'
import type { Logger } from '../../core/log/logger.ts'
import type { DepositStore } from '../../core/storage/depositStore.ts'

/** Parameters for {@link createDepositWatcher}. */
export type CreateDepositWatcherParameters = {
  store: DepositStore
  log: Logger
  l1RpcUrl: string
  bridge: Address
  /** L1 block the bridge was deployed in: scanning starts there */
  deployBlock: bigint
  /** deposits are taken only from L1 blocks this deep (L1_CONFIRMATIONS) */
  confirmations: number
  pollMs: number
  /** most L1 blocks per eth_getLogs */
  chunk?: number
}

/** Follows the bridge's `DepositInitiated` logs into the deposit store. */
export type DepositWatcher = {
  start(): void
  stop(): Promise<void>
  /** One scan step now (the timer calls it; tests may too). */
  poll(): Promise<void>
  /** The L1 block up to which every deposit is recorded: the origin of the next L2 block. */
  origin(): bigint
}

/**
 * Creates the deposit watcher. It reads logs only from blocks at least `confirmations` deep, in
 * chunks, records them, then advances the scanned height — in that order, so a crash re-reads a
 * chunk (recording is idempotent by nonce) rather than skipping one. While L1 is unreachable the
 * origin stays where it is; L2 blocks keep coming, with no new deposits.
 * Reorgs deeper than `confirmations` are not handled (documented in docs/deposits.md).
 */
export function createDepositWatcher(p: CreateDepositWatcherParameters): DepositWatcher {
  const { store } = p
  const log = p.log.child({ component: 'deposits' })
  const l1: PublicClient = createPublicClient({
    transport: http(p.l1RpcUrl, { retryCount: 0, timeout: 10_000 }),
    // the L1 head, fresh on every poll (viem caches eth_blockNumber for pollingInterval by default)
    cacheTime: 0,
  })
  const chunk = BigInt(p.chunk ?? 2_000)
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let stopped = true
  let down = false

  async function pollOnce(): Promise<void> {
    const head = await l1.getBlockNumber()
    const safe = head - BigInt(p.confirmations)
    await readDepositLogs(l1, {
      bridge: p.bridge,
      fromBlock: (store.scannedTo() ?? p.deployBlock - 1n) + 1n,
      toBlock: safe,
      chunk,
      onChunk(events, last) {
        store.add(events)
        store.setScannedTo(last)
        for (const e of events)
          log.info(
            { nonce: String(e.nonce), to: e.to, amount: String(e.amount), l1Block: String(e.l1BlockNumber) },
            'deposit seen on L1',
          )
      },
    })
  }

  const poll = () => {
    running ??= pollOnce().finally(() => {
      running = undefined
    })
    return running
  }

  const tick = async () => {
    try {
      await poll()
      if (down) log.info('L1 reachable again; following deposits')
      down = false
    } catch (err) {
      if (!down)
        log.warn({ err: err instanceof ViemError ? err.shortMessage : String(err) }, 'cannot read deposits from L1')
      down = true
    }
    if (!stopped) timer = setTimeout(tick, p.pollMs)
  }

  return {
    start() {
      stopped = false
      timer = setTimeout(tick, 0)
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running?.catch(() => {})
    },
    poll,
    origin: () => {
      // never backwards, never before the blocks already built, never before the bridge existed
      let o = store.scannedTo() ?? 0n
      const last = store.lastOrigin()
      if (last > o) o = last
      const floor = p.deployBlock > 0n ? p.deployBlock - 1n : 0n
      return o > floor ? o : floor
    },
  }
}
