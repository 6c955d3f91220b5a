import { createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx, type TypedTransaction } from '@ethereumjs/tx'
import { bytesToHex, hexToBytes, KECCAK256_NULL } from '@ethereumjs/util'
import { type Abi, encodeDeployData, encodeFunctionData, getContractAddress, type Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, describe, expect, test } from 'vitest'
import { compileSolidity } from '../contracts/compile.ts'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { devAccounts } from '../core/chain/devAccounts.ts'
import { genesisDiff } from '../core/chain/genesis.ts'
import { createParallelExecutor, type ParallelExecutor } from './parallel.ts'
import { createSequentialExecutor, type SequentialExecutor } from './sequential.ts'
import { createWorldState, type WorldState } from './state/worldState.ts'
import { blockEnv, describeMismatch, dump, prng, summarize } from './testing/differential.ts'
import {
  getAmountOut,
  pairAddress,
  readErc20Balance,
  readReserves,
  readToken0,
  sortTokens,
  uniswapV2Factory,
  uniswapV2Pair,
} from './testing/uniswap.ts'
import type { ExecuteBlockResult } from './types.ts'

// Differential test on Uniswap V2: the parallel executor must return exactly what the sequential one
// returns (every receipt field, which txs were left out, every account and slot, the state root) on blocks of
// swaps against the real UniswapV2Factory/UniswapV2Pair build of @uniswap/v2-core, OpenZeppelin
// ERC-20 transfers and ETH transfers. Swaps hit two hot pairs, so most blocks are full of conflicts
// on the pairs' reserves and the tokens' pair balances. Fixed seeds in CI; for a soak run:
//   PARALLEL_FUZZ_SEEDS=1,2,3,4 PARALLEL_FUZZ_BLOCKS=200 npx vitest run executor/parallel.uniswap.test.ts

const common = createChainCommon({ chainId: 901901 })
const BLOCKS = Number(process.env.PARALLEL_FUZZ_BLOCKS ?? 8)
const SEEDS = (process.env.PARALLEL_FUZZ_SEEDS ?? '1,2').split(',').map(Number)
const TRADERS = 48
const HOT_SWAPS = 200
const HOT_BLOCKS = 4
const GAS_LIMIT = 150_000_000n

const token = compileSolidity({
  sources: {
    'Token.sol': `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract Token is ERC20 { constructor(string memory s) ERC20(s, s) { _mint(msg.sender, 1e30); } }`,
  },
}).Token

const deployerKey = devAccounts()[0].privateKey as Hex
const traderKeys = Array.from({ length: TRADERS }, (_, i) => `0x${(i + 1).toString(16).padStart(64, '5')}` as Hex)
const keys = [deployerKey, ...traderKeys]
const addrs = keys.map((k) => privateKeyToAddress(k).toLowerCase() as Hex)
const DEPLOYER = 0
const trader = (i: number) => 1 + i

function freshState(): WorldState {
  const w = createWorldState()
  const g = genesisDiff()
  for (const a of addrs.slice(1))
    g.accounts.set(a, { nonce: 0n, balance: 10n ** 20n, codeHash: KECCAK256_NULL, storageRoot: new Uint8Array() })
  w.applyDiff(g)
  return w
}

type Kind = 0 | 1 | 2
function sign(from: number, nonce: bigint, f: { to?: Hex; value?: bigint; data?: Hex; gas?: bigint; kind?: Kind }) {
  const base = { nonce, to: f.to, value: f.value ?? 0n, data: f.data ?? '0x', gasLimit: f.gas ?? 120_000n }
  const pk = hexToBytes(keys[from])
  if (f.kind === 0) return createLegacyTx({ ...base, gasPrice: 20n }, { common }).sign(pk)
  if (f.kind === 1)
    return createAccessList2930Tx({ ...base, gasPrice: 20n, chainId: 901901n, accessList: [] }, { common }).sign(pk)
  return createFeeMarket1559Tx(
    { ...base, maxFeePerGas: 30n, maxPriorityFeePerGas: 2n, chainId: 901901n, accessList: [] },
    { common },
  ).sign(pk)
}

const call = (abi: Abi, functionName: string, args: unknown[]) =>
  encodeFunctionData({ abi, functionName, args } as never)

