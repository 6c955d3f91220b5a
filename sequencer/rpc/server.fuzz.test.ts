import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { readConfig } from '../../core/config/config.ts'
import { createLogger } from '../../core/log/logger.ts'
import { type BlockProducer, createBlockProducer } from '../block/createBlockProducer.ts'
import { chainEvents } from '../node/chainEvents.ts'
import { createNode, type Node } from '../node/createNode.ts'
import { createMethodTable } from './methods/createMethodTable.ts'
import { createRpcServer, type RpcServer } from './server.ts'

// CI: a fixed seed and a few hundred bodies. Long mode: FUZZ_RUNS=100000 (FUZZ_SEED=n for another seed).
const RUNS = Number(process.env.FUZZ_RUNS ?? 0)
const params = (ciRuns: number): fc.Parameters<unknown> => ({
  numRuns: RUNS || ciRuns,
  seed: Number(process.env.FUZZ_SEED ?? 7_700_004),
})
const TIMEOUT = RUNS ? 24 * 3600_000 : undefined

const MAX_BODY = 16 * 1024
const MAX_WS_MESSAGE = 16 * 1024

let dir: string
let node: Node
let producer: BlockProducer
let server: RpcServer
let closeTable: () => void
let url: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'server-fuzz-'))
  const log = createLogger({ level: 'silent' })
  // Empty blocks every 50 ms: the head moves, so "the node keeps working" is visible.
  node = await createNode({ config: readConfig({ DATA_DIR: dir, EXECUTOR_WORKERS: '0', IDLE_BLOCK_MS: '50' }), log })
  producer = createBlockProducer(node)
  producer.start()
  const table = createMethodTable(node, { pendingBaseFee: () => 1_000_000n })
  closeTable = table.close
  server = createRpcServer({
    methods: table.methods,
    events: chainEvents(node),
    log,
    port: 0,
    limits: { maxBodyBytes: MAX_BODY, maxWsMessageBytes: MAX_WS_MESSAGE, maxBatchSize: 20 },
  })
  ;({ url } = await server.start())
})
afterAll(async () => {
  await server?.close()
  await producer?.stop()
  closeTable?.()
  await node?.close()
  rmSync(dir, { recursive: true, force: true })
})

const blockNumberBody = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}'
async function blockNumber(): Promise<bigint> {
  const res = await fetch(url, {
    method: 'POST',
    body: blockNumberBody,
    headers: { 'content-type': 'application/json' },
  })
  const { result } = (await res.json()) as { result: string }
  return BigInt(result)
}

/** Polls eth_blockNumber every few ms until stopped; counts the polls and every failure it saw. */
function poller() {
  let running = true
  const failures: string[] = []
  let polls = 0
  const done = (async () => {
    while (running) {
      try {
        const n = await blockNumber()
        if (n < 0n) failures.push(`bad block number ${n}`)
        polls++
      } catch (err) {
        failures.push(String(err))
      }
      await new Promise((r) => setTimeout(r, 5))
    }
  })()
  return {
    stop: async () => {
      running = false
      await done
      return { polls, failures }
    },
  }
}

const methods = ['eth_blockNumber', 'eth_getBalance', 'eth_call', 'eth_getLogs', 'eth_sendRawTransaction', 'nope']
const request = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.jsonValue({ maxDepth: 1 })),
    id: fc.oneof(fc.nat(), fc.string({ maxLength: 6 }), fc.constant(null)),
    method: fc.oneof(fc.constantFrom(...methods), fc.string({ maxLength: 8 })),
    params: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
  },
  { requiredKeys: [] },
)
/** A request body: raw bytes, text, JSON of all sorts, batches (some over the limit), and oversized bodies. */
const body = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 500, unit: 'binary' }) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 3, arbitrary: request.map((r) => JSON.stringify(r)) },
  { weight: 2, arbitrary: fc.array(request, { maxLength: 25 }).map((r) => JSON.stringify(r)) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: MAX_BODY - 10, max: MAX_BODY * 4 }).map((n) => `[${' '.repeat(n)}]`),
  },
)
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  undefined,
)

describe('JSON-RPC server fuzz (real node, real HTTP and WebSocket)', () => {
  it(
    'behavior: random bodies get 200 with a JSON-RPC body (or none), or 413 when too large; eth_blockNumber keeps answering',
    async () => {
      const before = await blockNumber()
      const poll = poller()
      await fc.assert(
        fc.asyncProperty(body, contentType, async (payload, type) => {
          const res = await fetch(url, {
            method: 'POST',
            body: payload,
            headers: type === undefined ? {} : { 'content-type': type },
          })
          const text = await res.text()
          const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length
          if (size > MAX_BODY) {
            expect(res.status).toBe(413)
            return
          }
          expect(res.status, text).toBe(200)
          if (text !== '') {
            const parsed = JSON.parse(text)
            for (const r of Array.isArray(parsed) ? parsed : [parsed]) {
              expect(r.jsonrpc).toBe('2.0')
              if (r.error) expect(r.error.code, text).not.toBe(-32603)
            }
          }
        }),
        params(400),
      )
      const { polls, failures } = await poll.stop()
      expect(failures).toEqual([])
      expect(polls).toBeGreaterThan(0)
      // Blocks kept coming throughout.
      expect(await blockNumber()).toBeGreaterThan(before)
    },
    TIMEOUT,
  )

  it(
    'behavior: random WebSocket messages are answered and the connection stays usable',
    async () => {
      const ws = new WebSocket(url.replace('http', 'ws'))
      await once(ws, 'open')
      const inbox: string[] = []
      ws.on('message', (data) => inbox.push(data.toString()))
      const nextMessage = async () => {
        while (inbox.length === 0) {
          if (ws.readyState !== WebSocket.OPEN) throw new Error('connection closed')
          await new Promise((r) => setTimeout(r, 1))
        }
        return inbox.shift()!
      }
      const message = fc.oneof(
        fc.string({ maxLength: 300, unit: 'binary' }),
        request.map((r) => JSON.stringify({ ...r, id: 7 })),
        fc.array(request, { minLength: 1, maxLength: 5 }).map((r) => JSON.stringify(r.map((x) => ({ ...x, id: 7 })))),
      )
      let probes = 0
      await fc.assert(
        fc.asyncProperty(message, async (text) => {
          ws.send(text)
          // A probe right behind each message proves the connection still works; whatever else arrives
          // (the answer to the message, possibly after the probe's) must be well-formed JSON-RPC.
          const probe = `probe-${probes++}`
          ws.send(JSON.stringify({ jsonrpc: '2.0', id: probe, method: 'eth_blockNumber' }))
          for (;;) {
            const parsed = JSON.parse(await nextMessage())
            if (!Array.isArray(parsed) && parsed.id === probe) {
              expect(parsed.result).toMatch(/^0x/)
              break
            }
            for (const r of Array.isArray(parsed) ? parsed : [parsed]) {
              expect(r.jsonrpc).toBe('2.0')
              if (r.error) expect(r.error.code).not.toBe(-32603)
            }
          }
        }),
        params(300),
      )
      ws.close()
      await once(ws, 'close')
    },
    TIMEOUT,
  )
})
