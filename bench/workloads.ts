import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Common } from '@ethereumjs/common'
import { createFeeMarket1559Tx, type TypedTransaction } from '@ethereumjs/tx'
import { hexToBytes, KECCAK256_NULL, KECCAK256_RLP } from '@ethereumjs/util'
import { type Abi, encodeFunctionData, getContractAddress, type Hex, keccak256 } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { compileContractFiles, compileSolidity } from '../contracts/compile.ts'
import { genesisDiff } from '../core/chain/genesis.ts'
import type { StateDiff } from '../executor/state/types.ts'

const require = createRequire(import.meta.url)

/** A benchmark workload: accounts to fund at genesis, setup blocks (untimed), and the measured block. */
export type Workload = {
  name: string
  genesis: StateDiff
  setup: TypedTransaction[][]
  block: TypedTransaction[]
}

const token = compileSolidity({
  sources: {
    'Token.sol': `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract Token is ERC20 { constructor(uint256 s) ERC20("T", "T") { _mint(msg.sender, s); } }`,
  },
}).Token

function uni(name: string): { abi: Abi; bytecode: Hex } {
  const j = JSON.parse(readFileSync(require.resolve(`@uniswap/v2-core/build/${name}.json`), 'utf8'))
  const code = j.bytecode ?? j.evm?.bytecode?.object
  return { abi: j.abi, bytecode: (code.startsWith('0x') ? code : `0x${code}`) as Hex }
}

/** Deterministic private keys, distinct from the dev accounts. */
export function benchKey(i: number): Hex {
  return keccak256(`0x${(i + 1).toString(16).padStart(64, '0')}`)
}

type Signer = { key: Uint8Array; address: Hex; nonce: bigint }

function signers(n: number, offset = 0): Signer[] {
  return Array.from({ length: n }, (_, i) => {
    const pk = benchKey(i + offset)
    return { key: hexToBytes(pk), address: privateKeyToAddress(pk).toLowerCase() as Hex, nonce: 0n }
  })
}

function fund(g: StateDiff, accounts: readonly Signer[]) {
  for (const a of accounts)
    g.accounts.set(a.address, {
      nonce: 0n,
      balance: 10n ** 22n,
      codeHash: KECCAK256_NULL,
      storageRoot: KECCAK256_RLP,
    })
}

function tx(common: Common, s: Signer, f: { to?: Hex; value?: bigint; data?: Hex; gas: bigint }): TypedTransaction {
  const t = createFeeMarket1559Tx(
    {
      nonce: s.nonce++,
      to: f.to,
      value: f.value ?? 0n,
      data: f.data ?? '0x',
      gasLimit: f.gas,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      chainId: common.chainId(),
    },
    { common },
  ).sign(s.key)
  return t
}

/** ETH transfers between distinct accounts: n senders, n fresh recipients. */
export function ethTransfers(common: Common, n: number): Workload {
  const from = signers(n)
  const to = signers(n, 1_000_000)
  const g = genesisDiff()
  fund(g, from)
  return {
    name: 'eth-transfers',
    genesis: g,
    setup: [],
    block: from.map((s, i) => tx(common, s, { to: to[i].address, value: 1n, gas: 21_000n })),
  }
}

/** OpenZeppelin ERC-20 transfers between distinct accounts (each sender already holds tokens). */
export function erc20Transfers(common: Common, n: number): Workload {
  const from = signers(n)
  const to = signers(n, 1_000_000)
  const deployer = signers(1, 2_000_000)[0]
  const g = genesisDiff()
  fund(g, [...from, deployer])
  const tokenAddr = getContractAddress({ from: deployer.address, nonce: 0n }).toLowerCase() as Hex
  const setup: TypedTransaction[][] = [
    [tx(common, deployer, { data: deployData(token, [10n ** 30n]), gas: 3_000_000n })],
  ]
  for (let i = 0; i < n; i += 1000) {
    setup.push(
      from.slice(i, i + 1000).map((s) =>
        tx(common, deployer, {
          to: tokenAddr,
          data: encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [s.address, 10n ** 20n] }),
          gas: 100_000n,
        }),
      ),
    )
  }
  const block = from.map((s, i) =>
    tx(common, s, {
      to: tokenAddr,
      data: encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to[i].address, 1n] }),
      gas: 100_000n,
    }),
  )
  return { name: 'erc20-transfers', genesis: g, setup, block }
}

const router = compileContractFiles(['src/OneHopRouter.sol']).OneHopRouter

/**
 * Uniswap V2 swaps through the real v2-core factory and pair: `pairs` pools; each swap is one tx
 * (a minimal router does transferFrom + pair.swap). Traders, routers and approvals are set up first.
 */