/** The deployed contracts (the same addresses in every run: the deployer's nonces 0-3 and CREATE2). */
const tokens = [0n, 1n, 2n].map((n) => getContractAddress({ from: addrs[DEPLOYER], nonce: n }).toLowerCase() as Hex)
const factory = getContractAddress({ from: addrs[DEPLOYER], nonce: 3n }).toLowerCase() as Hex
const pairs = [pairAddress(factory, tokens[0], tokens[1]), pairAddress(factory, tokens[1], tokens[2])]

/**
 * A pair as the tx generator models it, in block order: what the pair holds of each token
 * (`balances`) and its last synced `reserves`. A swap's input is whatever it holds above its reserves.
 */
type PairModel = { address: Hex; tokens: [Hex, Hex]; reserves: [bigint, bigint]; balances: [bigint, bigint] }

function readPair(state: WorldState, address: Hex): PairModel {
  const t0 = readToken0(state, address)
  const i = pairs.indexOf(address)
  const [a, b] = i === 0 ? [tokens[0], tokens[1]] : [tokens[1], tokens[2]]
  const sorted = sortTokens(a, b)
  expect(t0).toBe(sorted[0])
  return {
    address,
    tokens: sorted,
    reserves: readReserves(state, address),
    balances: [readErc20Balance(state, sorted[0], address), readErc20Balance(state, sorted[1], address)],
  }
}

/**
 * UniswapV2Pair.swap's checks on the model: the balances (= new reserves) after the swap, or
 * undefined when it reverts (no output, not enough liquidity, no input, or K violated).
 */
function swapOutcome(m: PairModel, outs: [bigint, bigint]): [bigint, bigint] | undefined {
  const [r0, r1] = m.reserves
  if (outs[0] === 0n && outs[1] === 0n) return undefined
  if (outs[0] >= r0 || outs[1] >= r1) return undefined
  const b: [bigint, bigint] = [m.balances[0] - outs[0], m.balances[1] - outs[1]]
  const in0 = b[0] > r0 - outs[0] ? b[0] - (r0 - outs[0]) : 0n
  const in1 = b[1] > r1 - outs[1] ? b[1] - (r1 - outs[1]) : 0n
  if (in0 === 0n && in1 === 0n) return undefined
  if ((b[0] * 1000n - in0 * 3n) * (b[1] * 1000n - in1 * 3n) < r0 * r1 * 1_000_000n) return undefined
  return b
}

/**
 * Builds one block's txs against the sequential state at the block's start. Nonces come from that
 * state; swap amounts from the pair model, so honest swaps succeed and greedy ones revert on K.
 */
