import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { Registry } from 'prom-client'
import { type Hex, hexToBytes, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, test } from 'vitest'
import { devAccounts } from '../../core/chain/devAccounts.ts'
import { ConfigError, readConfig } from '../../core/config/config.ts'
import { createLogger } from '../../core/log/logger.ts'
import { redisOptions } from '../../core/queue/redisOptions.ts'
import { createOutboxStore } from '../../core/storage/outboxStore.ts'
import { createBlockProducer } from '../block/createBlockProducer.ts'
import { createDashboardFeed } from '../dashboard/createDashboardFeed.ts'
import { createBatchPipelineReader } from '../dashboard/readBatchPipeline.ts'
import { summarizeMempool } from '../dashboard/summarizeMempool.ts'
import { createBlockRecorder } from '../metrics/createBlockRecorder.ts'
import { createNodeMetrics } from '../metrics/createNodeMetrics.ts'
import { observeRpcMethods } from '../metrics/observeRpcMethods.ts'
import { createNode } from '../node/createNode.ts'
import { createMethodTable } from '../rpc/methods/createMethodTable.ts'
import { submitRawTransaction } from '../rpc/methods/txMethods.ts'
import { AdminPortInUseError, type AdminServer, createAdminServer } from './createAdminServer.ts'

const REDIS_URL = 'redis://127.0.0.1:6379'
const silent = createLogger({ level: 'silent' })
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function started(server: AdminServer) {
  const { url } = await server.start()
  cleanups.push(() => server.close())
  return url
}

