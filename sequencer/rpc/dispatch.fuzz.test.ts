import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { bytesToHex, type Hex, hexToBytes } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccounts } from '../../core/chain/devAccounts.ts'
import { readConfig } from '../../core/config/config.ts'
import { createLogger } from '../../core/log/logger.ts'
import { createBlockProducer } from '../block/createBlockProducer.ts'
import { createNode, type Node } from '../node/createNode.ts'
import { createDispatcher, type Dispatcher } from './dispatch.ts'
import { createMethodTable } from './methods/createMethodTable.ts'
import { submitRawTransaction } from './methods/txMethods.ts'

// CI: a fixed seed and a few thousand cases in all. Long mode: FUZZ_RUNS=100000 (FUZZ_SEED=n for another seed).
const RUNS = Number(process.env.FUZZ_RUNS ?? 0)
const params = (ciRuns: number): fc.Parameters<unknown> => ({
  numRuns: RUNS || ciRuns,
  seed: Number(process.env.FUZZ_SEED ?? 7_700_003),
})
const TIMEOUT = RUNS ? 24 * 3600_000 : undefined

const MAX_BATCH = 6
/** Every code a client may see from this node; -32603 (an unexpected exception) is not among them. */
const KNOWN_CODES = new Set([-32700, -32600, -32601, -32602, -32000, -32001, -32003, -32005, 3, 4])

let dir: string
let node: Node
let dispatcher: Dispatcher
let methodNames: string[]
let closeTable: () => void
let txHash: Hex
let blockHash: Hex

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dispatch-fuzz-'))
  const log = createLogger({ level: 'silent' })
  node = await createNode({ config: readConfig({ DATA_DIR: dir, EXECUTOR_WORKERS: '0', LOG_MAX_RANGE: '100' }), log })
  // One block with a tx, so that lookups by hash and number find something.
  const producer = createBlockProducer(node)
  producer.start()
  const raw = await privateKeyToAccount(devAccounts()[0].privateKey).signTransaction({
    chainId: 901901,
    type: 'eip1559',
    nonce: 0,
    to: devAccounts()[1].address,
    value: 1n,
    gas: 21_000n,
    maxFeePerGas: 10n ** 10n,
    maxPriorityFeePerGas: 1n,
  })
  txHash = await submitRawTransaction(node, hexToBytes(raw))
  while (node.head().number < 1n) await new Promise((r) => setTimeout(r, 5))
  await producer.stop()
  blockHash = node.head().hash
  const table = createMethodTable(node, { pendingBaseFee: () => 1_000_000n })
  closeTable = table.close
  methodNames = Object.keys(table.methods)
  // A short call timeout: a random call that runs for seconds is a finding (-32002 is not a known code here).
  dispatcher = createDispatcher({
    methods: table.methods,
    log,
    limits: { maxBatchSize: MAX_BATCH, callTimeoutMs: 5000 },
  })
})
afterAll(async () => {
  closeTable?.()
  await node?.close()
  rmSync(dir, { recursive: true, force: true })
})

// --- arbitraries: JSON-RPC-shaped values, biased towards what Ethereum methods take

const hex = (b: Uint8Array) => bytesToHex(b)
const quantity = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 260n }).map((n) => `0x${n.toString(16)}`),
  fc.constantFrom('0x', '0x0', '0x00', '0x1', '0x01', '0xg', '1', '', '-0x1', '0x10000000000000000', '1e3'),
)
/** Mostly well-formed quantities (so calls get past validation), sometimes anything `quantity` gives. */
const fieldQuantity = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n }).map((n) => `0x${n.toString(16)}`) },
  { weight: 1, arbitrary: quantity },
)
const bytesOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(hex)
const knownHash = fc
  .constantFrom(
    () => txHash,
    () => blockHash,
  )
  .map((f) => f())