function blockBuilder(state: WorldState, rand: () => number) {
  const nonces = new Map<number, bigint>()
  const peek = (i: number) => nonces.get(i) ?? state.getAccount(addrs[i])?.nonce ?? 0n
  const next = (i: number) => {
    const n = peek(i)
    nonces.set(i, n + 1n)
    return n
  }
  const txs: TypedTransaction[] = []
  /** The status the model expects of each swap, by tx hash. */
  const expected = new Map<string, 0 | 1>()
  const models = pairs.map((p) => readPair(state, p))
  const push = (from: number, f: Parameters<typeof sign>[2]) => {
    txs.push(sign(from, next(from), f))
  }
  const amount = (lo: bigint, spread: number) => lo + BigInt(Math.floor(rand() * spread)) * (lo / 100n)
  return {
    txs,
    expected,
    models,
    peek,
    push,
    /** Sends `amountIn` of one of the pair's tokens to it (the first half of a swap, or a donation). */
    transferIn(from: number, m: PairModel, side: 0 | 1, amountIn: bigint, kind: Kind = 2) {
      push(from, { to: m.tokens[side], data: call(token.abi, 'transfer', [m.address, amountIn]), kind })
      m.balances[side] += amountIn
    },
    /**
     * `pair.swap` taking out of the other side what the input above the reserves buys (plus `greed`,
     * which breaks K and reverts unless a donation on the output side covers it). The model applies
     * UniswapV2Pair.swap's checks and records whether the tx must succeed.
     */
    swap(from: number, m: PairModel, sideIn: 0 | 1, { greed = 0n, to = addrs[from], kind = 2 as Kind } = {}) {
      const out = sideIn === 0 ? 1 : 0
      const amountIn = m.balances[sideIn] - m.reserves[sideIn]
      const amountOut = getAmountOut(amountIn, m.reserves[sideIn], m.reserves[out]) + greed
      const outs: [bigint, bigint] = sideIn === 0 ? [0n, amountOut] : [amountOut, 0n]
      push(from, { to: m.address, data: call(uniswapV2Pair.abi, 'swap', [...outs, to, '0x']), gas: 200_000n, kind })
      const after = swapOutcome(m, outs)
      expected.set(bytesToHex(txs[txs.length - 1].hash()), after ? 1 : 0)
      if (after) {
        m.balances = after
        m.reserves = [...after]
      }
      return after !== undefined
    },
    sync(from: number, m: PairModel) {
      push(from, { to: m.address, data: call(uniswapV2Pair.abi, 'sync', []), gas: 100_000n })
      m.reserves = [...m.balances]
    },
    /** Adds liquidity: both tokens in, then `mint` (which syncs the reserves). */
    addLiquidity(from: number, m: PairModel, a0: bigint, a1: bigint) {
      push(from, { to: m.tokens[0], data: call(token.abi, 'transfer', [m.address, a0]) })
      push(from, { to: m.tokens[1], data: call(token.abi, 'transfer', [m.address, a1]) })
      push(from, { to: m.address, data: call(uniswapV2Pair.abi, 'mint', [addrs[from]]), gas: 250_000n })
      m.balances = [m.balances[0] + a0, m.balances[1] + a1]
      m.reserves = [...m.balances]
    },
    amount,
  }
}

/** The setup block: three tokens, the factory, two pairs, tokens for every trader, liquidity. */
function setupTxs(): TypedTransaction[] {
  let n = 0n
  const txs: TypedTransaction[] = []
  const tx = (f: Parameters<typeof sign>[2]) => txs.push(sign(DEPLOYER, n++, f))
  for (const name of ['TKA', 'TKB', 'TKC'])
    tx({ data: encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: [name] }), gas: 3_000_000n })
  tx({
    data: encodeDeployData({ abi: uniswapV2Factory.abi, bytecode: uniswapV2Factory.bytecode, args: [addrs[DEPLOYER]] }),
    gas: 5_000_000n,
  })
  tx({ to: factory, data: call(uniswapV2Factory.abi, 'createPair', [tokens[0], tokens[1]]), gas: 5_000_000n })
  tx({ to: factory, data: call(uniswapV2Factory.abi, 'createPair', [tokens[2], tokens[1]]), gas: 5_000_000n })
  for (let i = 0; i < TRADERS; i++)
    for (const t of tokens) tx({ to: t, data: call(token.abi, 'transfer', [addrs[trader(i)], 10n ** 24n]) })
  const liquidity: [Hex, Hex, bigint, bigint][] = [
    [pairs[0], tokens[0], 10n ** 24n, 2n * 10n ** 24n],
    [pairs[1], tokens[1], 3n * 10n ** 24n, 10n ** 24n],
  ]
  for (const [pair, first, a, b] of liquidity) {
    const other = pair === pairs[0] ? tokens[1] : tokens[2]
    tx({ to: first, data: call(token.abi, 'transfer', [pair, a]) })
    tx({ to: other, data: call(token.abi, 'transfer', [pair, b]) })
    tx({ to: pair, data: call(uniswapV2Pair.abi, 'mint', [addrs[DEPLOYER]]), gas: 300_000n })
  }
  return txs
}

type Run = { seq: SequentialExecutor; par: ParallelExecutor; A: WorldState; B: WorldState }

/** Runs one block through both executors and asserts they agree; prints both results when not. */
async function runBoth(run: Run, label: string, n: bigint, txs: TypedTransaction[]) {
  const s = await run.seq.executeBlock({ state: run.A, env: blockEnv(n, GAS_LIMIT), txs, mode: 'build' })
  const p = await run.par.executeBlock({ state: run.B, env: blockEnv(n, GAS_LIMIT), txs, mode: 'build' })
  const ss = summarize(s)
  const ps = summarize(p)
  const report = describeMismatch(`${label} block ${n}`, ss, ps)
  if (report) console.error(report)
  expect(ps).toEqual(ss)
  return { s, p }
}