async function redisAnswers(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  r.on('error', () => {})
  try {
    await r.connect()
    return (await r.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    r.disconnect()
  }
}
const redisUp = await redisAnswers()

/** A GET with a Host header of our choosing (fetch does not let a page set it, and neither does undici). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('createAdminServer', () => {
  test('default: /metrics has the node series after a block', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'admin-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    // one worker, parallel from 2 txs: the block runs through the parallel executor and has lanes
    const config = readConfig({ DATA_DIR: dataDir, EXECUTOR_WORKERS: '1', EXECUTOR_MIN_PARALLEL_TXS: '2' })
    const node = await createNode({ config, log: silent })
    cleanups.push(() => node.close())
    const recorder = createBlockRecorder(node)
    node.executor = recorder.observe(node.executor)
    const outbox = createOutboxStore(node.db)
    const metrics = createNodeMetrics({ recorder, mempool: node.mempool, outbox, head: () => node.head().number })
    const feed = createDashboardFeed({
      chainId: config.CHAIN_ID,
      recorder,
      chain: node.chain,
      mempool: () => summarizeMempool(node.mempool),
      batches: createBatchPipelineReader({ db: node.db, outbox }),
    })
    cleanups.push(() => feed.close())
    const url = await started(
      createAdminServer({ host: '127.0.0.1', port: 0, log: silent, registry: metrics.registry, dashboard: feed }),
    )

    // two senders, EVM calls (data) to one shared recipient: two lanes, and the second re-executes
    const raws: Hex[] = []
    for (const a of devAccounts().slice(0, 2))
      raws.push(
        await privateKeyToAccount(a.privateKey).signTransaction({
          chainId: config.CHAIN_ID,
          type: 'eip1559',
          nonce: 0,
          to: '0x000000000000000000000000000000000000beef',
          value: parseEther('1'),
          data: '0x01',
          gas: 30_000n,
          maxFeePerGas: 10n ** 10n,
          maxPriorityFeePerGas: 1n,
        }),
      )
    for (const raw of raws) await submitRawTransaction(node, hexToBytes(raw))
    const { methods, close } = createMethodTable(node, { pendingBaseFee: () => 1n })
    cleanups.push(close)
    const observed = observeRpcMethods(methods, metrics)
    const ctx = { transport: 'http', clientId: 'test' } as const
    expect(await observed.eth_chainId([], ctx)).toBe('0xdc30d')
    await expect(async () => observed.eth_getBalance(['not an address'], ctx)).rejects.toThrow()
    expect(
      (await (await fetch(`${url}/metrics`)).text()).match(
        /^rollup_mempool_transactions\{pool="pending"\} (\d+)$/m,
      )?.[1],
    ).toBe('2')

    await createBlockProducer(node).produceBlock()
    const res = await fetch(`${url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `))
      return line === undefined ? undefined : Number(line.slice(series.length + 1))
    }
    expect(value('rollup_blocks_total')).toBe(1)
    expect(value('rollup_transactions_total')).toBe(2)
    expect(value('rollup_head_block')).toBe(1)
    expect(value('rollup_block_build_seconds_count{phase="total"}')).toBe(1)
    expect(value('rollup_block_build_seconds_count{phase="state_root"}')).toBe(1)
    expect(value('rollup_executor_blocks_total{mode="parallel"}')).toBe(1)
    expect(value('rollup_executor_lanes_sum')).toBe(2)
    expect(value('rollup_executor_speculative_hits_total')! + value('rollup_executor_reexecutions_total')!).toBe(2)
    expect(value('rollup_mempool_transactions{pool="pending"}')).toBe(0)
    expect(value('rollup_batches{status="sealed"}')).toBe(0)
    expect(value('rollup_prover_lag_batches')).toBe(0)
    expect(value('rollup_rpc_request_duration_seconds_count{method="eth_chainId"}')).toBe(1)
    expect(value('rollup_rpc_errors_total{method="eth_getBalance",code="-32602"}')).toBe(1)
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m)

    // the dashboard's snapshot has the block with its lanes
    const snap = (await (await fetch(`${url}/api/snapshot`)).json()) as {
      blocks: {
        number: string
        mode: string
        lanes: number
        reExecutions: number
        picture: { txLanes: number[]; reExecuted: number[] } | null
      }[]
    }
    const block = snap.blocks.find((b) => b.number === '1')
    expect(block).toMatchObject({ mode: 'parallel', lanes: 2 })
    // one lane per sender, in block order; every re-executed tx was included, so all are pictured
    expect(block!.picture!.txLanes).toHaveLength(2)
    expect(new Set(block!.picture!.txLanes).size).toBe(2)
    expect(block!.picture!.reExecuted).toHaveLength(block!.reExecutions)
  })

  test('error: refuses a non-loopback host unless allowed', () => {
    const registry = new Registry()
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'example.com'])
      expect(() => createAdminServer({ host, port: 0, log: silent, registry }), host).toThrow(ConfigError)
    expect(() => createAdminServer({ host: '0.0.0.0', port: 0, log: silent, registry })).toThrow(
      /ADMIN_HOST: 0\.0\.0\.0 is not a loopback address[\s\S]*ADMIN_ALLOW_PUBLIC=true/,
    )
    // allowed: constructed (not started, so nothing listens on a public address here)
    expect(() =>
      createAdminServer({ host: '0.0.0.0', port: 0, allowPublic: true, log: silent, registry }),
    ).not.toThrow()
  })

  test('behavior: a request naming another host is refused (DNS rebinding)', async () => {
    const url = await started(createAdminServer({ host: '127.0.0.1', port: 0, log: silent, registry: new Registry() }))
    expect(await getWithHost(`${url}/metrics`, 'localhost:8547')).toBe(200)
    expect(await getWithHost(`${url}/metrics`, 'attacker.example:8547')).toBe(403)
  })

  test('error: a port in use is an AdminPortInUseError', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    cleanups.push(() => new Promise((r) => blocker.close(r)))
    const port = (blocker.address() as { port: number }).port
    const server = createAdminServer({ host: '127.0.0.1', port, log: silent, registry: new Registry() })
    await expect(server.start()).rejects.toBeInstanceOf(AdminPortInUseError)
    await server.close()
  })

  test.skipIf(!redisUp)('behavior: the queue board answers 200 and is read-only (needs Redis)', async () => {
    const prefix = `admin-test-${randomUUID()}`
    const name = 'post-batches-0x00000000000000000000000000000000000000aa'
    const queue = new Queue(name, { connection: redisOptions(REDIS_URL, 'queue'), prefix })
    cleanups.push(async () => {
      await queue.obliterate({ force: true })
      await queue.close()
    })
    await queue.add('post', { index: 0 }, { jobId: 'batch-0' })
    const url = await started(
      createAdminServer({
        host: '127.0.0.1',
        port: 0,
        log: silent,
        registry: new Registry(),
        queues: { names: [name], prefix, redisUrl: REDIS_URL },
      }),
    )
    const page = await fetch(`${url}/queues`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<html')
    const api = await fetch(`${url}/queues/api/queues`)
    expect(api.status).toBe(200)
    const body = (await api.json()) as { queues: { name: string; counts: Record<string, number> }[] }
    expect(body.queues.map((q) => q.name)).toEqual([name])
    expect(body.queues[0].counts.waiting).toBe(1)
    // read-only: emptying the queue is refused and the job stays
    const empty = await fetch(`${url}/queues/api/queues/${encodeURIComponent(name)}/empty`, { method: 'PUT' })
    expect(empty.status).toBe(405)
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 })
  })
})
