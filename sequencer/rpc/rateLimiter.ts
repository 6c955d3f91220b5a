/** Per-client token buckets: `take` spends tokens, which refill at `ratePerSecond` up to `burst`. */
export type RateLimiter = {
  /** Spends `n` tokens of `client`'s bucket; false (and nothing spent) when it holds fewer. */
  take(client: string, n?: number): boolean
  /** Milliseconds until `client`'s bucket holds one token again (0 when it holds one now). */
  retryAfterMs(client: string): number
  /** Buckets currently tracked (full ones are forgotten: a new bucket starts full, so nothing is lost). */
  size(): number
}

/** Parameters for {@link createRateLimiter}. */
export type CreateRateLimiterParameters = {
  /** Tokens added per second; must be > 0. */
  ratePerSecond: number
  /** Bucket size: the most tokens a client can spend at once after being idle. */
  burst: number
  /** Clock in ms (injectable for tests). */
  now?: () => number
}

type Bucket = { tokens: number; at: number }

/**
 * A token-bucket rate limiter keyed by client. Memory stays bounded by the number of clients active
 * within the last `burst / ratePerSecond` seconds: a sweep at most every few seconds drops every bucket
 * that has refilled, since a fresh bucket would be identical.
 */
export function createRateLimiter({ ratePerSecond, burst, now = Date.now }: CreateRateLimiterParameters): RateLimiter {
  if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0')
  const capacity = Math.max(1, burst)
  const perMs = ratePerSecond / 1000
  const buckets = new Map<string, Bucket>()
  const sweepEveryMs = Math.max(1000, Math.min(60_000, capacity / perMs))
  let lastSweep = now()

  function refill(bucket: Bucket, t: number): void {
    if (t > bucket.at) {
      bucket.tokens = Math.min(capacity, bucket.tokens + (t - bucket.at) * perMs)
      bucket.at = t
    }
  }

  function sweep(t: number): void {
    lastSweep = t
    for (const [client, bucket] of buckets) {
      refill(bucket, t)
      if (bucket.tokens >= capacity) buckets.delete(client)
    }
  }

  return {
    take(client, n = 1) {
      const t = now()
      if (t - lastSweep >= sweepEveryMs) sweep(t)
      let bucket = buckets.get(client)
      if (bucket === undefined) buckets.set(client, (bucket = { tokens: capacity, at: t }))
      else refill(bucket, t)
      if (bucket.tokens < n) return false
      bucket.tokens -= n
      return true
    },
    retryAfterMs(client) {
      const bucket = buckets.get(client)
      if (bucket === undefined) return 0
      refill(bucket, now())
      return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / perMs)
    },
    size: () => buckets.size,
  }
}
