import { EventEmitter } from 'node:events'
import { Counter, Histogram, Registry } from 'prom-client'
import type { Hex } from 'viem'
import { describe, expect, test } from 'vitest'
import type { BatchPost, OutboxBatch } from '../../core/storage/outboxStore.ts'
import type { Poster } from '../batcher/createPoster.ts'
import { observePoster } from './observePoster.ts'

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex
const post = (n: number, nonce: number): BatchPost => ({
  txHash: hash(n),
  batchIndex: 0,
  nonce,
  maxFeePerGas: 1n,
  maxPriorityFeePerGas: 1n,
  raw: '0x',
  sentAt: 0,
})
const batch = (over: Partial<OutboxBatch>): OutboxBatch => ({
  index: 0,
  status: 'posted',
  firstBlock: 1n,
  lastBlock: 2n,
  openedAt: 0,
  reposts: 0,
  ...over,
})

describe('observePoster', () => {
  test('default: post latency, fee bumps of the mined nonce, reorgs', async () => {
    const registry = new Registry()
    const metrics = {
      batchPostLatency: new Histogram({ name: 'l', help: 'l', registers: [registry] }),
      batchFeeBumps: new Counter({ name: 'b', help: 'b', registers: [registry] }),
      batchReorgs: new Counter({ name: 'r', help: 'r', registers: [registry] }),
    }
    const events: Poster['events'] = new EventEmitter()
    // nonce 5: sent, bumped twice, the second bump mined; nonce 4 was an earlier attempt (another nonce)
    const posts = [post(1, 4), post(2, 5), post(3, 5), post(4, 5)]
    const stop = observePoster({ events }, { outbox: { posts: () => posts }, metrics })
    events.emit('posted', batch({ sealedAt: 1_000, postedAt: 4_000, l1TxHash: hash(4) }))
    events.emit('reorged', batch({}))
    const value = async (name: string, metric = name) =>
      (await registry.getSingleMetric(name)!.get()).values.find(
        (v) => ((v as { metricName?: string }).metricName ?? name) === metric,
      )?.value
    expect(await value('b')).toBe(2)
    expect(await value('l', 'l_sum')).toBe(3)
    expect(await value('l', 'l_count')).toBe(1)
    expect(await value('r')).toBe(1)
    stop()
    events.emit('reorged', batch({}))
    expect(await value('r')).toBe(1)
  })
})
