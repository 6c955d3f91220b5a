import { BaseError } from '../errors/base.ts'

// Errors of the local devnet launcher (Anvil and Redis as child processes). None is retryable by
// itself: each needs a person to free a port, install a binary or point at another URL.

/** Base class of every devnet error, so callers can catch them as one kind. */
export class DevnetError extends BaseError {
  override name: string = 'DevnetError'
}

/** No Anvil binary was found in node_modules or on PATH. */
export class AnvilNotFoundError extends DevnetError {
  override name = 'AnvilNotFoundError' as const
  readonly tried: string[]
  constructor({ tried }: { tried: string[] }) {
    super('anvil binary not found', {
      metaMessages: [
        'Tried:',
        ...tried.map((p) => `  ${p}`),
        'Run `npm install` (it brings @foundry-rs/anvil), install Foundry (https://getfoundry.sh),',
        'or set L1_RPC_URL to an L1 that is already running.',
      ],
    })
    this.tried = tried
  }
}

/** Anvil exited, or did not answer `eth_chainId`, before it was ready. `output` holds its last lines. */
export class AnvilStartError extends DevnetError {
  override name = 'AnvilStartError' as const
  readonly address: string
  readonly exitCode: number | null | undefined
  readonly output: string[]
  constructor({
    address,
    exitCode,
    timeoutMs,
    output,
  }: {
    address: string
    /** undefined: still running when the timeout hit; null: killed by a signal */
    exitCode: number | null | undefined
    timeoutMs: number
    output: string[]
  }) {
    super(`anvil failed to start on ${address}`, {
      metaMessages: [
        exitCode === undefined
          ? `No answer to eth_chainId within ${timeoutMs} ms.`
          : `Anvil exited (code ${exitCode}).`,
        ...(output.length ? ['Last output:', ...output.map((l) => `  ${l}`)] : ['Anvil printed nothing.']),
      ],
    })
    this.address = address
    this.exitCode = exitCode
    this.output = output
  }
}

/** How to get a Redis, appended to every Redis error. */
export const redisAdvice = [
  'To get one: install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),',
  'run `docker run -p 6379:6379 redis:7`, or set REDIS_URL to a Redis that is running.',
]

/** Nothing answers at the Redis URL and none could be started for it. */
export class RedisUnavailableError extends DevnetError {
  override name = 'RedisUnavailableError' as const
  readonly url: string
  constructor({ url, reason }: { url: string; reason: string }) {
    super(`Redis is not reachable at ${url}`, { metaMessages: [reason, ...redisAdvice] })
    this.url = url
  }
}

/** A redis-server we spawned exited, or did not answer PING, before it was ready. */
export class RedisStartError extends DevnetError {
  override name = 'RedisStartError' as const
  readonly url: string
  readonly exitCode: number | null | undefined
  readonly output: string[]
  constructor({
    url,
    exitCode,
    timeoutMs,
    output,
  }: {
    url: string
    exitCode: number | null | undefined
    timeoutMs: number
    output: string[]
  }) {
    super(`redis-server failed to start for ${url}`, {
      metaMessages: [
        exitCode === undefined
          ? `No answer to PING within ${timeoutMs} ms.`
          : `redis-server exited (code ${exitCode}).`,
        ...(output.length ? ['Last output:', ...output.map((l) => `  ${l}`)] : []),
        ...redisAdvice,
      ],
    })
    this.url = url
    this.exitCode = exitCode
    this.output = output
  }
}
