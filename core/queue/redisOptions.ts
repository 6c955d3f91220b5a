import type { ConnectionOptions } from 'bullmq'

/**
 * ioredis options for BullMQ from a `redis://[user:pass@]host:port[/db]` URL.
 *
 * - `role: 'queue'` (producers): no offline queue, so `add()` fails at once while Redis is down
 *   instead of hanging; the caller keeps the work (the outbox) and tries again later.
 * - `role: 'worker'`: `maxRetriesPerRequest: null` as BullMQ requires for blocking commands; it
 *   reconnects on its own when Redis comes back.
 */
export function redisOptions(url: string, role: 'queue' | 'worker'): ConnectionOptions {
  const u = new URL(url)
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`REDIS_URL must be redis:// or rediss://, got ${url}`)
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // Reconnect forever, at most every 2 s: an outage must end on its own.
    retryStrategy: (times: number) => Math.min(2000, 100 * times),
    ...(role === 'queue' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
  }
}
