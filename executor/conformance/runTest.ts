import { type Block, type BlockHeader, createBlockFromRLP } from '@ethereumjs/block'
import type { Common } from '@ethereumjs/common'
import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, equalsBytes, KECCAK256_NULL, KECCAK256_RLP, KECCAK256_RLP_ARRAY } from '@ethereumjs/util'
import type { Address, Hex } from 'viem'
import { orderedTrieRoot } from '../../core/trie/orderedTrieRoot.ts'
import { createStateDiff } from '../state/types.ts'
import type { WorldState } from '../state/worldState.ts'
import type { BlockEnv } from '../types.ts'
import type { BlockExecutor, NamedExecutor } from './executors.ts'
import type { BlockchainTest, FixtureBlock } from './fixture.ts'
import { cloneWorld, hexToBytesLoose, normalizeAccounts, worldFromFixture } from './worldFromFixture.ts'

/** One mismatch: printed as `<test> block <n> <field> expected <x> got <y>`. */
export type Failure = { block: number; field: string; expected: string; got: string }

/** The block header fields the harness checks, in the order it reports them. */
const CHECKED_FIELDS = ['stateRoot', 'transactionsTrie', 'receiptTrie', 'bloom', 'gasUsed', 'withdrawalsRoot'] as const
type CheckedField = (typeof CHECKED_FIELDS)[number]
type BlockValues = Record<CheckedField, string>

const GWEI = 10n ** 9n
const ZERO32 = `0x${'00'.repeat(32)}` as Hex

/**
 * Runs one BlockchainTest through `executor`: genesis from `pre`, then every block decoded from its
 * RLP and executed in 'verify' mode, withdrawals credited after the transactions, and each block's
 * stateRoot, transactionsTrie, receiptTrie, bloom, gasUsed (and withdrawalsRoot) matched against the
 * fixture; finally the post-state (or its hash). A block marked `expectException` must be rejected
 * (by decoding, a header rule, the executor, or a root that does not match its own header); it is
 * then dropped, as a client would. Returns the mismatches (empty = passed).
 */
export async function runBlockchainTest({
  common,
  executor,
  test,
}: {
  common: Common
  executor: NamedExecutor
  test: BlockchainTest
}): Promise<Failure[]> {
  const failures: Failure[] = []
  const world = worldFromFixture(test.pre)
  const hashes = new Map<bigint, Uint8Array>()

  let parent: BlockHeader
  try {
    parent = createBlockFromRLP(hexToBytesLoose(test.genesisRLP), { common }).header
  } catch (err) {
    return [{ block: 0, field: 'genesisRLP', expected: 'decodable', got: errorText(err) }]
  }
  compare(failures, 0, 'hash', test.genesisBlockHeader.hash, bytesToHex(parent.hash()))
  compare(failures, 0, 'stateRoot', test.genesisBlockHeader.stateRoot, bytesToHex(world.stateRoot()))
  hashes.set(parent.number, parent.hash())

  const exec = await executor.create({ common, blockHash: (n) => hashes.get(n) })
  try {
    return await runBlocks(test, exec, common, world, parent, hashes, failures)
  } finally {
    await exec.close?.()
  }
}

async function runBlocks(
  test: BlockchainTest,
  exec: BlockExecutor,
  common: Common,
  world: WorldState,
  parent: BlockHeader,
  hashes: Map<bigint, Uint8Array>,
  failures: Failure[],
): Promise<Failure[]> {
  let diverged = failures.length > 0
  let lastNumber = 0
  for (let i = 0; i < test.blocks.length; i++) {
    const fixtureBlock = test.blocks[i]
    const n = blockLabel(fixtureBlock, parent)
    if (fixtureBlock.expectException !== undefined) {
      const snapshot = cloneWorld(world)
      const outcome = await processBlock(exec, common, world, fixtureBlock, parent)
      if (outcome.kind === 'accepted') {
        const own = headerValues(outcome.block.header)
        const mismatch = CHECKED_FIELDS.find((f) => !sameValue(f, own[f], outcome.values[f]))
        if (mismatch === undefined)
          failures.push({ block: n, field: 'expectException', expected: fixtureBlock.expectException, got: 'accepted' })
      }
      world = snapshot
      continue
    }

    const outcome = await processBlock(exec, common, world, fixtureBlock, parent)
    if (outcome.kind === 'rejected') {
      failures.push({ block: n, field: outcome.stage, expected: 'valid', got: outcome.reason })
      return failures
    }
    const { block, values, headerError } = outcome
    lastNumber = Number(block.header.number)
    if (!diverged) {
      const before = failures.length
      const expected = fixtureBlock.blockHeader
      if (expected) {
        compare(failures, n, 'hash', expected.hash, bytesToHex(block.hash()))
        for (const f of CHECKED_FIELDS) {
          const want = f === 'withdrawalsRoot' ? (expected.withdrawalsRoot ?? bytesToHex(KECCAK256_RLP)) : expected[f]
          if (want !== undefined && !sameValue(f, want, values[f]))
            failures.push({ block: n, field: f, expected: show(f, want), got: show(f, values[f]) })
        }
      } else {
        const own = headerValues(block.header)
        for (const f of CHECKED_FIELDS) compare(failures, n, f, own[f], values[f], f === 'gasUsed')
      }
      if (headerError) failures.push({ block: n, field: 'header', expected: 'valid', got: headerError })
      // Later blocks run on a state that already differs: only the first failing block is reported,
      // and the post-state comparison below names the accounts that differ.
      diverged = failures.length > before
    }
    parent = block.header
    hashes.set(block.header.number, block.hash())
  }

  if (!diverged) compare(failures, lastNumber, 'lastblockhash', test.lastblockhash, bytesToHex(parent.hash()))
  if (test.postState) comparePostState(failures, lastNumber, world, test.postState)
  else if (test.postStateHash)
    compare(failures, lastNumber, 'postStateHash', test.postStateHash, bytesToHex(world.stateRoot()))
  return failures
}

