import { mkdirSync } from 'node:fs'
import { connect as connectTcp, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { connect as connectTls } from 'node:tls'
import type { Logger } from '../log/logger.ts'
import { RedisStartError, RedisUnavailableError } from './errors.ts'
import { findOnPath, isExecutable } from './findOnPath.ts'
import { spawnChild } from './spawnChild.ts'
import { waitUntilReady } from './waitUntilReady.ts'

// The ping speaks RESP over a bare socket rather than through a client library: it needs two commands (AUTH, PING),
// and a client library would bring reconnect loops and 'error' events that outlive a failed probe.

/**
 * True when a Redis at `url` (redis:// or rediss://, with optional user:password) answers PING with PONG within
 * `timeoutMs` (default 1 s). Never throws; always closes its socket.
 */
export async function pingRedis(url: string, timeoutMs = 1_000): Promise<boolean> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return false
  }
  if (target.protocol !== 'redis:' && target.protocol !== 'rediss:') return false
  const host = unbracket(target.hostname) || '127.0.0.1'
  const port = Number(target.port || 6379)
  const commands: string[][] = []
  const password = decodeURIComponent(target.password)
  const username = decodeURIComponent(target.username)
  if (password) commands.push(username ? ['AUTH', username, password] : ['AUTH', password])
  commands.push(['PING'])

  return await new Promise<boolean>((resolve) => {
    let socket: Socket | undefined
    let received = ''
    const finish = (ok: boolean) => {
      clearTimeout(timer)
      socket?.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    const onConnect = () => socket?.write(commands.map(encodeCommand).join(''))
    socket =
      target.protocol === 'rediss:'
        ? connectTls({ host, port, servername: host }, onConnect)
        : connectTcp({ host, port }, onConnect)
    socket.setEncoding('utf8')
    socket.on('error', () => finish(false))
    socket.on('close', () => finish(false))
    socket.on('data', (chunk: string) => {
      received += chunk
      // Each reply to AUTH and PING is one line: +OK / +PONG, or -ERR… (NOAUTH, WRONGPASS, DENIED).
      const replies = received.split('\r\n').slice(0, -1)
      if (replies.some((r) => r.startsWith('-'))) return finish(false)
      if (replies.length >= commands.length) finish(replies[commands.length - 1] === '+PONG')
    })
  })
}

/** A Redis that answers; `started` tells whether {@link ensureRedis} spawned it. */
export interface EnsuredRedis {
  url: string
  started: boolean
  /** stops the redis-server that ensureRedis started; a no-op for one that was already running */
  stop(): Promise<void>
}

/** Options of {@link ensureRedis}. */
export type EnsureRedisOptions = {
  /** working dir of a started redis-server (default the OS temp dir; nothing is saved there: no RDB, no AOF) */
  dataDir?: string
  log?: Logger
  /** default: `redis-server` found on PATH */
  redisServerBinary?: string
  /** how long the first PING may take (default 1 s) */
  timeoutMs?: number
  /** how long a started redis-server may take to answer (default 10 s) */
  startupTimeoutMs?: number
}

/**
 * Returns a Redis at `url`: the one already answering there, else, when the URL's host is local and a redis-server
 * binary is at hand, a private `redis-server` child bound to that host and port (no persistence; it ends with this
 * process). Throws {@link RedisUnavailableError} with advice on getting one otherwise, {@link RedisStartError} when
 * the spawned server does not come up.
 */
export async function ensureRedis(url: string, opts: EnsureRedisOptions = {}): Promise<EnsuredRedis> {
  const log = opts.log?.child({ component: 'redis' })
  if (await pingRedis(url, opts.timeoutMs)) {
    log?.debug({ url }, 'redis already running')
    return { url, started: false, stop: async () => {} }
  }

  const target = new URL(url)
  const host = unbracket(target.hostname)
  if (target.protocol !== 'redis:' || !isLocalHost(host)) {
    throw new RedisUnavailableError({
      url,
      reason: 'Nothing answered PING, and the host is not local, so no redis-server is started for it.',
    })
  }
  const bin = opts.redisServerBinary ?? findOnPath('redis-server')
  if (!bin || !isExecutable(bin)) {
    throw new RedisUnavailableError({
      url,
      reason: `Nothing answered PING, and no redis-server binary was found (${bin ?? 'not on PATH'}) to start one.`,
    })
  }

  const port = target.port || '6379'
  const dir = opts.dataDir ?? tmpdir()
  mkdirSync(dir, { recursive: true })
  // 'localhost' may resolve to either loopback; bind both ('-' makes ::1 optional where IPv6 is off, redis >= 6.2).
  const bind = host === 'localhost' ? ['127.0.0.1', '-::1'] : [host]
  const args = ['--port', port, '--bind', ...bind, '--save', '', '--appendonly', 'no', '--daemonize', 'no']
  args.push('--dir', dir)
  const password = decodeURIComponent(target.password)
  if (password) args.push('--requirepass', password)

  const child = spawnChild(bin, args, { log })
  const startupTimeoutMs = opts.startupTimeoutMs ?? 10_000
  const outcome = await waitUntilReady(child, { timeoutMs: startupTimeoutMs, probe: () => pingRedis(url, 500) })
  if (outcome.status !== 'ready') {
    await child.stop({ timeoutMs: 2_000 })
    throw new RedisStartError({
      url,
      exitCode: outcome.status === 'exited' ? outcome.exitCode : undefined,
      timeoutMs: startupTimeoutMs,
      output: child.tail().slice(-15),
    })
  }
  log?.info({ url, pid: child.pid, bin }, 'started redis-server')
  return {
    url,
    started: true,
    stop: async () => {
      await child.stop({ timeoutMs: 5_000 })
      log?.info({ pid: child.pid }, 'redis-server stopped')
    },
  }
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

function isLocalHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1'
}

function encodeCommand(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
}
