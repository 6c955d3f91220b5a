import { describe, expect, it } from 'vitest'
import { readConfig } from '../../core/config/config.ts'
import { defaultRpcLimits } from './defaultRpcLimits.ts'
import { rpcServerOptions } from './rpcServerOptions.ts'

describe('rpcServerOptions', () => {
  it('default: the configuration defaults are the server defaults (geth’s where geth has one)', () => {
    const options = rpcServerOptions(readConfig({}))
    expect(options.host).toBe('127.0.0.1')
    expect(options.port).toBe(8545)
    expect(options.cors).toEqual({ origins: '*' })
    for (const [name, value] of Object.entries(options.limits))
      expect(value, name).toBe(defaultRpcLimits[name as keyof typeof defaultRpcLimits])
  })

  it('behavior: every limit variable reaches the server', () => {
    const options = rpcServerOptions(
      readConfig({
        RPC_MAX_BODY_BYTES: '2048',
        RPC_MAX_BATCH: '7',
        RPC_BATCH_RESPONSE_MAX_BYTES: '4096',
        RPC_CALL_TIMEOUT_MS: '0',
        RPC_WS_MAX_MESSAGE_BYTES: '8192',
        RPC_WS_MAX_SUBSCRIPTIONS: '3',
        RPC_WS_MAX_CONNECTIONS: '20',
        RPC_WS_MAX_CONNECTIONS_PER_IP: '4',
        RPC_RATE_LIMIT: '50',
        RPC_RATE_BURST: '100',
        CORS_ORIGINS: 'https://a.example, https://b.example,',
      }),
    )
    expect(options.limits).toEqual({
      maxBodyBytes: 2048,
      maxBatchSize: 7,
      maxBatchResponseBytes: 4096,
      callTimeoutMs: 0,
      maxWsMessageBytes: 8192,
      maxSubscriptionsPerConnection: 3,
      maxWsConnections: 20,
      maxWsConnectionsPerClient: 4,
      rateLimitPerSecond: 50,
      rateLimitBurst: 100,
    })
    expect(options.cors).toEqual({ origins: ['https://a.example', 'https://b.example'] })
  })

  it('error: negative or non-numeric limits are configuration errors', () => {
    expect(() => readConfig({ RPC_RATE_LIMIT: '-1', RPC_WS_MAX_CONNECTIONS: 'many' })).toThrow(
      expect.objectContaining({
        issues: [expect.stringMatching(/^RPC_RATE_LIMIT: /), expect.stringMatching(/^RPC_WS_MAX_CONNECTIONS: /)],
      }),
    )
  })
})