type BlockOutcome =
  | { kind: 'accepted'; block: Block; values: BlockValues; headerError?: string }
  | { kind: 'rejected'; stage: 'decode' | 'header' | 'execution'; reason: string }

/**
 * Decodes and executes one block on `world` (advancing it), then credits its withdrawals (EIP-4895)
 * with a second diff, since the executor has no hook for them; the state root is read after that.
 * A header rule broken by a block that must be valid is reported but does not stop execution.
 */
async function processBlock(
  exec: BlockExecutor,
  common: Common,
  world: WorldState,
  fixtureBlock: FixtureBlock,
  parent: BlockHeader,
): Promise<BlockOutcome> {
  let block: Block
  try {
    block = createBlockFromRLP(hexToBytesLoose(fixtureBlock.rlp), { common })
  } catch (err) {
    return { kind: 'rejected', stage: 'decode', reason: errorText(err) }
  }
  const headerError = headerRuleViolation(block, parent, common)
  if (headerError && fixtureBlock.expectException !== undefined)
    return { kind: 'rejected', stage: 'header', reason: headerError }

  let result: Awaited<ReturnType<BlockExecutor['executeBlock']>>
  try {
    result = await exec.executeBlock({
      state: world,
      env: blockEnv(block.header),
      txs: block.transactions,
      mode: 'verify',
    })
  } catch (err) {
    return { kind: 'rejected', stage: 'execution', reason: errorText(err) }
  }
  let stateRoot = result.stateRoot
  if (applyWithdrawals(world, block)) stateRoot = bytesToHex(world.stateRoot()) as Hex
  const values: BlockValues = {
    stateRoot,
    transactionsTrie: result.transactionsRoot,
    receiptTrie: result.receiptsRoot,
    bloom: result.logsBloom,
    gasUsed: `0x${result.gasUsed.toString(16)}`,
    withdrawalsRoot: bytesToHex(orderedTrieRoot(block.withdrawals?.map((w) => RLP.encode(w.raw())) ?? [])),
  }
  return { kind: 'accepted', block, values, headerError }
}

/** The executor's block environment, read from a decoded header. */
export function blockEnv(h: BlockHeader): BlockEnv {
  return {
    number: h.number,
    timestamp: h.timestamp,
    coinbase: h.coinbase.toString() as Address,
    gasLimit: h.gasLimit,
    baseFeePerGas: h.baseFeePerGas ?? 0n,
    prevRandao: bytesToHex(h.mixHash) as Hex,
    parentHash: bytesToHex(h.parentHash) as Hex,
    parentBeaconBlockRoot: h.parentBeaconBlockRoot ? (bytesToHex(h.parentBeaconBlockRoot) as Hex) : ZERO32,
  }
}

/**
 * EIP-4895: credits each withdrawal (amount in Gwei) after the block's transactions, as one more
 * diff on the world state. A zero amount touches nothing. Returns whether anything was applied.
 */
export function applyWithdrawals(world: WorldState, block: Block): boolean {
  const diff = createStateDiff()
  for (const w of block.withdrawals ?? []) {
    if (w.amount === 0n) continue
    const address = w.address.toString().toLowerCase() as Hex
    const prev = diff.accounts.get(address) ?? world.getAccount(address)
    diff.accounts.set(address, {
      nonce: prev?.nonce ?? 0n,
      balance: (prev?.balance ?? 0n) + w.amount * GWEI,
      codeHash: prev?.codeHash ?? KECCAK256_NULL,
      storageRoot: prev?.storageRoot ?? KECCAK256_RLP,
    })
  }
  if (diff.accounts.size === 0) return false
  world.applyDiff(diff)
  return true
}

/**
 * The post-merge (Cancun) header rules a block must satisfy against its parent, beyond the roots that
 * execution checks: linkage, timestamp, gas limit bounds, base fee, blob gas accounting, PoS constants,
 * no uncles, and per-transaction static validity. Returns the first rule broken, if any.
 */
