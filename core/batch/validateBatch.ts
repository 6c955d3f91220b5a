import { type Batch, DEPOSIT_TX_TYPE } from './batch.ts'
import { BatchEncodeError } from './errors.ts'
import { type BatchLimits, DEFAULT_BATCH_LIMITS, MAX_UINT64 } from './limits.ts'

const BYTES_HEX = /^0x(?:[0-9a-fA-F]{2})*$/
const DEPOSIT_PREFIX = DEPOSIT_TX_TYPE.toString(16)

/**
 * Checks `batch` against every rule the decoder enforces, short of the payload size (known only once
 * encoded): at least one block, numbers from parent + 1 (>= 1) up by one, uint64 numbers, timestamps
 * and L1 origins, timestamps and L1 origins non-decreasing, a 32-byte parent hash, non-empty hex txs,
 * deposits starting with 0x7e and no other tx starting with it. Throws `BatchEncodeError`.
 */
export function validateBatch(batch: Batch, limits: BatchLimits = DEFAULT_BATCH_LIMITS): void {
  const { parentHash, blocks } = batch
  if (typeof parentHash !== 'string' || !BYTES_HEX.test(parentHash) || parentHash.length !== 66)
    throw new BatchEncodeError({ reason: 'bad parent hash', path: 'parentHash', details: String(parentHash) })
  if (blocks.length === 0) throw new BatchEncodeError({ reason: 'no blocks' })
  if (blocks.length > limits.maxBlocks)
    throw new BatchEncodeError({ reason: 'too many blocks', details: `${blocks.length} > ${limits.maxBlocks}` })

  const first = blocks[0].number
  if (first === 0n) throw new BatchEncodeError({ reason: 'zero block number', path: 'blocks[0].number' })
  let txCount = 0
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]
    const at = `blocks[${i}]`
    if (block.number < 0n || block.number > MAX_UINT64)
      throw new BatchEncodeError({ reason: 'integer out of range', path: `${at}.number`, details: `${block.number}` })
    if (block.number !== first + BigInt(i))
      throw new BatchEncodeError({
        reason: 'block number gap',
        path: `${at}.number`,
        details: `expected ${first + BigInt(i)}, got ${block.number}`,
      })
    if (block.timestamp < 0n || block.timestamp > MAX_UINT64)
      throw new BatchEncodeError({
        reason: 'integer out of range',
        path: `${at}.timestamp`,
        details: `${block.timestamp}`,
      })
    if (i > 0 && block.timestamp < blocks[i - 1].timestamp)
      throw new BatchEncodeError({
        reason: 'timestamp decreasing',
        path: `${at}.timestamp`,
        details: `${block.timestamp} < ${blocks[i - 1].timestamp}`,
      })
    // typeof too: a caller built without the field (plain JS, a stale object) must not encode `undefined`.
    if (typeof block.l1Origin !== 'bigint' || block.l1Origin < 0n || block.l1Origin > MAX_UINT64)
      throw new BatchEncodeError({
        reason: 'integer out of range',
        path: `${at}.l1Origin`,
        details: String(block.l1Origin),
      })
    if (i > 0 && block.l1Origin < blocks[i - 1].l1Origin)
      throw new BatchEncodeError({
        reason: 'l1 origin decreasing',
        path: `${at}.l1Origin`,
        details: `${block.l1Origin} < ${blocks[i - 1].l1Origin}`,
      })
    checkRaws(block.deposits, `${at}.deposits`, true)
    checkRaws(block.transactions, `${at}.transactions`, false)
    txCount += block.deposits.length + block.transactions.length
  }
  if (txCount > limits.maxTransactions)
    throw new BatchEncodeError({ reason: 'too many transactions', details: `${txCount} > ${limits.maxTransactions}` })
}

// Deposits must start with the deposit type byte, other txs must not: a cheap check that neither list
// carries the other's kind (the decoder checks the same first byte).
function checkRaws(raws: readonly string[], at: string, deposits: boolean): void {
  for (let j = 0; j < raws.length; j++) {
    const raw = raws[j]
    const path = `${at}[${j}]`
    if (typeof raw !== 'string' || !BYTES_HEX.test(raw))
      throw new BatchEncodeError({ reason: 'invalid hex', path, details: String(raw).slice(0, 80) })
    if (raw.length === 2) throw new BatchEncodeError({ reason: 'empty transaction', path })
    const typed = raw.slice(2, 4).toLowerCase() === DEPOSIT_PREFIX
    if (deposits && !typed)
      throw new BatchEncodeError({ reason: 'bad deposit', path, details: `first byte 0x${raw.slice(2, 4)}, not 0x7e` })
    if (!deposits && typed) throw new BatchEncodeError({ reason: 'deposit among transactions', path })
  }
}
