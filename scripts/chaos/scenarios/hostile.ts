// Hostile input while the normal workload keeps running: malformed JSON, wrong JSON-RPC shapes, unknown methods and
// wrong params, a body over RPC_MAX_BODY_BYTES, a batch over RPC_MAX_BATCH, truncated and random RLP, wrong chain
// ids and bad signatures. Each must get the answer geth gives (the code below; a body too large: HTTP 413) and no
// hostile tx may be accepted. Afterwards the node is the same process, the hostile signer's balance and nonce have
// not moved, every workload tx is accounted for and, once they are all in blocks, every balance is exact.
// Transactions are signed by dev account 8 at its current nonce, so one that got through would show.
import { fromRlp, type Hex, hexToBigInt, keccak256, numberToHex, toHex, toRlp } from 'viem'
import { sign } from 'viem/accounts'
import { devAccount, HOSTILE_INDEX, MAX_FEE_PER_GAS, MAX_PRIORITY_FEE_PER_GAS, signTransfer } from '../accounts.ts'
import { checkTxsAndBlocks, sleep } from '../checks.ts'
import type { ChaosContext, ScenarioResult } from '../context.ts'
import { type Expect, judge, post } from './hostileHttp.ts'

/**
 * One hostile request: its body (a raw tx, `0x…`, is sent through eth_sendRawTransaction), how it is sent (fetch
 * by default; `early`: on a connection of its own, reading the answer while still writing) and the answer it must
 * get.
 */
type Probe = {
  name: string
  body: string | (() => string | Promise<string>)
  expect: Expect
  send?: 'early'
}

/** secp256k1's group order: s' = N - s is the malleable twin of a signature. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const CHAIN_ID = 901901
/** How long the hostile requests go on (whole rounds of every probe). */
const HOSTILE_MS = 10_000
const call = (method: string, params: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params })
const sendRaw = (raw: string) => call('eth_sendRawTransaction', [raw])

