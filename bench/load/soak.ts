// `npm run load -- --soak SECONDS --rate N`: a sustained run. Our node (started fresh, as for the other
// runs) gets N ETH transfers a second for SECONDS, paced, from S funded senders to a fixed set of 1,000
// recipients (so the state stops growing after the first seconds: memory growth after that is the
// node's, not the workload's). Every `--window` seconds it prints what the window did: txs sent and
// included, included tx/s, send-to-receipt latency p50/p99 of the txs included in it, the node's
// resident memory and its pool. At the end it compares the last windows with the first full ones
// against stated bounds and says PASS or FAIL (exit 1). See docs/throughput.md.
import { readFileSync } from 'node:fs'
import { RLP } from '@ethereumjs/rlp'
import secp256k1 from 'secp256k1'
import { type Address, type Hex, hexToBytes } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { devAccounts } from '../../core/chain/devAccounts.ts'
import { keccak256 } from '../../core/crypto/keccak256.ts'
import { DEFAULT_CHAIN_ID, startNode } from '../../test/e2e/harness.ts'
import { median, percentiles } from './report.ts'
import { batchAll, createRpcClient, type RpcClient, resultOf } from './rpc.ts'
import { MAX_FEE_PER_GAS, MAX_PRIORITY_FEE_PER_GAS, senderKey } from './workloads.ts'

/** Parameters of a soak run. */
export type SoakOptions = {
  seconds: number
  /** txs per second to send */
  rate: number
  senders: number
  seed: string
  batch: number
  inFlight: number
  windowSeconds: number
  blockTimeMs: number
  /** the last windows' p99 may be at most this many times the first full windows' p99 (plus 100 ms of slack) */
  maxLatencyGrowth: number
  /** the node's resident memory may grow by at most this much from the first full windows to the last */
  maxRssGrowthMb: number
  log: (line: string) => void
}

/** One window of a soak run. */
export type SoakWindow = {
  /** seconds since the first send, at the window's end */
  t: number
  sent: number
  rejected: number
  included: number
  includedTps: number
  latencyMs: { p50: number; p90: number; p99: number }
  rssMb: number
  pending: number
}

/** What a soak run measured and whether it kept within its bounds. */
export type SoakResult = {
  rate: number
  seconds: number
  windows: SoakWindow[]
  sent: number
  rejected: number
  included: number
  failed: number
  /** accepted but never included by the end of the drain */
  missing: number
  baseline: { p99: number; rssMb: number; includedTps: number }
  last: { p99: number; rssMb: number; includedTps: number }
  bounds: { p99: number; rssMb: number; includedTps: number }
  pass: boolean
  problems: string[]
}

const RECIPIENTS = 1000

/** Bytes as 0x-hex through Node's native encoder (the load generator must stay cheap next to the node). */
const hex = (b: Uint8Array) => `0x${Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex')}` as Hex
const GAS = 21_000n

