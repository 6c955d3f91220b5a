// Size and speed of the batch codec on signed transfers. Run: node --import tsx core/batch/batch.bench.ts
// The figures in docs/batch-format.md come from this script.
import os from 'node:os'
import { batchPayloadSize } from './batchPayloadSize.ts'
import { blockPayloadSize } from './blockPayloadSize.ts'
import { decodeBatch } from './decodeBatch.ts'
import { DEFAULT_BROTLI_QUALITY, encodeBatch } from './encodeBatch.ts'
import { encodeBatchPayload } from './encodeBatchPayload.ts'
import { signedTransfersBatch } from './testing/signedTransfers.ts'

const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]
const time = (runs: number, fn: () => void): number => {
  fn() // warm up
  const wall: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    fn()
    wall.push(performance.now() - start)
  }
  return median(wall)
}
const ms = (value: number) => `${value.toFixed(2).padStart(7)} ms`

console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model}, load ${os.loadavg()[0].toFixed(2)}`)
for (const type of ['eip1559', 'legacy'] as const) {
  const batch = await signedTransfersBatch({ count: 1_000, senders: 50, type })
  const payload = encodeBatchPayload(batch)
  const txBytes = batch.blocks.reduce((n, b) => n + b.transactions.reduce((m, t) => m + (t.length - 2) / 2, 0), 0)
  console.log(
    `\n1,000 ${type} transfers from 50 senders, 10 blocks: ${txBytes / 1_000} bytes per tx, payload ${payload.length} bytes`,
  )
  console.log(`encodeBatchPayload ${ms(time(50, () => encodeBatchPayload(batch)))}`)
  const sized = () =>
    batchPayloadSize({ firstBlockNumber: 1n, blockBytes: batch.blocks.reduce((n, b) => n + blockPayloadSize(b), 0) })
  console.log(`blockPayloadSize x10 + batchPayloadSize ${ms(time(50, sized))}`)
  for (const quality of [0, 1, 3, 5, 7, 9, 10, 11]) {
    const data = encodeBatch(batch, { quality })
    const encode = time(quality >= 10 ? 5 : 30, () => encodeBatch(batch, { quality }))
    const decode = time(30, () => decodeBatch(data))
    const mark = quality === DEFAULT_BROTLI_QUALITY ? ' (default)' : ''
    console.log(
      `quality ${String(quality).padStart(2)}: ${data.length} bytes posted, ratio ${(data.length / payload.length).toFixed(3)}, ` +
        `encode ${ms(encode)}, decode ${ms(decode)}, ~${Math.floor((120_000 / data.length) * 1_000)} txs per 120,000 bytes${mark}`,
    )
  }
}
