import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { DevnetError, RedisUnavailableError } from './errors.ts'
import { freePort } from './freePort.ts'
import { ensureRedis, pingRedis } from './redis.ts'

// The machine's shared Redis on 6379 is only pinged here, never written to or stopped.
const SHARED = 'redis://127.0.0.1:6379'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('pingRedis', () => {
  test('default', async () => {
    expect(await pingRedis(SHARED)).toBe(true)
  })

  test('behavior: false, and fast, for a free port', async () => {
    const t0 = Date.now()
    expect(await pingRedis(`redis://127.0.0.1:${await freePort()}`)).toBe(false)
    expect(Date.now() - t0).toBeLessThan(500)
  })

  test('behavior: false for a URL that is not redis', async () => {
    expect(await pingRedis('http://127.0.0.1:6379')).toBe(false)
    expect(await pingRedis('not a url')).toBe(false)
  })
})

describe('ensureRedis', () => {
  test('default: uses the Redis that answers', async () => {
    const r = await ensureRedis(SHARED)
    expect(r.started).toBe(false)
    await r.stop()
    expect(await pingRedis(SHARED)).toBe(true)
  })

  test('behavior: starts a private redis-server on a free local port, and stop() ends it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'devnet-redis-'))
    dirs.push(dataDir)
    const url = `redis://127.0.0.1:${await freePort()}`
    const r = await ensureRedis(url, { dataDir })
    try {
      expect(r.started).toBe(true)
      expect(await pingRedis(url)).toBe(true)
    } finally {
      await r.stop()
    }
    expect(await pingRedis(url)).toBe(false)
  })

  test('behavior: a password in the URL is required by the started server', async () => {
    const port = await freePort()
    const r = await ensureRedis(`redis://:s3cret@localhost:${port}`)
    try {
      expect(await pingRedis(`redis://:s3cret@127.0.0.1:${port}`)).toBe(true)
      expect(await pingRedis(`redis://127.0.0.1:${port}`)).toBe(false)
    } finally {
      await r.stop()
    }
  })

  test('error: no redis-server binary', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    const err = await ensureRedis(url, { redisServerBinary: '/nonexistent' }).catch((e) => e)
    expect(err).toBeInstanceOf(DevnetError)
    expect(err).toBeInstanceOf(RedisUnavailableError)
    expect(err.message).toContain(`Redis is not reachable at ${url}`)
    expect(err.message).toContain('sudo apt-get install redis-server')
    expect(err.message).toContain('brew install redis')
    expect(err.message).toContain('docker run -p 6379:6379 redis:7')
    expect(err.message).toContain('REDIS_URL')
  })

  test('error: a host that is not local is never started', async () => {
    const t0 = Date.now()
    const err = await ensureRedis('redis://10.255.255.1:6379', {
      timeoutMs: 300,
      redisServerBinary: '/bin/false', // would fail loudly if it were spawned
    }).catch((e) => e)
    expect(err).toBeInstanceOf(RedisUnavailableError)
    expect(err.message).toContain('not local')
    expect(Date.now() - t0).toBeLessThan(2_000)
  })
})