export function headerRuleViolation(block: Block, parent: BlockHeader, common: Common): string | undefined {
  const h = block.header
  if (!equalsBytes(h.parentHash, parent.hash())) return 'unknown parent hash'
  if (h.number !== parent.number + 1n) return `number ${h.number} is not parent + 1 (${parent.number + 1n})`
  if (h.timestamp <= parent.timestamp) return `timestamp ${h.timestamp} not after parent's ${parent.timestamp}`
  if (h.gasUsed > h.gasLimit) return `gasUsed ${h.gasUsed} above gasLimit ${h.gasLimit}`
  try {
    h.validateGasLimit(parent)
  } catch (err) {
    return errorText(err)
  }
  const baseFee = parent.calcNextBaseFee()
  if (h.baseFeePerGas !== baseFee) return `baseFeePerGas ${h.baseFeePerGas} expected ${baseFee}`
  if (common.isActivatedEIP(4844)) {
    const excess = parent.calcNextExcessBlobGas(common)
    if (h.excessBlobGas !== excess) return `excessBlobGas ${h.excessBlobGas} expected ${excess}`
  }
  if (h.extraData.length > 32) return `extraData of ${h.extraData.length} bytes`
  if (h.difficulty !== 0n) return `difficulty ${h.difficulty} on a PoS block`
  if (h.nonce.some((b) => b !== 0)) return 'non-zero nonce on a PoS block'
  if (block.uncleHeaders.length > 0 || !equalsBytes(h.uncleHash, KECCAK256_RLP_ARRAY)) return 'uncles on a PoS block'
  const txErrors = block.getTransactionsValidationErrors()
  if (txErrors.length > 0) return txErrors[0]
  return undefined
}

/** The checked fields as a header states them. */
function headerValues(h: BlockHeader): BlockValues {
  return {
    stateRoot: bytesToHex(h.stateRoot),
    transactionsTrie: bytesToHex(h.transactionsTrie),
    receiptTrie: bytesToHex(h.receiptTrie),
    bloom: bytesToHex(h.logsBloom),
    gasUsed: `0x${h.gasUsed.toString(16)}`,
    withdrawalsRoot: bytesToHex(h.withdrawalsRoot ?? KECCAK256_RLP),
  }
}

function comparePostState(
  failures: Failure[],
  n: number,
  world: WorldState,
  postState: NonNullable<BlockchainTest['postState']>,
): void {
  const expected = normalizeAccounts(postState)
  for (const [address, want] of expected) {
    const got = world.getAccount(address)
    const field = (f: string) => `postState[${address}]${f}`
    if (!got) {
      failures.push({ block: n, field: field(''), expected: 'present', got: 'absent' })
      continue
    }
    compare(failures, n, field('.nonce'), quantity(want.nonce), quantity(got.nonce))
    compare(failures, n, field('.balance'), quantity(want.balance), quantity(got.balance))
    const code = equalsBytes(got.codeHash, KECCAK256_NULL)
      ? new Uint8Array()
      : world.getCode(bytesToHex(got.codeHash) as Hex)
    compare(
      failures,
      n,
      field('.code'),
      bytesToHex(want.code),
      code ? bytesToHex(code) : `<missing code ${bytesToHex(got.codeHash)}>`,
    )
    const ours = world.storageOf(address) ?? new Map<Hex, Uint8Array>()
    for (const [slot, value] of want.storage)
      compare(
        failures,
        n,
        field(`.storage[${slot}]`),
        bytesToHex(value),
        bytesToHex(ours.get(slot) ?? new Uint8Array()),
      )
    for (const [slot, value] of ours)
      if (value.length > 0 && !want.storage.has(slot))
        failures.push({ block: n, field: field(`.storage[${slot}]`), expected: '0x', got: bytesToHex(value) })
  }
  for (const [address] of world.accounts())
    if (!expected.has(address))
      failures.push({ block: n, field: `postState[${address}]`, expected: 'absent', got: 'present' })
}

function compare(
  failures: Failure[],
  block: number,
  field: string,
  expected: string,
  got: string,
  numeric = false,
): void {
  const same = numeric ? BigInt(expected) === BigInt(got) : expected.toLowerCase() === got.toLowerCase()
  if (!same) failures.push({ block, field, expected, got })
}

function sameValue(field: CheckedField, a: string, b: string): boolean {
  return field === 'gasUsed' ? BigInt(a) === BigInt(b) : a.toLowerCase() === b.toLowerCase()
}

function show(field: CheckedField, v: string): string {
  return field === 'gasUsed' ? quantity(BigInt(v)) : v.toLowerCase()
}

function quantity(v: bigint): string {
  return `0x${v.toString(16)}`
}

function blockLabel(b: FixtureBlock, parent: BlockHeader): number {
  const raw = b.blocknumber ?? b.blockHeader?.number
  if (raw !== undefined) {
    try {
      return Number(BigInt(raw))
    } catch {}
  }
  return Number(parent.number + 1n)
}

/** An error's message on one line, short enough for a failure line. */
export function errorText(err: unknown): string {
  const msg = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim()
  return msg.length > 200 ? `${msg.slice(0, 200)}…` : msg
}
