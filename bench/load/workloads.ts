// What a load run sends: the setup (fund the senders, deploy and distribute what the workload needs) and
// the measured transactions, all signed before the clock starts. A plan depends only on its parameters
// and on the accounts' starting nonces, so on fresh chains (all nonces 0) it is byte for byte the same
// workload for our node and for Anvil.
//
//   eth      ETH transfers, each to a fresh recipient
//   erc20    OpenZeppelin ERC-20 (contracts/src/TestToken.sol) transfers, each to a fresh recipient
//   uniswap  swaps tokenA -> tokenB on one real Uniswap V2 pair (v2-core factory + pair) through a
//            minimal router (transferFrom + pair.swap in one tx); a fixed output far below the quote
//            keeps every swap valid in any order, so the traders' final balances are exact
//   mixed    by sender: 2/5 ETH transfers, 2/5 ERC-20 transfers, 1/5 swaps alternating over two pairs
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  getContractAddress,
  type Hash,
  type Hex,
  keccak256,
  toHex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { type CompiledContract, compileContractFiles } from '../../contracts/compile.ts'
import { BaseError } from '../../core/errors/base.ts'
import { pairAddress, sortTokens, uniswapV2Factory, uniswapV2Pair } from '../../executor/testing/uniswap.ts'
import { devAccounts } from '../../test/e2e/harness.ts'

/** The workloads `--workload` accepts. */
export const workloadNames = ['eth', 'erc20', 'uniswap', 'mixed'] as const
/** One of `workloadNames`. */
export type WorkloadName = (typeof workloadNames)[number]

/** A signed transaction, ready for eth_sendRawTransaction. */
export type SignedTx = { raw: Hex; hash: Hash; from: Address; nonce: bigint }

/** After the run, `holder`'s balance (of `token`, or ETH) must differ from before it by exactly `delta`. */
export type BalanceCheck = { holder: Address; token?: Address; delta: bigint }

/** Everything one run sends, signed. */
export type LoadPlan = {
  workload: WorkloadName
  chainId: number
  /** stages, each sent and confirmed before the next; untimed */
  setup: SignedTx[][]
  /** the measured transactions: one list per sender, in nonce order */
  txs: SignedTx[][]
  checks: BalanceCheck[]
}

// Fees far above any base fee these runs reach (1 gwei at genesis on both chains, +12.5% per full block).
export { MAX_FEE_PER_GAS, MAX_PRIORITY_FEE_PER_GAS } from './signTransfer.ts'

import { MAX_FEE_PER_GAS, MAX_PRIORITY_FEE_PER_GAS } from './signTransfer.ts'

/**
 * Gas limits of the measured txs: what they use at most, with a margin (block packing counts limits, not
 * use). A swap uses ~84k, but the first one on a pair in a later second also writes the pair's price
 * accumulators (0 -> non-zero): ~146k used, more before the refund.
 */
const GAS = { eth: 21_000n, erc20: 60_000n, swap: 200_000n } as const
const ETH_VALUE = 1_000_000_000_000n
const TOKEN_VALUE = 10n ** 18n
const SWAP_IN = 10n ** 18n
/** About half of what a 1e18 swap yields from a 1e30/1e30 pool, so it stays valid whatever ran before it. */
const SWAP_OUT = SWAP_IN / 2n
const POOL_LIQUIDITY = 10n ** 30n
const TOKEN_SUPPLY = 10n ** 36n
/**
 * Setup txs per sender per stage: our node refuses a nonce more than MEMPOOL_MAX_NONCE_GAP (64) past
 * the sender's mined nonce, even with no gap in the pool, so dev 0's deploys and token transfers go
 * in stages of at most 64, each mined before the next.
 */
const MAX_SETUP_PER_SENDER = 64

/** The private key of load sender `i` for `seed` (distinct from the dev accounts). */
export function senderKey(seed: string, i: number): Hex {
  return keccak256(toHex(`parallel-rollup load ${seed} sender ${i}`))
}

/** A fresh recipient for sender `i`'s tx with nonce `nonce`: fresh on every run, since nonces only grow. */
export function recipientOf(seed: string, i: number, nonce: bigint): Address {
  return `0x${keccak256(toHex(`parallel-rollup load ${seed} to ${i} ${nonce}`)).slice(-40)}` as Address
}

/** The addresses whose starting nonces `planLoad` needs: the ten dev accounts, then the senders. */
export function plannedAccounts({ seed, senders }: { seed: string; senders: number }): Address[] {
  return [
    ...devAccounts.map((d) => d.address.toLowerCase() as Address),
    ...Array.from(
      { length: senders },
      (_, i) => privateKeyToAccount(senderKey(seed, i)).address.toLowerCase() as Address,
    ),
  ]
}