/** Signs `count` EIP-1559 transfers, round robin over the senders; `raw(j)` and `hash(j)` as hex. */
function presign(o: SoakOptions, chainId: number, count: number) {
  const keys = Array.from({ length: o.senders }, (_, i) => hexToBytes(senderKey(o.seed, i)))
  const recipients = Array.from({ length: RECIPIENTS }, (_, i) =>
    hexToBytes(`0x${(0x5000 + i).toString(16).padStart(40, '0')}` as Hex),
  )
  const int = (v: bigint) =>
    v === 0n
      ? new Uint8Array()
      : hexToBytes(`0x${v.toString(16).padStart(2 * Math.ceil(v.toString(16).length / 2), '0')}`)
  const fixed = [int(BigInt(chainId))]
  const fees = [int(MAX_PRIORITY_FEE_PER_GAS), int(MAX_FEE_PER_GAS), int(GAS)]
  // One slab for all raw txs (a transfer is ~115 bytes) and one for the hashes: millions of small arrays
  // would cost the load generator gigabytes and GC time beside the node it measures.
  let slab = new Uint8Array(count * 120)
  const offsets = new Uint32Array(count + 1)
  const hashBytes = new Uint8Array(count * 32)
  for (let j = 0; j < count; j++) {
    const s = j % o.senders
    const nonce = BigInt(Math.floor(j / o.senders))
    const fields = [fixed[0], int(nonce), ...fees, recipients[j % RECIPIENTS], int(1n), new Uint8Array(), []]
    const unsigned = RLP.encode(fields)
    const payload = new Uint8Array(unsigned.length + 1)
    payload[0] = 2
    payload.set(unsigned, 1)
    const { signature, recid } = secp256k1.ecdsaSign(keccak256(payload), keys[s])
    const strip = (b: Uint8Array) => {
      let k = 0
      while (k < b.length && b[k] === 0) k++
      return b.subarray(k)
    }
    const signed = RLP.encode([
      ...fields,
      int(BigInt(recid)),
      strip(signature.subarray(0, 32)),
      strip(signature.subarray(32)),
    ])
    const at = offsets[j]
    if (at + signed.length + 1 > slab.length) {
      const bigger = new Uint8Array(slab.length * 2)
      bigger.set(slab)
      slab = bigger
    }
    slab[at] = 2
    slab.set(signed, at + 1)
    offsets[j + 1] = at + signed.length + 1
    hashBytes.set(keccak256(slab.subarray(at, offsets[j + 1])), j * 32)
  }
  return {
    raw: (j: number) => hex(slab.subarray(offsets[j], offsets[j + 1])),
    hash: (j: number) => hex(hashBytes.subarray(j * 32, j * 32 + 32)),
  }
}

/** The resident memory of process `pid` in MiB (Linux /proc), or NaN where it cannot be read. */
function rssMb(pid: number | undefined): number {
  if (!pid) return Number.NaN
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Math.round(Number(m[1]) / 1024) : Number.NaN
  } catch {
    return Number.NaN
  }
}

