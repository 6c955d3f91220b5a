import type { Hex } from 'viem'

/** One `BatchSubmitted` event of the rollup contract, with where it was mined. */
export type BatchLog = {
  index: number
  outputRoot: Hex
  prevOutputRoot: Hex
  lastL2Block: bigint
  dataHash: Hex
  txHash: Hex
  l1Block: bigint
}

/** The fields of a decoded viem `BatchSubmitted` log that a {@link BatchLog} keeps. */
export type DecodedBatchSubmitted = {
  args: { index?: bigint; outputRoot?: Hex; prevOutputRoot?: Hex; lastL2Block?: bigint; dataHash?: Hex }
  transactionHash: Hex | null
  blockNumber: bigint | null
}

/** A {@link BatchLog} from a decoded log; undefined for a pending or incomplete one. */
export function toBatchLog(log: DecodedBatchSubmitted): BatchLog | undefined {
  const a = log.args
  if (
    a.index === undefined ||
    !a.outputRoot ||
    !a.prevOutputRoot ||
    a.lastL2Block === undefined ||
    !a.dataHash ||
    !log.transactionHash ||
    log.blockNumber === null
  )
    return undefined
  return {
    index: Number(a.index),
    outputRoot: a.outputRoot,
    prevOutputRoot: a.prevOutputRoot,
    lastL2Block: a.lastL2Block,
    dataHash: a.dataHash,
    txHash: log.transactionHash,
    l1Block: log.blockNumber,
  }
}
