/** Why a WebSocket upgrade is refused: the HTTP status and plain-text body the client gets. */
export type UpgradeRefusal = { status: 429 | 503; message: string }

/** Counts open WebSocket connections, in total and per client, against their caps. */
export type WsConnectionLimits = {
  /** Whether one more connection from `client` would pass the caps; the reason to refuse it if not. */
  check(client: string): UpgradeRefusal | undefined
  /** Records an accepted connection (call once the upgrade completed). */
  add(client: string): void
  /** Forgets a closed connection. */
  remove(client: string): void
  /** Open connections in total. */
  count(): number
}

/**
 * Creates the connection counter behind the WebSocket caps. A refusal comes before the upgrade, as a
 * plain HTTP answer: 503 when the server as a whole is full (any client may retry later), 429 when this
 * client holds too many connections (it should reuse one: a single connection carries any number of
 * requests and subscriptions).
 */
export function createWsConnectionLimits({
  maxConnections,
  maxPerClient,
}: {
  maxConnections: number
  maxPerClient: number
}): WsConnectionLimits {
  const perClient = new Map<string, number>()
  let total = 0
  return {
    check(client) {
      if (total >= maxConnections)
        return { status: 503, message: `too many WebSocket connections (max ${maxConnections})\n` }
      if ((perClient.get(client) ?? 0) >= maxPerClient)
        return {
          status: 429,
          message: `too many WebSocket connections from this address (max ${maxPerClient})\n`,
        }
      return undefined
    },
    add(client) {
      total++
      perClient.set(client, (perClient.get(client) ?? 0) + 1)
    },
    remove(client) {
      const n = perClient.get(client)
      if (n === undefined) return
      total--
      if (n <= 1) perClient.delete(client)
      else perClient.set(client, n - 1)
    },
    count: () => total,
  }
}