export function uniswapSwaps(
  common: Common,
  n: number,
  pairs = 1,
  name = 'uniswap-one-pair',
  pairOf: (i: number) => number = () => 0,
): { workload: Workload; traders: Signer[]; swapTx: (s: Signer, pairIndex: number) => TypedTransaction } {
  const factory = uni('UniswapV2Factory')
  const pairCode = uni('UniswapV2Pair')
  const traders = signers(n)
  const deployer = signers(1, 2_000_000)[0]
  const g = genesisDiff()
  fund(g, [...traders, deployer])
  const tokenA = getContractAddress({ from: deployer.address, nonce: 0n }).toLowerCase() as Hex
  const fac = getContractAddress({ from: deployer.address, nonce: 1n }).toLowerCase() as Hex
  const rtr = getContractAddress({ from: deployer.address, nonce: 2n }).toLowerCase() as Hex
  const others = Array.from(
    { length: pairs },
    (_, i) => getContractAddress({ from: deployer.address, nonce: BigInt(3 + i) }).toLowerCase() as Hex,
  )
  const initCodeHash = keccak256(pairCode.bytecode)
  const pools = others.map((tokenB) => {
    const [t0, t1] = tokenA < tokenB ? [tokenA, tokenB] : [tokenB, tokenA]
    const pair = getContractAddress({
      opcode: 'CREATE2',
      from: fac,
      salt: keccak256(`0x${t0.slice(2)}${t1.slice(2)}`),
      bytecodeHash: initCodeHash,
    }).toLowerCase() as Hex
    return { t0, t1, pair, tokenAIs0: t0 === tokenA }
  })
  const erc = (to: Hex, fn: string, args: unknown[], s: Signer, gas = 100_000n) =>
    tx(common, s, { to, data: encodeFunctionData({ abi: token.abi, functionName: fn, args } as never), gas })
  const first: TypedTransaction[] = [
    tx(common, deployer, { data: deployData(token, [10n ** 36n]), gas: 3_000_000n }),
    tx(common, deployer, {
      data: `${factory.bytecode}${'0'.repeat(24)}${deployer.address.slice(2)}` as Hex,
      gas: 6_000_000n,
    }),
    tx(common, deployer, { data: router.bytecode, gas: 1_000_000n }),
    ...others.map(() => tx(common, deployer, { data: deployData(token, [10n ** 36n]), gas: 3_000_000n })),
  ]
  for (const p of pools) {
    first.push(
      tx(common, deployer, {
        to: fac,
        data: encodeFunctionData({ abi: factory.abi, functionName: 'createPair', args: [p.t0, p.t1] } as never),
        gas: 5_000_000n,
      }),
    )
    first.push(erc(p.t0, 'transfer', [p.pair, 10n ** 30n], deployer))
    first.push(erc(p.t1, 'transfer', [p.pair, 10n ** 30n], deployer))
    first.push(
      tx(common, deployer, {
        to: p.pair,
        data: encodeFunctionData({ abi: pairCode.abi, functionName: 'mint', args: [deployer.address] } as never),
        gas: 500_000n,
      }),
    )
  }
  const setup: TypedTransaction[][] = [first]
  for (let i = 0; i < n; i += 500)
    setup.push(traders.slice(i, i + 500).map((s) => erc(tokenA, 'transfer', [s.address, 10n ** 22n], deployer)))
  setup.push(traders.map((s) => erc(tokenA, 'approve', [rtr, 2n ** 255n], s)))
  const amountIn = 10n ** 18n
  const swapTx = (s: Signer, i: number) => {
    const p = pools[i]
    // A modest fixed output keeps each swap valid in any order (the pool is deep).
    const out = amountIn / 2n
    return tx(common, s, {
      to: rtr,
      data: encodeFunctionData({
        abi: router.abi,
        functionName: 'swap',
        args: [p.pair, tokenA, amountIn, p.tokenAIs0 ? 0n : out, p.tokenAIs0 ? out : 0n],
      } as never),
      gas: 250_000n,
    })
  }
  return { workload: { name, genesis: g, setup, block: traders.map((s, i) => swapTx(s, pairOf(i))) }, traders, swapTx }
}

/** 80% independent transfers (ETH and ERC-20 between distinct accounts), 20% swaps on two hot pairs. */
export function mixed(common: Common, n: number): Workload {
  const swaps = Math.floor(n * 0.2)
  const u = uniswapSwaps(common, swaps, 2, 'mixed', (i) => i % 2)
  const rest = n - swaps
  const eth = signers(Math.ceil(rest / 2), 3_000_000)
  const to = signers(rest, 4_000_000)
  fund(u.workload.genesis, eth)
  const block: TypedTransaction[] = []
  const swapTxs = u.workload.block
  const ethTxs = eth.map((s, i) => tx(common, s, { to: to[i].address, value: 1n, gas: 21_000n }))
  // ERC-20 transfers from the traders' second nonce would chain with their swap; use token holders instead.
  const holders = signers(rest - eth.length, 5_000_000)
  fund(u.workload.genesis, holders)
  const deployer = signers(1, 2_000_000)[0]
  const tokenA = getContractAddress({ from: deployer.address, nonce: 0n }).toLowerCase() as Hex
  deployer.nonce = u.workload.setup.reduce(
    (c, b) => c + BigInt(b.filter((t) => t.getSenderAddress().toString() === deployer.address).length),
    0n,
  )
  const fundHolders: TypedTransaction[] = holders.map((h) =>
    tx(common, deployer, {
      to: tokenA,
      data: encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [h.address, 10n ** 20n] }),
      gas: 100_000n,
    }),
  )
  u.workload.setup.push(fundHolders)
  const ercTxs = holders.map((h, i) =>
    tx(common, h, {
      to: tokenA,
      data: encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to[eth.length + i].address, 1n] }),
      gas: 100_000n,
    }),
  )
  // Interleave: one swap every five txs.
  const indep = [...ethTxs, ...ercTxs]
  let a = 0
  let b = 0
  while (a < indep.length || b < swapTxs.length) {
    for (let k = 0; k < 4 && a < indep.length; k++) block.push(indep[a++])
    if (b < swapTxs.length) block.push(swapTxs[b++])
  }
  return { ...u.workload, block }
}

function deployData(c: { bytecode: Hex }, args: bigint[]): Hex {
  return `${c.bytecode}${args.map((a) => a.toString(16).padStart(64, '0')).join('')}` as Hex
}
