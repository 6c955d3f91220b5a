/**
 * Walks `[fromBlock, toBlock]` in consecutive ranges of at most `chunk` blocks, in order (for
 * `eth_getLogs`, which public RPCs cap by range); `fn` gets each range's bounds.
 */
export async function forEachBlockRange(
  fromBlock: bigint,
  toBlock: bigint,
  chunk: bigint,
  fn: (from: bigint, to: bigint) => Promise<void>,
): Promise<void> {
  if (chunk < 1n) throw new RangeError(`chunk must be at least 1 block, got ${chunk}`)
  for (let from = fromBlock; from <= toBlock; from += chunk)
    await fn(from, from + chunk - 1n < toBlock ? from + chunk - 1n : toBlock)
}