const hash32 = fc.oneof(bytesOf(32), knownHash)
const address = fc.oneof(bytesOf(20), fc.constantFrom(...devAccounts().map((a) => a.address)), bytesOf(19))
const data = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 80 }).map(hex) },
  { weight: 1, arbitrary: fc.constantFrom('0x0', '0xabc', 'zz') },
)
const tag = fc.constantFrom(
  'latest',
  'pending',
  'earliest',
  'safe',
  'finalized',
  '0x0',
  '0x1',
  '0x2',
  '0xffffffffffffffff',
)
const callObject = fc
  .record(
    {
      from: address,
      to: fc.oneof(address, fc.constant(null)),
      gas: fieldQuantity,
      gasPrice: fieldQuantity,
      maxFeePerGas: fieldQuantity,
      maxPriorityFeePerGas: fieldQuantity,
      value: fieldQuantity,
      data,
      nonce: fieldQuantity,
      type: fc.constantFrom('0x0', '0x1', '0x2', '0x3', '0x4', '0x7e'),
      accessList: fc.array(fc.record({ address, storageKeys: fc.array(hash32, { maxLength: 2 }) }), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .chain((o) =>
    // Now and then the calldata as `input` (geth's preferred name), or under both names.
    fc.constantFrom<Record<string, unknown>>(o, { ...o, input: o.data }, { ...o, data: undefined, input: o.data }),
  )
const filterObject = fc.record(
  {
    fromBlock: fc.oneof(tag, quantity),
    toBlock: fc.oneof(tag, quantity),
    address: fc.oneof(address, fc.array(address, { maxLength: 3 })),
    topics: fc.array(fc.oneof(hash32, fc.constant(null), fc.array(hash32, { maxLength: 2 })), { maxLength: 5 }),
    blockHash: hash32,
  },
  { requiredKeys: [] },
)
const blockRef = fc.oneof(
  tag,
  quantity,
  fc.record({ blockHash: hash32, requireCanonical: fc.boolean() }, { requiredKeys: ['blockHash'] }),
  fc.record({ blockNumber: fc.oneof(tag, quantity) }),
)
const leaf = fc.oneof(
  { weight: 3, arbitrary: quantity },
  { weight: 2, arbitrary: hash32 },
  { weight: 2, arbitrary: address },
  { weight: 2, arbitrary: data },
  { weight: 3, arbitrary: blockRef },
  { weight: 2, arbitrary: callObject },
  { weight: 2, arbitrary: filterObject },
  { weight: 1, arbitrary: fc.array(fc.double({ noNaN: true }), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.constant(null), fc.integer(), fc.string({ maxLength: 20 })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
)
const methodName = fc.oneof(
  // chain: the table's names are known only once beforeAll has built it
  { weight: 8, arbitrary: fc.constant(null).chain(() => fc.constantFrom(...methodNames)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'eth_',
      'debug_traceTransaction',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
)
const bool = fc.boolean()
const tagOrNumber = fc.oneof(tag, quantity)
const index = fc.oneof(fc.constantFrom('0x0', '0x1'), fieldQuantity)
const filterId = fc.oneof(bytesOf(16), fc.string({ maxLength: 10 }))
/** Each method's parameters, position by position, so that calls get past arity and type checks. */
const signatures: Record<string, fc.Arbitrary<unknown>[]> = {
  eth_getBlockByNumber: [tagOrNumber, bool],
  eth_getBlockByHash: [hash32, bool],
  eth_getBlockTransactionCountByNumber: [tagOrNumber],
  eth_getBlockTransactionCountByHash: [hash32],
  eth_getTransactionByBlockNumberAndIndex: [tagOrNumber, index],
  eth_getTransactionByBlockHashAndIndex: [hash32, index],
  eth_getTransactionByHash: [hash32],
  eth_getRawTransactionByHash: [hash32],
  eth_getTransactionReceipt: [hash32],
  eth_getBlockReceipts: [blockRef],
  rollup_getBlockExecutionStats: [tagOrNumber],
  eth_feeHistory: [
    fc.oneof(quantity, fc.integer({ min: -5, max: 5000 })),
    tagOrNumber,
    fc.array(fc.double(), { maxLength: 4 }),
  ],
  eth_getLogs: [filterObject],
  eth_newFilter: [filterObject],
  eth_uninstallFilter: [filterId],
  eth_getFilterChanges: [filterId],
  eth_getFilterLogs: [filterId],
  rollup_getBatch: [index],
  rollup_getBatchByL2Block: [tagOrNumber],
  eth_getBalance: [address, blockRef],
  eth_getTransactionCount: [address, blockRef],
  eth_getCode: [address, blockRef],
  eth_getStorageAt: [address, fc.oneof(quantity, hash32), blockRef],
  eth_call: [callObject, blockRef],
  eth_estimateGas: [callObject, blockRef],
  eth_createAccessList: [callObject, blockRef],
  eth_sendRawTransaction: [data],
  eth_sendRawTransactionSync: [data, quantity],
  web3_sha3: [data],
}
/** Params for `method`: its signature (sometimes one argument short, or one too many), else anything. */
const paramsFor = (method: string): fc.Arbitrary<unknown> => {
  const anything = fc.oneof(
    { weight: 6, arbitrary: fc.array(leaf, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.jsonValue() },
  )
  if (!Object.hasOwn(signatures, method)) return anything // not `signatures[method]`: 'toString' is a method name too
  const signature = signatures[method]
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(...signature) },
    { weight: 1, arbitrary: fc.tuple(...signature).map((p) => p.slice(0, -1)) },
    { weight: 1, arbitrary: fc.tuple(...signature, leaf) },
    { weight: 1, arbitrary: anything },
  )
}
/** A call the dispatcher must answer: a real method (mostly) with plausible, random params. */
const call = methodName.chain((method) =>
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: fc.oneof(fc.nat(), fc.string({ maxLength: 8 })),
    method: fc.constant(method),
    params: paramsFor(method),
  }),
)
/** Anything shaped a bit like a request, each field possibly wrong or missing. */
const looseRequest = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.jsonValue({ maxDepth: 1 })),
    id: fc.oneof(fc.nat(), fc.string({ maxLength: 8 }), fc.constant(null), fc.double(), fc.jsonValue({ maxDepth: 1 })),
    method: fc.oneof(methodName, fc.jsonValue({ maxDepth: 1 })),
    params: fc.oneof(fc.array(leaf, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
  },
  { requiredKeys: [] },
)
const body = fc.oneof(
  { weight: 3, arbitrary: looseRequest },
  { weight: 2, arbitrary: fc.array(looseRequest, { maxLength: MAX_BATCH + 2 }) },
  { weight: 1, arbitrary: fc.jsonValue() },
)

// --- the oracle: what JSON-RPC 2.0 (as geth applies it) says the answer to `request` must be

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const validId = (m: Obj) => m.id === undefined || m.id === null || typeof m.id === 'string' || typeof m.id === 'number'
const validShape = (m: Obj) =>
  m.jsonrpc === '2.0' &&
  typeof m.method === 'string' &&
  (m.params === undefined || m.params === null || typeof m.params === 'object')
const isNotification = (m: unknown) => isObject(m) && validId(m) && !Object.hasOwn(m, 'id') && validShape(m)

/** Checks one response object against the request it answers. */
function expectAnswer(request: unknown, response: unknown, context: string) {
  expect(isObject(response), context).toBe(true)
  const r = response as Obj
  expect(r.jsonrpc, context).toBe('2.0')
  expect(Object.hasOwn(r, 'result') !== Object.hasOwn(r, 'error'), `one of result/error: ${context}`).toBe(true)
  const echoes = isObject(request) && validId(request)
  expect(r.id, context).toEqual(echoes ? ((request as Obj).id ?? null) : null)
  if (Object.hasOwn(r, 'error')) {
    const e = r.error as Obj
    expect(KNOWN_CODES.has(e.code as number), `code ${String(e.code)} (${String(e.message)}): ${context}`).toBe(true)
    expect(typeof e.message, context).toBe('string')
    if (!echoes || !validShape(request as Obj)) expect(e.code, context).toBe(-32600)
  }
}

/** Checks the whole response text for a body that parsed to `request`. */
function expectResponse(request: unknown, text: string | undefined, context: string): void {
  if (!Array.isArray(request)) {
    if (isNotification(request)) expect(text, context).toBeUndefined()
    else expectAnswer(request, JSON.parse(text!), context)
  } else if (request.length === 0) {
    expectAnswer(null, JSON.parse(text!), context)
  } else if (request.length > MAX_BATCH) {
    const parsed = JSON.parse(text!)
    expect(parsed, context).toHaveLength(1)
    expect(parsed[0].error.code, context).toBe(-32600)
  } else {
    const answered = request.filter((m) => !isNotification(m))
    if (answered.length === 0) expect(text, context).toBeUndefined()
    else {
      const parsed = JSON.parse(text!)
      expect(parsed, context).toHaveLength(answered.length)
      for (const [i, m] of answered.entries()) expectAnswer(m, parsed[i], context)
    }
  }
}

describe('dispatch fuzz (real method table)', () => {
  it(
    'behavior: arbitrary strings are answered with -32700 or a well-formed response, never an exception',
    async () => {
      const text = fc.oneof(
        fc.string({ maxLength: 200, unit: 'binary' }),
        // Almost-JSON: valid bodies cut short, with junk spliced in.
        fc.tuple(body, fc.nat(), fc.string({ maxLength: 4 })).map(([b, at, junk]) => {
          const s = JSON.stringify(b)
          const cut = at % (s.length + 1)
          return s.slice(0, cut) + junk + s.slice(cut)
        }),
      )
      await fc.assert(
        fc.asyncProperty(text, async (input) => {
          const out = await dispatcher.handle(input)
          let request: unknown
          try {
            request = JSON.parse(input)
          } catch {
            const parseError = { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }
            expect(JSON.parse(out!), input).toEqual(parseError)
            return
          }
          expectResponse(request, out, input)
        }),
        params(800),
      )
    },
    TIMEOUT,
  )

  it(
    'behavior: arbitrary JSON values and request-shaped objects get well-formed answers with the right codes',
    async () => {
      await fc.assert(
        fc.asyncProperty(body, async (value) => {
          const input = JSON.stringify(value)
          expectResponse(JSON.parse(input), await dispatcher.handle(input), input)
        }),
        params(800),
      )
    },
    TIMEOUT,
  )

  it(
    'behavior: every method, with random plausible params, answers a result or a known error code (never -32603)',
    async () => {
      await fc.assert(
        fc.asyncProperty(call, async (request) => {
          const input = JSON.stringify(request)
          expectResponse(JSON.parse(input), await dispatcher.handle(input), input)
        }),
        params(1500),
      )
      // The node still works after all of it.
      expect(JSON.parse((await dispatcher.handle('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}'))!)).toEqual({
        jsonrpc: '2.0',
        id: 1,
        result: '0x1',
      })
    },
    TIMEOUT,
  )
})