/** Runs every probe (several variants each) while the workload sends. */
export async function hostileScenario(ctx: ChaosContext): Promise<ScenarioResult> {
  const { devnet } = ctx
  const result: ScenarioResult = { scenario: 'hostile', runs: 0, failures: [], extraSent: 0, extraAccepted: 0 }
  const signer = devAccount(HOSTILE_INDEX)
  const [balanceBefore, nonceBefore] = await Promise.all([
    devnet.l2.call<Hex>('eth_getBalance', [signer.address, 'latest']),
    devnet.l2.call<Hex>('eth_getTransactionCount', [signer.address, 'pending']),
  ])
  const pid = devnet.node.pid()
  const rand = ctx.random
  const bytes = (n: number) => toHex(Uint8Array.from({ length: n }, () => Math.floor(rand() * 256)))
  const to = `0x${keccak256(toHex(`chaos hostile ${ctx.options.seed}`)).slice(-40)}` as Hex
  const signed = (chainId = CHAIN_ID) =>
    signTransfer(signer, { chainId, nonce: BigInt(nonceBefore), to, value: 1n }) as Promise<Hex>
  const valid = await signed()
  // a typed tx's fields after its type byte: [chainId, nonce, tip, feeCap, gas, to, value, data, accessList, v, r, s]
  const fieldsOf = (raw: Hex) => fromRlp(`0x${raw.slice(4)}`) as (Hex | Hex[])[]
  const reencode = (fields: (Hex | Hex[])[]) => `0x02${toRlp(fields as never).slice(2)}` as Hex
  const withSignature = (mutate: (f: (Hex | Hex[])[]) => void) => {
    const f = fieldsOf(valid)
    mutate(f)
    return reencode(f)
  }
  const unsignedFields = (): (Hex | Hex[])[] => [
    numberToHex(CHAIN_ID),
    nonceBefore === '0x0' ? '0x' : nonceBefore,
    numberToHex(MAX_PRIORITY_FEE_PER_GAS),
    numberToHex(MAX_FEE_PER_GAS),
    numberToHex(21_000),
    to,
    '0x01',
    '0x',
    [],
  ]
  // a signature over another message: it recovers to an address with no funds (or to none)
  const foreign = await sign({ hash: keccak256(toHex('not this tx')), privateKey: keccak256(toHex('nobody')) })

  const probes: Probe[] = [
    // malformed JSON: -32700
    ...[
      '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"',
      'not json',
      '{"jsonrpc":"2.0",,}',
      '[{"jsonrpc":"2.0"}',
      '\u0000\u0001',
    ].map((body) => ({ name: 'malformed JSON', body, expect: { code: -32700 } })),
    { name: 'malformed JSON', body: () => `{${bytes(64)}`, expect: { code: -32700 } },
    // wrong JSON-RPC shapes: -32600
    ...[
      '{}',
      '"eth_chainId"',
      '42',
      '[]',
      '{"jsonrpc":"1.0","id":1,"method":"eth_chainId","params":[]}',
      '{"jsonrpc":"2.0","id":1,"method":5,"params":[]}',
      '{"jsonrpc":"2.0","id":{"a":1},"method":"eth_chainId","params":[]}',
      '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":7}',
    ].map((body) => ({ name: 'wrong JSON-RPC shape', body, expect: { code: -32600 } })),
    { name: 'wrong JSON-RPC shape', body: '[1,"x",null]', expect: { code: -32600, batch: true } },
    // unknown methods: -32601; wrong params: -32602
    { name: 'unknown method', body: call('chaos_doesNotExist', []), expect: { code: -32601 } },
    { name: 'unknown method', body: call('eth_sendTransactionz', []), expect: { code: -32601 } },
    ...[[], [123], ['0xzz'], [null], [{ raw: valid }]].map((params) => ({
      name: 'wrong params',
      body: call('eth_sendRawTransaction', params),
      expect: { code: -32602 },
    })),
    { name: 'wrong params', body: call('eth_sendRawTransaction', { raw: valid }), expect: { code: -32602 } },
    { name: 'wrong params', body: call('eth_getBalance', ['0x1234', 'latest']), expect: { code: -32602 } },
    { name: 'wrong params', body: call('eth_getBlockByNumber', ['latest', 'yes']), expect: { code: -32602 } },
    // A body over RPC_MAX_BODY_BYTES (5 MiB): HTTP 413, as geth. The node answers and closes while the client is
    // still writing; without a lingering close the client's TCP stack may take a reset and lose the 413, so a reset
    // is counted in a note rather than failed (docs/chaos.md, known issues).
    {
      name: 'huge body',
      body: () => call('eth_sendRawTransaction', [`0x${'ab'.repeat(3 * 1024 * 1024)}`]),
      expect: { http: 413 },
      send: 'early',
    },
    // a batch over RPC_MAX_BATCH (1000): one -32600; a full batch of garbage txs: -32000 each
    {
      name: 'huge batch',
      body: () => `[${Array.from({ length: 1001 }, (_, i) => call('eth_chainId', [], i)).join(',')}]`,
      expect: { code: -32600, batch: true },
    },
    {
      name: 'huge batch',
      body: () =>
        `[${Array.from({ length: 1000 }, (_, i) => call('eth_sendRawTransaction', [bytes(40)], i)).join(',')}]`,
      expect: { code: -32000, batch: true },
    },
    // an oversized tx (128 KiB + 1): -32000 oversized data
    { name: 'huge tx', body: () => sendRaw(`0x02${'00'.repeat(128 * 1024)}`), expect: { code: -32000 } },
    // truncated RLP: a valid signed tx cut short anywhere
    ...Array.from({ length: 12 }, () => ({
      name: 'truncated RLP',
      body: () => sendRaw(valid.slice(0, 2 + 2 * (1 + Math.floor(rand() * ((valid.length - 2) / 2 - 1))))),
      expect: { code: -32000 },
    })),
    // random RLP: random bytes, behind each type byte; random well-formed RLP lists
    ...['', '01', '02', '03', '04', '05', '7f', 'c0'].map((prefix) => ({
      name: 'random RLP',
      body: () => sendRaw(`0x${prefix}${bytes(1 + Math.floor(rand() * 200)).slice(2)}`),
      expect: { code: -32000 },
    })),
    ...Array.from({ length: 6 }, (_, k) => ({
      name: 'random RLP',
      body: () =>
        sendRaw(
          `0x${k % 2 ? '02' : ''}${toRlp(Array.from({ length: Math.floor(rand() * 14) }, () => bytes(Math.floor(rand() * 40)))).slice(2)}`,
        ),
      expect: { code: -32000 },
    })),
    // wrong chain ids: -32000 invalid chain id for signer
    ...[1, 31337, CHAIN_ID + 1].map((chainId) => ({
      name: 'wrong chain id',
      body: () => signed(chainId),
      expect: { code: -32000 } as Expect,
    })),
    // bad signatures: high s, r or s flipped, zero r, y-parity 5, a signature of another message
    {
      name: 'bad signature',
      body: () =>
        withSignature((f) => {
          f[11] = numberToHex(N - hexToBigInt(f[11] as Hex), { size: 32 })
          f[9] = f[9] === '0x' ? '0x01' : '0x'
        }),
      expect: { code: -32000 },
    },
    ...[10, 11].map((field) => ({
      name: 'bad signature',
      body: () =>
        withSignature((f) => {
          const v = f[field] as Hex
          const at = 2 + 2 * Math.floor(rand() * ((v.length - 2) / 2))
          const flipped = (Number.parseInt(v.slice(at, at + 2), 16) ^ (1 + Math.floor(rand() * 255))).toString(16)
          f[field] = `${v.slice(0, at)}${flipped.padStart(2, '0')}${v.slice(at + 2)}` as Hex
        }),
      expect: { code: -32000 } as Expect,
    })),
    { name: 'bad signature', body: () => withSignature((f) => void (f[10] = '0x')), expect: { code: -32000 } },
    { name: 'bad signature', body: () => withSignature((f) => void (f[9] = '0x05')), expect: { code: -32000 } },
    {
      name: 'bad signature',
      body: () => reencode([...unsignedFields(), foreign.yParity ? '0x01' : '0x', foreign.r, foreign.s]),
      expect: { code: -32000 },
    },
  ]

  // Rounds of every probe (random parts drawn anew) for HOSTILE_MS, a short pause between requests so the workload
  // interleaves; a wrong answer is reported once per probe kind and answer, with how often it came.
  const wrong = new Map<string, number>()
  let resets = 0
  const t0 = Date.now()
  do {
    for (const probe of probes) {
      let body = typeof probe.body === 'function' ? await probe.body() : probe.body
      if (body.startsWith('0x')) body = sendRaw(body)
      result.runs++
      result.extraSent! += body.split('eth_sendRawTransaction').length - 1
      const answer = await post(devnet.node.url, body, probe.send)
      if ('error' in answer && 'orReset' in probe.expect && probe.expect.orReset) {
        resets++
        continue
      }
      const problem = judge(answer, probe.expect)
      if (problem.accepted) result.extraAccepted! += problem.accepted
      if (problem.line)
        wrong.set(`${probe.name}: ${problem.line}`, (wrong.get(`${probe.name}: ${problem.line}`) ?? 0) + 1)
      await sleep(10)
    }
  } while (Date.now() - t0 < HOSTILE_MS && ctx.remainingMs() > 0)
  for (const [line, times] of wrong) result.failures.push(`hostile ${line}${times > 1 ? ` (${times} times)` : ''}`)
  if (resets)
    result.notes = [
      `a body over RPC_MAX_BODY_BYTES got a connection reset instead of the 413 ${resets} times (the node closes without draining it)`,
    ]
  if (ctx.ledger.counts('hostile').accepted === 0)
    result.failures.push('hostile: the workload got no tx accepted while the hostile requests ran')
  ctx.log(
    `hostile: ${result.runs} requests in ${((Date.now() - t0) / 1000).toFixed(1)}s, ${wrong.size} kinds answered wrongly`,
  )
  if (devnet.node.pid() !== pid || !devnet.node.running()) result.failures.push('hostile: the sequencer process died')
  const [balanceAfter, nonceAfter] = await Promise.all([
    devnet.l2.call<Hex>('eth_getBalance', [signer.address, 'latest']),
    devnet.l2.call<Hex>('eth_getTransactionCount', [signer.address, 'pending']),
  ])
  if (balanceAfter !== balanceBefore || nonceAfter !== nonceBefore)
    result.failures.push(
      `hostile: the hostile signer moved: balance ${BigInt(balanceBefore)} → ${BigInt(balanceAfter)}, nonce ${BigInt(nonceBefore)} → ${BigInt(nonceAfter)}`,
    )
  result.failures.push(...(await checkTxsAndBlocks(ctx, 'hostile')))
  return result
}