/** Funds every sender with 100 ETH from the dev accounts and waits until all are funded. */
async function fund(rpc: RpcClient, o: SoakOptions, chainId: number) {
  const devs = devAccounts().map((d) => privateKeyToAccount(d.privateKey))
  const nonces = await batchAll(
    rpc,
    devs.map((d) => ({ method: 'eth_getTransactionCount', params: [d.address, 'pending'] })),
  )
  const next = nonces.map((r) => Number(BigInt(resultOf<Hex>(r, 'eth_getTransactionCount'))))
  const senders = Array.from({ length: o.senders }, (_, i) => privateKeyToAccount(senderKey(o.seed, i)).address)
  const signed = await Promise.all(
    senders.map((to, i) => {
      const d = i % devs.length
      return devs[d].signTransaction({
        type: 'eip1559',
        chainId,
        nonce: next[d]++,
        to,
        value: 100n * 10n ** 18n,
        gas: GAS,
        maxFeePerGas: MAX_FEE_PER_GAS,
        maxPriorityFeePerGas: MAX_PRIORITY_FEE_PER_GAS,
      })
    }),
  )
  for (let k = 0; k < signed.length; k += 100)
    await batchAll(
      rpc,
      signed.slice(k, k + 100).map((raw) => ({ method: 'eth_sendRawTransaction', params: [raw] })),
    )
  const deadline = Date.now() + 60_000
  for (;;) {
    const balances = await batchAll(
      rpc,
      senders.map((a: Address) => ({ method: 'eth_getBalance', params: [a, 'latest'] })),
    )
    if (balances.every((b) => BigInt(resultOf<Hex>(b, 'eth_getBalance')) > 0n)) return
    if (Date.now() > deadline) throw new Error('soak: the senders were not funded within 60 s')
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Runs a soak against a freshly started node. */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  // Everything is signed before the node starts (on a fresh chain every sender starts at nonce 0).
  const total = Math.round(o.rate * o.seconds)
  const tSign = performance.now()
  const signed = presign(o, DEFAULT_CHAIN_ID, total)
  o.log(`soak: signed ${total} transfers in ${((performance.now() - tSign) / 1000).toFixed(1)} s`)
  const node = await startNode({
    chainId: DEFAULT_CHAIN_ID,
    env: { BLOCK_TIME_MS: String(o.blockTimeMs), LOG_LEVEL: 'warn' },
  })
  try {
    const rpc = createRpcClient(node.url)
    await fund(rpc, o, DEFAULT_CHAIN_ID)
    o.log(`soak: ${o.senders} senders funded; sending ${o.rate}/s for ${o.seconds} s`)

    const sentAt = new Map<Hex, number>()
    const windowLatencies: number[] = []
    const windows: SoakWindow[] = []
    let sent = 0
    let rejected = 0
    let included = 0
    let failed = 0
    let inFlight = 0
    let windowStart = { sent: 0, rejected: 0, included: 0 }
    let stopPolling = false

    // Receipts: every new block's receipts, matched against what was sent.
    let head = BigInt(await rpc.call<Hex>('eth_blockNumber'))
    const poll = (async () => {
      while (!stopPolling) {
        const now = BigInt(await rpc.call<Hex>('eth_blockNumber'))
        for (let n = head + 1n; n <= now; n++) {
          const receipts = await rpc.call<{ transactionHash: Hex; status: Hex }[]>('eth_getBlockReceipts', [
            `0x${n.toString(16)}`,
          ])
          const seen = performance.now()
          for (const r of receipts ?? []) {
            const at = sentAt.get(r.transactionHash)
            if (at === undefined) continue
            sentAt.delete(r.transactionHash)
            included++
            if (r.status !== '0x1') failed++
            windowLatencies.push(seen - at)
          }
        }
        head = now
        await new Promise((r) => setTimeout(r, 50))
      }
    })()

    const t0 = performance.now()
    const closeWindow = async () => {
      const [status] = await batchAll(rpc, [{ method: 'txpool_status', params: [] }])
      const pending = Number(BigInt((status.result as { pending?: Hex } | undefined)?.pending ?? '0x0'))
      const w: SoakWindow = {
        t: Math.round((performance.now() - t0) / 1000),
        sent: sent - windowStart.sent,
        rejected: rejected - windowStart.rejected,
        included: included - windowStart.included,
        includedTps: Math.round((included - windowStart.included) / o.windowSeconds),
        latencyMs: percentiles(windowLatencies),
        rssMb: rssMb(node.pid()),
        pending,
      }
      windows.push(w)
      windowLatencies.length = 0
      windowStart = { sent, rejected, included }
      o.log(
        `soak: ${String(w.t).padStart(4)} s  sent ${w.sent}  included ${w.included} (${w.includedTps} tx/s)  p50/p99 ${w.latencyMs.p50}/${w.latencyMs.p99} ms  rss ${w.rssMb} MiB  pending ${w.pending}${w.rejected ? `  refused ${w.rejected}` : ''}`,
      )
    }

    // Paced sending: at time t, rate * t txs may have gone; batches of `batch`, at most `inFlight` at once.
    let nextWindow = o.windowSeconds
    let firstRejection: string | undefined
    while (sent < total) {
      const elapsed = (performance.now() - t0) / 1000
      if (elapsed >= nextWindow) {
        nextWindow += o.windowSeconds
        await closeWindow()
      }
      const allowed = Math.min(total, Math.floor(o.rate * elapsed))
      if (sent + o.batch > allowed && allowed < total) {
        await new Promise((r) => setTimeout(r, 5))
        continue
      }
      if (inFlight >= o.inFlight) {
        await new Promise((r) => setTimeout(r, 1))
        continue
      }
      const from = sent
      const to = Math.min(total, from + o.batch)
      sent = to
      inFlight++
      const at = performance.now()
      const batchHashes = Array.from({ length: to - from }, (_, k) => signed.hash(from + k))
      for (const h of batchHashes) sentAt.set(h, at)
      void rpc
        .batch(batchHashes.map((_, k) => ({ method: 'eth_sendRawTransaction', params: [signed.raw(from + k)] })))
        .then((replies) =>
          replies.forEach((reply, k) => {
            if (!reply.error) return
            rejected++
            firstRejection ??= `${reply.error.code} ${reply.error.message}`
            sentAt.delete(batchHashes[k])
          }),
        )
        .catch((err) => {
          rejected += to - from
          firstRejection ??= (err as Error).message
          for (const h of batchHashes) sentAt.delete(h)
        })
        .finally(() => {
          inFlight--
        })
    }
    // Drain: wait for the last receipts (at most 30 s), then close the last window.
    const drainUntil = performance.now() + 30_000
    while ((sentAt.size > 0 || inFlight > 0) && performance.now() < drainUntil)
      await new Promise((r) => setTimeout(r, 100))
    await closeWindow()
    stopPolling = true
    await poll

    // Bounds: the first full windows (skipping the first, which includes start-up) against the last ones.
    const full = windows.slice(0, -1) // the drain window is partial
    // Three windows each side (medians): one noisy window on a shared machine does not decide the verdict.
    const early = full.slice(1, 4)
    const late = full.slice(-3)
    const fold = (ws: SoakWindow[]) => ({
      p99: median(ws.map((w) => w.latencyMs.p99)),
      rssMb: median(ws.map((w) => w.rssMb)),
      includedTps: median(ws.map((w) => w.includedTps)),
    })
    const baseline = fold(early)
    const last = fold(late)
    const bounds = {
      p99: Math.round(baseline.p99 * o.maxLatencyGrowth + 100),
      rssMb: baseline.rssMb + o.maxRssGrowthMb,
      includedTps: Math.round(o.rate * 0.95),
    }
    const problems: string[] = []
    if (full.length < 7) problems.push(`too short to judge: ${full.length} full windows (need 7)`)
    if (last.p99 > bounds.p99) problems.push(`latency grew: p99 ${last.p99} ms > bound ${bounds.p99} ms`)
    if (last.rssMb > bounds.rssMb) problems.push(`memory grew: ${last.rssMb} MiB > bound ${bounds.rssMb} MiB`)
    if (last.includedTps < bounds.includedTps)
      problems.push(`fell behind: ${last.includedTps} tx/s included < ${bounds.includedTps} (95% of the rate)`)
    if (rejected) problems.push(`${rejected} txs refused, e.g. ${firstRejection}`)
    if (failed) problems.push(`${failed} txs included with status 0`)
    if (sentAt.size) problems.push(`${sentAt.size} accepted txs not included 30 s after the last send`)
    return {
      rate: o.rate,
      seconds: o.seconds,
      windows,
      sent,
      rejected,
      included,
      failed,
      missing: sentAt.size,
      baseline,
      last,
      bounds,
      pass: problems.length === 0,
      problems,
    }
  } catch (err) {
    o.log(`soak: the node's last output:\n${node.logs().slice(-4000)}`)
    throw err
  } finally {
    await node.stop('SIGTERM')
  }
}

/** The soak's table: one row per window, then the verdict. */
export function formatSoak(r: SoakResult): string {
  const rows = r.windows.map(
    (w) =>
      `| ${w.t} | ${w.sent.toLocaleString('en-US')} | ${w.included.toLocaleString('en-US')} | ${w.includedTps.toLocaleString('en-US')} | ${w.latencyMs.p50} / ${w.latencyMs.p99} | ${w.rssMb} | ${w.pending} |`,
  )
  return [
    `soak: ${r.rate} tx/s for ${r.seconds} s — sent ${r.sent}, included ${r.included}, refused ${r.rejected}, status 0: ${r.failed}, missing ${r.missing}`,
    '| t (s) | sent | included | included tx/s | latency p50 / p99 ms | node RSS MiB | pool pending |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `first full windows: p99 ${r.baseline.p99} ms, RSS ${r.baseline.rssMb} MiB, ${r.baseline.includedTps} tx/s; last: p99 ${r.last.p99} ms, RSS ${r.last.rssMb} MiB, ${r.last.includedTps} tx/s`,
    `bounds: p99 <= ${r.bounds.p99} ms, RSS <= ${r.bounds.rssMb} MiB, included >= ${r.bounds.includedTps} tx/s, nothing refused, failed or missing`,
    r.pass ? 'PASS' : `FAIL: ${r.problems.join('; ')}`,
  ].join('\n')
}
