/** The address/topics part of a log filter, as eth_getLogs, eth_newFilter and the `logs` subscription take it. */
export type LogFilter = {
  /** One address or a list (OR); absent or empty matches every address. Compared case-insensitively. */
  address?: string | readonly string[] | null
  /**
   * Positional topic constraints (AND across positions): `null` or `[]` is a wildcard, a string must equal the log's
   * topic at that position, an array matches any of its entries (an entry `null` makes the position a wildcard).
   */
  topics?: readonly (string | readonly (string | null)[] | null)[] | null
}

/** Whether `log` passes `filter`, with geth's exact semantics (see `LogFilter`). */
export function matchesLogFilter(
  log: { readonly address: string; readonly topics: readonly string[] },
  filter: LogFilter,
): boolean {
  const { address, topics } = filter
  if (typeof address === 'string') {
    if (address.toLowerCase() !== log.address.toLowerCase()) return false
  } else if (address && address.length > 0) {
    const logAddress = log.address.toLowerCase()
    if (!address.some((a) => a.toLowerCase() === logAddress)) return false
  }
  if (!topics) return true
  // geth drops a log with fewer topics than the filter has positions, even when the extra positions are wildcards.
  if (topics.length > log.topics.length) return false
  for (const [i, wanted] of topics.entries()) {
    if (wanted === null) continue
    const actual = log.topics[i].toLowerCase()
    if (typeof wanted === 'string') {
      if (wanted.toLowerCase() !== actual) return false
      continue
    }
    if (wanted.length === 0 || wanted.includes(null)) continue
    if (!wanted.some((t) => t !== null && t.toLowerCase() === actual)) return false
  }
  return true
}