/** `planLoad` was not given the starting nonce of an account it signs for. */
export class MissingNonceError extends BaseError {
  override name = 'MissingNonceError' as const
  readonly address: Address
  constructor({ address }: { address: Address }) {
    super(`no starting nonce for ${address}`)
    this.address = address
  }
}

/** Parameters of `planLoad`. */
export type PlanLoadParameters = {
  workload: WorkloadName
  chainId: number
  seed: string
  senders: number
  txsPerSender: number
  /** starting (pending) nonce of every address in `plannedAccounts`, lowercase */
  nonces: ReadonlyMap<Address, bigint>
}

type Contracts = { token: CompiledContract; router: CompiledContract }
let compiled: Contracts | undefined

function contracts(): Contracts {
  if (compiled) return compiled
  const token = compileContractFiles(['src/TestToken.sol']).TestToken
  const router = compileContractFiles(['src/OneHopRouter.sol']).OneHopRouter
  compiled = { token, router }
  return compiled
}

type Signer = { account: ReturnType<typeof privateKeyToAccount>; address: Address; nonce: bigint }
type Draft = { signer: Signer; nonce: bigint; to?: Address; value?: bigint; data?: Hex; gas: bigint }

/** Appends a tx to `list` with its signer's next nonce (lists are built in nonce order). */
function push(list: Draft[], d: Omit<Draft, 'nonce'>): void {
  list.push({ ...d, nonce: d.signer.nonce++ })
}

/** Appends a contract call to `list`. */
function call(
  list: Draft[],
  signer: Signer,
  to: Address,
  abi: unknown,
  functionName: string,
  args: unknown[],
  gas = 100_000n,
): void {
  push(list, { signer, to, data: encodeFunctionData({ abi, functionName, args } as never), gas })
}

