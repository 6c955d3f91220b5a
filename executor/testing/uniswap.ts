// Uniswap V2 for executor tests: the real build artifacts of @uniswap/v2-core 1.0.1 (solc 0.5.16,
// as deployed on mainnet), the pair's CREATE2 address, the constant-product quote, and readers for
// the pair reserves and OpenZeppelin ERC-20 balances straight from a state's storage.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { bytesToBigInt } from '@ethereumjs/util'
import { type Abi, encodeAbiParameters, encodePacked, getContractAddress, type Hex, keccak256, numberToHex } from 'viem'
import type { StateReader } from '../state/types.ts'

const require = createRequire(import.meta.url)

/** An artifact as the tests deploy it. */
export type Artifact = { abi: Abi; bytecode: Hex }

function load(name: string): Artifact {
  const path = require.resolve(`@uniswap/v2-core/build/${name}.json`)
  const json = JSON.parse(readFileSync(path, 'utf8')) as { abi: Abi; bytecode: string }
  const bytecode = json.bytecode.startsWith('0x') ? json.bytecode : `0x${json.bytecode}`
  return { abi: json.abi, bytecode: bytecode as Hex }
}

export const uniswapV2Factory: Artifact = load('UniswapV2Factory')
export const uniswapV2Pair: Artifact = load('UniswapV2Pair')

/** The pair's tokens in its order: token0 is the lower address. */
export function sortTokens(a: Hex, b: Hex): [Hex, Hex] {
  return BigInt(a) < BigInt(b) ? [a, b] : [b, a]
}

/** Where `factory.createPair(a, b)` deploys the pair: CREATE2 with salt keccak(token0 ++ token1). */
export function pairAddress(factory: Hex, a: Hex, b: Hex): Hex {
  const [t0, t1] = sortTokens(a, b)
  return getContractAddress({
    opcode: 'CREATE2',
    from: factory,
    salt: keccak256(encodePacked(['address', 'address'], [t0, t1])),
    bytecode: uniswapV2Pair.bytecode,
  }).toLowerCase() as Hex
}

/** UniswapV2Library.getAmountOut: the most a swap of `amountIn` may take out (0.3% fee). */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (amountIn <= 0n || reserveIn <= 0n || reserveOut <= 0n) return 0n
  const withFee = amountIn * 997n
  return (withFee * reserveOut) / (reserveIn * 1000n + withFee)
}

const slotHex = (n: bigint) => numberToHex(n, { size: 32 })
const U112 = (1n << 112n) - 1n

/**
 * UniswapV2Pair storage: UniswapV2ERC20 takes slots 0-4 (totalSupply, balanceOf, allowance,
 * DOMAIN_SEPARATOR, nonces), then factory (5), token0 (6), token1 (7), and reserve0 | reserve1 <<
 * 112 | blockTimestampLast << 224 packed in slot 8.
 */
export function readReserves(state: StateReader, pair: Hex): [bigint, bigint] {
  const v = bytesToBigInt(state.getStorage(pair, slotHex(8n)))
  return [v & U112, (v >> 112n) & U112]
}

/** The pair's token0 (slot 6). */
export function readToken0(state: StateReader, pair: Hex): Hex {
  return numberToHex(bytesToBigInt(state.getStorage(pair, slotHex(6n))), { size: 20 })
}

/** An OpenZeppelin (v5) ERC-20 balance: `_balances` is the mapping at slot 0. */
export function readErc20Balance(state: StateReader, token: Hex, holder: Hex): bigint {
  const slot = keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [holder, 0n]))
  return bytesToBigInt(state.getStorage(token, slot.toLowerCase() as Hex))
}
