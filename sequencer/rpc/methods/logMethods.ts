import { randomBytes } from 'node:crypto'
import type { Hash, Hex } from 'viem'
import { z } from 'zod'
import { InvalidParamsError, LimitExceededError, ResourceNotFoundError } from '../../../core/errors/rpc.ts'
import type { StoredBlock } from '../../../core/storage/chainStore.ts'
import type { Node } from '../../node/createNode.ts'
import { matchesLogFilter } from '../logFilter.ts'
import { type LogFilterCriteria, logFilterSchema, parseParams } from '../params.ts'
import type { MethodTable } from '../types.ts'
import { resolveBlockNumber } from './resolveBlock.ts'

type Filter =
  | { kind: 'logs'; criteria: LogFilterCriteria; next: bigint; lastPoll: number }
  | { kind: 'blocks'; hashes: Hash[]; lastPoll: number }
  | { kind: 'pending'; hashes: Hash[]; lastPoll: number }

const MAX_BUFFERED = 10_000

/**
 * eth_getLogs and the polling filters. Block and pending-tx filters buffer hashes as events
 * arrive; log filters remember the next block to scan. A filter not polled for FILTER_TIMEOUT_MS
 * is removed, as geth does; at most FILTER_MAX are installed at once.
 */
export function logMethods(node: Node): MethodTable & { close(): void } {
  const filters = new Map<string, Filter>()
  const onBlock = (b: StoredBlock) => {
    for (const f of filters.values()) if (f.kind === 'blocks' && f.hashes.length < MAX_BUFFERED) f.hashes.push(b.hash)
  }
  const onPending = (h: Hash) => {
    for (const f of filters.values()) if (f.kind === 'pending' && f.hashes.length < MAX_BUFFERED) f.hashes.push(h)
  }
  node.events.on('block', onBlock)
  node.events.on('pendingTx', onPending)
  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - node.config.FILTER_TIMEOUT_MS
      for (const [id, f] of filters) if (f.lastPoll < cutoff) filters.delete(id)
    },
    Math.min(node.config.FILTER_TIMEOUT_MS, 60_000),
  )
  sweep.unref()

  const queryLogs = (c: LogFilterCriteria, from: bigint, to: bigint) => {
    if (to < from) return []
    if (to - from + 1n > BigInt(node.config.LOG_MAX_RANGE))
      throw new LimitExceededError({ reason: `exceed maximum block range: ${node.config.LOG_MAX_RANGE}` })
    const limit = node.config.LOG_MAX_RESULTS
    const rows = node.chain.logs({
      fromBlock: from,
      toBlock: to,
      addresses: c.address?.map((a) => a.toLowerCase() as Hex),
      topics: c.topics?.map((t) => (t ? t.map((x) => x.toLowerCase() as Hex) : null)),
      limit,
    })
    if (rows.length > limit) throw new LimitExceededError({ reason: `query returned more than ${limit} results` })
    return rows.filter((l) => matchesLogFilter(l as { address: string; topics: string[] }, c))
  }

  const range = (c: LogFilterCriteria) => {
    const head = node.head().number
    const from = c.fromBlock === undefined ? head : resolveBlockNumber(node, c.fromBlock)
    const to = c.toBlock === undefined ? head : resolveBlockNumber(node, c.toBlock)
    if (from > to && c.toBlock !== undefined) throw new InvalidParamsError({ reason: 'invalid block range params' })
    return { from, to: to > head ? head : to }
  }

  const getLogs = (c: LogFilterCriteria) => {
    if (c.blockHash) {
      const h = node.chain.headerByHash(c.blockHash)
      if (!h) throw new ResourceNotFoundError({ reason: 'unknown block' })
      const n = BigInt(h.number as string)
      return queryLogs(c, n, n)
    }
    const { from, to } = range(c)
    return queryLogs(c, from, to)
  }

  const install = (f: Filter) => {
    // Filters live in memory until polled or expired: the cap keeps a flood of eth_new*Filter calls bounded.
    if (filters.size >= node.config.FILTER_MAX)
      throw new LimitExceededError({ reason: `too many installed filters (max ${node.config.FILTER_MAX})` })
    const id = `0x${randomBytes(16).toString('hex')}`
    filters.set(id, f)
    return id
  }
  const idSchema = z.string()
  const take = (params: readonly unknown[]) => {
    const [id] = parseParams(params, [idSchema], { minArgs: 1 })
    const f = filters.get(id.toLowerCase())
    if (!f) throw new ResourceNotFoundError({ reason: 'filter not found' })
    f.lastPoll = Date.now()
    return f
  }

  return {
    eth_getLogs: (params) => {
      const [c] = parseParams(params, [logFilterSchema], { minArgs: 1 })
      return getLogs(c)
    },
    eth_newFilter: (params) => {
      const [c] = parseParams(params, [logFilterSchema], { minArgs: 1 })
      if (c.blockHash) throw new InvalidParamsError({ reason: 'blockHash is not allowed in eth_newFilter' })
      const head = node.head().number
      const next =
        c.fromBlock === undefined || c.fromBlock === 'latest' ? head + 1n : resolveBlockNumber(node, c.fromBlock)
      return install({ kind: 'logs', criteria: c, next, lastPoll: Date.now() })
    },
    eth_newBlockFilter: () => install({ kind: 'blocks', hashes: [], lastPoll: Date.now() }),
    eth_newPendingTransactionFilter: () => install({ kind: 'pending', hashes: [], lastPoll: Date.now() }),
    eth_uninstallFilter: (params) => {
      const [id] = parseParams(params, [idSchema], { minArgs: 1 })
      return filters.delete(id.toLowerCase())
    },
    eth_getFilterChanges: (params) => {
      const f = take(params)
      if (f.kind !== 'logs') {
        const out = f.hashes
        f.hashes = []
        return out
      }
      const head = node.head().number
      const to = f.criteria.toBlock === undefined || typeof f.criteria.toBlock === 'string' ? head : f.criteria.toBlock
      const end = to > head ? head : to
      if (f.next > end) return []
      // Long gaps between polls are answered in LOG_MAX_RANGE steps rather than failing.
      const stepEnd =
        end - f.next + 1n > BigInt(node.config.LOG_MAX_RANGE) ? f.next + BigInt(node.config.LOG_MAX_RANGE) - 1n : end
      const logs = queryLogs(f.criteria, f.next, stepEnd)
      f.next = stepEnd + 1n
      return logs
    },
    eth_getFilterLogs: (params) => {
      const f = take(params)
      if (f.kind !== 'logs') throw new ResourceNotFoundError({ reason: 'filter not found' })
      return getLogs(f.criteria)
    },
    close() {
      clearInterval(sweep)
      node.events.off('block', onBlock)
      node.events.off('pendingTx', onPending)
    },
  }
}
