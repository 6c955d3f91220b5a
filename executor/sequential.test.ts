import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { MerkleStateManager } from '@ethereumjs/statemanager'
import { createFeeMarket1559Tx, createLegacyTx, type TypedTransaction } from '@ethereumjs/tx'
import { Account, Address, bytesToHex, hexToBytes } from '@ethereumjs/util'
import { createVM, runTx } from '@ethereumjs/vm'
import { encodeFunctionData, type Hex, keccak256 as viemKeccak } from 'viem'
import { describe, expect, test } from 'vitest'
import { compileSolidity } from '../contracts/compile.ts'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { devAccounts } from '../core/chain/devAccounts.ts'
import { genesisDiff } from '../core/chain/genesis.ts'
import { createSequentialExecutor, toEjsBlock } from './sequential.ts'
import { createWorldState } from './state/worldState.ts'
import type { BlockEnv } from './types.ts'

const common = createChainCommon({ chainId: 901901 })
const keys = devAccounts().map((a) => hexToBytes(a.privateKey))
const addrs = devAccounts().map((a) => a.address.toLowerCase() as Hex)
const kitchen = compileSolidity({
  sources: { 'Kitchen.sol': readFileSync(new URL('./testing/Kitchen.sol', import.meta.url), 'utf8') },
}).Kitchen

const env = (n: bigint): BlockEnv => ({
  number: n,
  timestamp: 1_700_000_000n + n,
  coinbase: '0x4200000000000000000000000000000000000011',
  gasLimit: 30_000_000n,
  baseFeePerGas: 1_000_000_000n,
  prevRandao: `0x${'11'.repeat(32)}`,
  parentHash: `0x${n.toString(16).padStart(64, '0')}`,
  parentBeaconBlockRoot: `0x${'00'.repeat(32)}`,
})

/** The reference: ethereumjs's own VM on its Merkle state manager, same genesis, same txs. */
async function reference(blocks: TypedTransaction[][]) {
  const sm = new MerkleStateManager({ common })
  const diff = withEmptyAccount(genesisDiff())
  for (const [address, a] of diff.accounts) {
    const addr = new Address(hexToBytes(address))
    await sm.putAccount(addr, new Account(a!.nonce, a!.balance))
    const code = diff.code.get(bytesToHex(a!.codeHash) as Hex)
    if (code) await sm.putCode(addr, code)
  }
  const vm = await createVM({ common, stateManager: sm })
  const out: { roots: string[]; receipts: { status: number; gas: bigint; logs: number }[][] } = {
    roots: [],
    receipts: [],
  }
  for (let i = 0; i < blocks.length; i++) {
    const e = env(BigInt(i + 1))
    const block = toEjsBlock(common, e)
    // EIP-2935 system write, as the executor does (the history contract is predeployed).
    await vm.stateManager.putStorage(
      new Address(hexToBytes('0x0000f90827f1c53a10cb7a02335b175320002935')),
      hexToBytes(`0x${(e.number - 1n).toString(16).padStart(64, '0')}`),
      hexToBytes(e.parentHash),
    )
    let gas = 0n
    const rs = []
    for (const tx of blocks[i]) {
      try {
        const r = await runTx(vm, { tx, block, blockGasUsed: gas })
        gas += r.totalGasSpent
        rs.push({ status: (r.receipt as { status: number }).status, gas: r.totalGasSpent, logs: r.receipt.logs.length })
      } catch {
        // left out of the block, as the executor's build mode does
      }
    }
    out.receipts.push(rs)
    out.roots.push(bytesToHex(await vm.stateManager.getStateRoot()))
  }
  return out
}

async function ours(blocks: TypedTransaction[][]) {
  const world = createWorldState()
  world.applyDiff(withEmptyAccount(genesisDiff()))
  const exec = await createSequentialExecutor({ common, blockHash: () => undefined })
  const out: { roots: string[]; receipts: { status: number; gas: bigint; logs: number }[][] } = {
    roots: [],
    receipts: [],
  }
  for (let i = 0; i < blocks.length; i++) {
    const r = await exec.executeBlock({ state: world, env: env(BigInt(i + 1)), txs: blocks[i], mode: 'build' })
    out.roots.push(r.stateRoot)
    out.receipts.push(r.receipts.map((x) => ({ status: x.status, gas: x.gasUsed, logs: x.logs.length })))
  }
  return out
}

// An existing empty account (possible only from genesis): a zero-value transfer to it removes it (EIP-161).
const EMPTY_ACCOUNT = '0x00000000000000000000000000000000000e0e0e' as Hex
function withEmptyAccount(d: ReturnType<typeof genesisDiff>) {
  d.accounts.set(EMPTY_ACCOUNT, {
    nonce: 0n,
    balance: 0n,
    codeHash: hexToBytes('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'),
    storageRoot: new Uint8Array(),
  })
  return d
}

function tx1559(
  from: number,
  nonce: number,
  fields: { to?: Hex; value?: bigint; data?: Hex; gas?: bigint; tip?: bigint; maxFee?: bigint },
) {
  return createFeeMarket1559Tx(
    {
      nonce: BigInt(nonce),
      to: fields.to,
      value: fields.value ?? 0n,
      data: fields.data ?? '0x',
      gasLimit: fields.gas ?? 3_000_000n,
      maxFeePerGas: fields.maxFee ?? 3_000_000_000n,
      maxPriorityFeePerGas: fields.tip ?? 1_000_000n,
      chainId: 901901n,
    },
    { common },
  ).sign(keys[from])
}