/** Every swap is in the block with the status the model predicted. */
function expectModel(r: ExecuteBlockResult, expected: ReadonlyMap<string, 0 | 1>) {
  const status = new Map(r.receipts.map((x) => [x.txHash as string, x.status]))
  const wrong = [...expected].filter(([h, want]) => status.get(h) !== want)
  expect(wrong).toEqual([])
}

async function setup(run: Run) {
  const { s } = await runBoth(run, 'setup', 1n, setupTxs())
  expect(s.rejected).toEqual([])
  expect(s.receipts.every((r) => r.status === 1)).toBe(true)
  for (const a of [...tokens, factory, ...pairs]) expect(run.A.getAccount(a)?.codeHash).not.toEqual(KECCAK256_NULL)
  expect(readReserves(run.A, pairs[0])).toEqual(
    readToken0(run.A, pairs[0]) === tokens[0] ? [10n ** 24n, 2n * 10n ** 24n] : [2n * 10n ** 24n, 10n ** 24n],
  )
}

const executors: ParallelExecutor[] = []
afterAll(async () => {
  await Promise.all(executors.map((e) => e.close()))
})

async function newRun(): Promise<Run> {
  const par = await createParallelExecutor({ common, blockHash: () => undefined, workers: 2, minParallelTxs: 1 })
  executors.push(par)
  // The oracle runs every tx through the interpreter (no fast path for plain transfers).
  const seq = await createSequentialExecutor({ common, blockHash: () => undefined, fastTransfers: false })
  return { seq, par, A: freshState(), B: freshState() }
}