/** Builds and signs the setup and the measured txs of one run. */
export async function planLoad(p: PlanLoadParameters): Promise<LoadPlan> {
  const signer = (privateKey: Hex): Signer => {
    const account = privateKeyToAccount(privateKey)
    const address = account.address.toLowerCase() as Address
    const nonce = p.nonces.get(address)
    if (nonce === undefined) throw new MissingNonceError({ address })
    return { account, address, nonce }
  }
  const devs = devAccounts.map((d) => signer(d.privateKey))
  const senders = Array.from({ length: p.senders }, (_, i) => signer(senderKey(p.seed, i)))
  const deployer = devs[0]
  const roles = senders.map((_, i) => roleOf(p.workload, i))
  const stages: Draft[][] = [[], []]
  const checks: BalanceCheck[] = []

  // Stage 0: ETH for gas (and values) from the dev accounts, round robin.
  senders.forEach((s, i) => {
    const need = BigInt(p.txsPerSender + 1) * (GAS[roles[i]] * MAX_FEE_PER_GAS + ETH_VALUE)
    push(stages[0], {
      signer: devs[i % devs.length],
      to: s.address,
      value: (need * 12n) / 10n + 10n ** 17n,
      gas: 21_000n,
    })
  })

  // Stage 0, after dev 0's funding txs: the contracts, the pools and the token distribution.
  let tokenA: Address | undefined
  let router: Address | undefined
  const pools: { pair: Address; tokenOut: Address; tokenAIs0: boolean }[] = []
  if (roles.some((r) => r !== 'eth')) {
    const { token, router: routerArtifact } = contracts()
    const deploy = (bytecode: Hex, args: Hex = '0x', gas = 3_000_000n): Address => {
      const address = getContractAddress({ from: deployer.address, nonce: deployer.nonce }).toLowerCase() as Address
      push(stages[0], { signer: deployer, data: `${bytecode}${args.slice(2)}` as Hex, gas })
      return address
    }
    const supply = encodeAbiParameters([{ type: 'uint256' }], [TOKEN_SUPPLY])
    tokenA = deploy(token.bytecode, supply)
    if (roles.includes('swap')) {
      const others = Array.from({ length: p.workload === 'mixed' ? 2 : 1 }, () => deploy(token.bytecode, supply))
      const owner = encodeAbiParameters([{ type: 'address' }], [deployer.address])
      const factory = deploy(uniswapV2Factory.bytecode, owner, 6_000_000n)
      router = deploy(routerArtifact.bytecode, '0x', 1_000_000n)
      for (const tokenB of others) {
        const pair = pairAddress(factory, tokenA, tokenB) as Address
        const [t0, t1] = sortTokens(tokenA, tokenB)
        call(stages[0], deployer, factory, uniswapV2Factory.abi, 'createPair', [t0, t1], 5_000_000n)
        call(stages[0], deployer, tokenA, token.abi, 'transfer', [pair, POOL_LIQUIDITY])
        call(stages[0], deployer, tokenB, token.abi, 'transfer', [pair, POOL_LIQUIDITY])
        call(stages[0], deployer, pair, uniswapV2Pair.abi, 'mint', [deployer.address], 500_000n)
        pools.push({ pair, tokenOut: tokenB, tokenAIs0: t0 === tokenA })
      }
    }
    senders.forEach((s, i) => {
      if (roles[i] === 'eth') return
      const amount = BigInt(p.txsPerSender) * (roles[i] === 'swap' ? SWAP_IN : TOKEN_VALUE)
      call(stages[0], deployer, tokenA!, token.abi, 'transfer', [s.address, amount])
      // Stage 1: traders let the router pull their tokenA (they need stage 0's ETH first).
      if (roles[i] === 'swap') call(stages[1], s, tokenA!, token.abi, 'approve', [router!, 2n ** 255n])
    })
  }

  // The measured txs, and what they must leave behind.
  const measured = senders.map((s, i) => {
    const list: Draft[] = []
    const k = BigInt(p.txsPerSender)
    for (let j = 0; j < p.txsPerSender; j++) {
      if (roles[i] === 'eth') {
        const to = recipientOf(p.seed, i, s.nonce)
        push(list, { signer: s, to, value: ETH_VALUE, gas: GAS.eth })
        checks.push({ holder: to, delta: ETH_VALUE })
      } else if (roles[i] === 'erc20') {
        const to = recipientOf(p.seed, i, s.nonce)
        call(list, s, tokenA!, contracts().token.abi, 'transfer', [to, TOKEN_VALUE], GAS.erc20)
        checks.push({ holder: to, token: tokenA, delta: TOKEN_VALUE })
      } else {
        const pool = pools[j % pools.length]
        const out = pool.tokenAIs0 ? [0n, SWAP_OUT] : [SWAP_OUT, 0n]
        const args = [pool.pair, tokenA, SWAP_IN, ...out]
        call(list, s, router!, contracts().router.abi, 'swap', args, GAS.swap)
      }
    }
    if (roles[i] === 'erc20') checks.push({ holder: s.address, token: tokenA, delta: -k * TOKEN_VALUE })
    if (roles[i] === 'swap') {
      checks.push({ holder: s.address, token: tokenA, delta: -k * SWAP_IN })
      pools.forEach((pool, j) => {
        // swap j, j + pools, j + 2 * pools, ... went through this pool
        const swaps = BigInt(Math.ceil((p.txsPerSender - j) / pools.length))
        checks.push({ holder: s.address, token: pool.tokenOut, delta: swaps * SWAP_OUT })
      })
    }
    return list
  })

  const signAll = async (list: Draft[]) => {
    const out: SignedTx[] = []
    for (const d of list) out.push(await signDraft(d, p.chainId))
    return out
  }
  const setup: SignedTx[][] = []
  for (const stage of stages) setup.push(...splitStage(await signAll(stage)))
  const txs: SignedTx[][] = []
  for (const list of measured) txs.push(await signAll(list))
  return { workload: p.workload, chainId: p.chainId, setup: setup.filter((s) => s.length > 0), txs, checks }
}

function roleOf(workload: WorkloadName, i: number): 'eth' | 'erc20' | 'swap' {
  if (workload === 'eth') return 'eth'
  if (workload === 'erc20') return 'erc20'
  if (workload === 'uniswap') return 'swap'
  return i % 5 === 0 ? 'swap' : i % 5 <= 2 ? 'eth' : 'erc20'
}

async function signDraft(d: Draft, chainId: number): Promise<SignedTx> {
  const raw = await d.signer.account.signTransaction({
    type: 'eip1559',
    chainId,
    nonce: Number(d.nonce),
    to: d.to,
    value: d.value ?? 0n,
    data: d.data,
    gas: d.gas,
    maxFeePerGas: MAX_FEE_PER_GAS,
    maxPriorityFeePerGas: MAX_PRIORITY_FEE_PER_GAS,
  })
  return { raw, hash: keccak256(raw), from: d.signer.address, nonce: d.nonce }
}

/** Splits a stage so that no sender has more than MAX_SETUP_PER_SENDER txs in one (keeping nonce order). */
function splitStage(stage: SignedTx[]): SignedTx[][] {
  const out: SignedTx[][] = []
  const seen = new Map<Address, number>()
  for (const tx of stage) {
    const k = seen.get(tx.from) ?? 0
    seen.set(tx.from, k + 1)
    const part = Math.floor(k / MAX_SETUP_PER_SENDER)
    out[part] ??= []
    out[part].push(tx)
  }
  return out
}