describe('sequential executor', () => {
  test('behavior: same receipts and state roots as ethereumjs on its Merkle state manager', async () => {
    const deployed = `0x${viemKeccak(`0x${'d6'}94${addrs[0].slice(2)}80`).slice(26)}` as Hex // CREATE address of account 0, nonce 0
    const call = (fn: string, args: unknown[]) =>
      encodeFunctionData({ abi: kitchen.abi, functionName: fn, args } as never)
    const block1: TypedTransaction[] = [
      tx1559(0, 0, { data: kitchen.bytecode }),
      tx1559(1, 0, { to: addrs[2], value: 10n ** 18n }),
      createLegacyTx(
        { nonce: 0n, to: addrs[4], value: 5n, gasLimit: 21_000n, gasPrice: 2_000_000_000n },
        { common },
      ).sign(keys[3]),
    ]
    const block2: TypedTransaction[] = [
      tx1559(0, 1, { to: deployed, data: call('store', [1n, 42n]) }),
      tx1559(0, 2, { to: deployed, data: call('store', [2n, 43n]) }),
      tx1559(1, 1, { to: deployed, data: call('fail', [7n]) }),
      tx1559(2, 0, { to: deployed, data: call('burn', [10_000n]), gas: 60_000n }), // out of gas
      tx1559(2, 1, { to: deployed, data: call('transient', [9n]) }),
      tx1559(3, 1, { to: deployed, data: call('deploy', [`0x${'ab'.repeat(32)}`]) }),
      tx1559(4, 0, { to: deployed, data: call('ephemeral', []), value: 12345n }),
      tx1559(5, 0, { to: deployed, data: call('balanceOfCoinbase', []) }),
      tx1559(0, 3, { to: deployed, data: call('clear', [1n]) }),
      tx1559(6, 5, { to: addrs[1], value: 1n }), // nonce gap: left out
      tx1559(7, 0, { to: addrs[1], value: 10_001n * 10n ** 18n }), // cannot pay: left out
    ]
    const [a, b] = [await reference([block1, block2]), await ours([block1, block2])]
    expect(b.receipts).toEqual(a.receipts)
    expect(b.roots).toEqual(a.roots)
    expect(b.receipts[1].map((r) => r.status)).toEqual([1, 1, 0, 0, 1, 1, 1, 1, 1])
  })

  test('behavior: the transfer fast path matches runTx on every edge', async () => {
    const fresh = (i: number) => `0x${(0xabc000 + i).toString(16).padStart(40, '0')}` as Hex
    const legacy = (from: number, nonce: number, to: Hex, value: bigint, gasPrice: bigint, gas = 21_000n) =>
      createLegacyTx({ nonce: BigInt(nonce), to, value, gasLimit: gas, gasPrice }, { common }).sign(keys[from])
    const block: TypedTransaction[] = [
      tx1559(0, 0, { to: fresh(1), value: 0n, gas: 21_000n }), // zero value to a new account: not created
      tx1559(0, 1, { to: fresh(2), value: 5n, gas: 50_000n }), // unused gas is not charged
      tx1559(1, 0, { to: EMPTY_ACCOUNT, value: 0n, gas: 21_000n }), // touched empty account is removed
      tx1559(2, 0, { to: addrs[2], value: 7n, gas: 21_000n }), // self-transfer
      tx1559(3, 0, { to: addrs[4], value: 1n, gas: 21_000n, tip: 1_500_000_000n, maxFee: 2_000_000_000n }), // tip capped by fee cap - base fee
      tx1559(3, 1, { to: addrs[4], value: 1n, gas: 21_000n, tip: 0n }), // no tip: coinbase touched with 0
      tx1559(4, 5, { to: addrs[5], value: 1n, gas: 21_000n }), // nonce gap: left out
      tx1559(5, 0, { to: addrs[6], value: 10_001n * 10n ** 18n, gas: 21_000n }), // cannot pay: left out
      tx1559(6, 0, { to: addrs[7], value: 1n, gas: 21_000n, maxFee: 100n, tip: 1n }), // below base fee: left out
      legacy(7, 0, addrs[8], 3n, 2_000_000_000n),
      legacy(7, 1, fresh(3), 0n, 1_000_000_000n), // legacy paying exactly the base fee
      tx1559(8, 0, { to: '0x0000000000000000000000000000000000000004', value: 1n, gas: 50_000n }), // precompile: slow path
      tx1559(8, 1, { to: '0x4200000000000000000000000000000000000011', value: 9n, gas: 21_000n }), // to coinbase: slow path
      tx1559(9, 0, {
        to: fresh(4),
        value: 10_000n * 10n ** 18n - 21_000n * 1_001_000_000n,
        gas: 21_000n,
        maxFee: 1_001_000_000n,
      }), // drains exactly
      tx1559(9, 1, { to: fresh(5), value: 1n, gas: 21_000n }), // then cannot pay
      tx1559(8, 2, { to: '0x000000000000000000000000000000000000000a', data: pointEvaluationInput(), gas: 100_000n }),
    ]
    const [a, b] = [await reference([block]), await ours([block])]
    expect(b.receipts).toEqual(a.receipts)
    expect(b.roots).toEqual(a.roots)
    expect(b.receipts[0]).toHaveLength(12)
    // The point-evaluation call is included and fails inside the precompile (no KZG backend).
    expect(b.receipts[0][11]).toEqual({ status: 0, gas: 100_000n, logs: 0 })
  })
})

/** 192 bytes for the point-evaluation precompile with a versioned hash that matches its commitment. */
function pointEvaluationInput(): Hex {
  const commitment = new Uint8Array(48).fill(0xc0)
  const versioned = createHash('sha256').update(commitment).digest()
  versioned[0] = 1
  const out = new Uint8Array(192)
  out.set(versioned, 0)
  out.set(commitment, 96)
  return bytesToHex(out) as Hex
}