describe('parallel executor on Uniswap V2', () => {
  test('behavior: equals sequential on random blocks of swaps, token and ETH transfers (differential fuzz)', {
    timeout: 600_000,
  }, async () => {
    let swapsOk = 0
    let swapsFailed = 0
    let reExecutions = 0
    let rejected = 0
    for (const seed of SEEDS) {
      const run = await newRun()
      await setup(run)
      const rand = prng(seed)
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]
      const side = (): 0 | 1 => (rand() < 0.5 ? 0 : 1)
      for (let b = 2n; b < BigInt(BLOCKS) + 2n; b++) {
        const blk = blockBuilder(run.A, rand)
        // Swaps whose input is sent now and whose `swap` call comes a few txs later (others may
        // take the input first: then it reverts, as on mainnet).
        const pending: { from: number; m: PairModel; side: 0 | 1; due: number }[] = []
        const count = 20 + Math.floor(rand() * 60)
        for (let k = 0; k < count; k++) {
          const due = pending.findIndex((x) => x.due <= k)
          if (due >= 0) {
            const [x] = pending.splice(due, 1)
            blk.swap(x.from, x.m, x.side)
            continue
          }
          const from = trader(Math.floor(rand() * TRADERS))
          const m = pick(blk.models)
          const kind = pick([0, 1, 2, 2] as const)
          const r = rand()
          if (r < 0.3) {
            const s = side()
            blk.transferIn(from, m, s, blk.amount(10n ** 18n, 1000), kind)
            blk.swap(from, m, s, { kind })
          } else if (r < 0.38) {
            const s = side()
            blk.transferIn(from, m, s, blk.amount(10n ** 18n, 1000), kind)
            pending.push({ from, m, side: s, due: k + 1 + Math.floor(rand() * 6) })
          } else if (r < 0.43) {
            // Greedy: one wei more than K allows, or everything; reverts and leaves its input behind.
            const s = side()
            blk.transferIn(from, m, s, blk.amount(10n ** 18n, 100), kind)
            blk.swap(from, m, s, { greed: rand() < 0.7 ? 1n : m.reserves[s === 0 ? 1 : 0], kind })
          } else if (r < 0.47) {
            // The output goes to another trader.
            const s = side()
            blk.transferIn(from, m, s, blk.amount(10n ** 18n, 100), kind)
            blk.swap(from, m, s, { to: addrs[trader(Math.floor(rand() * TRADERS))], kind })
          } else if (r < 0.5) blk.transferIn(from, m, side(), blk.amount(10n ** 17n, 100), kind)
          else if (r < 0.52) blk.sync(from, m)
          else if (r < 0.55) blk.addLiquidity(from, m, blk.amount(10n ** 19n, 100), blk.amount(10n ** 19n, 100))
          else if (r < 0.78) {
            // to another trader (never the sender itself)
            const j = Math.floor(rand() * (TRADERS - 1))
            const to = trader(j >= from - 1 ? j + 1 : j)
            blk.push(from, {
              to: pick(tokens),
              data: call(token.abi, 'transfer', [addrs[to], blk.amount(10n ** 16n, 10_000)]),
              kind,
            })
          } else if (r < 0.96)
            blk.push(from, {
              to: pick([...addrs, pairs[0], tokens[1], `0x${'ab'.repeat(20)}` as Hex]),
              value: BigInt(Math.floor(rand() * 1e9)),
              gas: 60_000n,
              kind,
            })
          else if (r < 0.98) {
            // Left out: a value the sender cannot pay (its next tx takes the same nonce).
            blk.txs.push(sign(from, blk.peek(from), { to: addrs[DEPLOYER], value: 10n ** 21n, kind }))
          } else {
            // Left out: a nonce gap.
            blk.txs.push(sign(from, blk.peek(from) + 5n, { to: addrs[DEPLOYER], value: 1n, gas: 21_000n }))
          }
        }
        for (const x of pending) blk.swap(x.from, x.m, x.side)
        const { s, p } = await runBoth(run, `seed ${seed}`, b, blk.txs)
        rejected += s.rejected.length
        for (const want of blk.expected.values()) want ? swapsOk++ : swapsFailed++
        reExecutions += p.stats.reExecutions
        // The generator's model of the pairs is exact: every swap did what it predicted.
        expectModel(s, blk.expected)
      }
      expect(dump(run.B)).toEqual(dump(run.A))
      expect(run.B.stateRoot()).toEqual(run.A.stateRoot())
    }
    if (process.env.DEBUG_UNI) console.info({ swapsOk, swapsFailed, reExecutions, rejected })
    // The blocks did what they are for: swaps that went through, swaps that reverted, conflicts.
    expect(swapsOk).toBeGreaterThan(0)
    expect(swapsFailed).toBeGreaterThan(0)
    expect(reExecutions).toBeGreaterThan(0)
    expect(rejected).toBeGreaterThan(0)
  })

  test('behavior: 200 swaps on one pair learn one lane and stop re-executing', { timeout: 600_000 }, async () => {
    const run = await newRun()
    await setup(run)
    const rand = prng(7)
    const stats = []
    for (let b = 2n; b < 2n + BigInt(HOT_BLOCKS); b++) {
      const blk = blockBuilder(run.A, rand)
      const m = blk.models[0]
      for (let k = 0; k < HOT_SWAPS; k++) {
        const from = trader(Math.floor(rand() * TRADERS))
        const side = rand() < 0.5 ? 0 : 1
        blk.transferIn(from, m, side, blk.amount(10n ** 18n, 1000))
        expect(blk.swap(from, m, side)).toBe(true)
      }
      const { s, p } = await runBoth(run, 'hot pair', b, blk.txs)
      expectModel(s, blk.expected)
      expect(s.receipts.filter((x) => x.to === pairs[0] && x.status === 1)).toHaveLength(HOT_SWAPS)
      stats.push(p.stats)
    }
    if (process.env.DEBUG_UNI) console.info(stats)
    // The first block conflicts everywhere and marks the tokens hot; from the second on every
    // transfer and swap shares one lane, which runs in order with no re-execution.
    expect(stats[0].mode).toBe('parallel')
    expect(stats[0].reExecutions).toBeGreaterThan(HOT_SWAPS / 2)
    for (const st of stats.slice(1)) {
      expect(st.mode).toBe('parallel')
      expect(st.largestLane).toBeGreaterThanOrEqual(HOT_SWAPS)
      expect(st.reExecutions).toBeLessThanOrEqual(5)
    }
    expect(dump(run.B)).toEqual(dump(run.A))
    expect(run.B.stateRoot()).toEqual(run.A.stateRoot())
  })
})
