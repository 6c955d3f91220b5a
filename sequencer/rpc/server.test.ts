import { once } from 'node:events'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { BaseError } from '../../core/errors/base.ts'
import { createRpcServer, type RpcCorsOptions } from './server.ts'
import type { ChainEvents, MethodTable, RpcLimits, RpcLog } from './types.ts'

const silent = pino({ level: 'silent' })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A hand-driven ChainEvents: tests call emit* and can see how many listeners are registered. */
function fakeEvents() {
  const heads = new Set<(h: Record<string, unknown>) => void>()
  const logs = new Set<(l: RpcLog[]) => void>()
  const pending = new Set<(h: `0x${string}`) => void>()
  const on =
    <T>(set: Set<T>) =>
    (fn: T) => {
      set.add(fn)
      return () => set.delete(fn)
    }
  const events: ChainEvents = { onNewHead: on(heads), onLogs: on(logs), onPendingTransaction: on(pending) }
  return {
    events,
    emitHead: (h: Record<string, unknown>) => {
      for (const fn of heads) fn(h)
    },
    emitLogs: (l: RpcLog[]) => {
      for (const fn of logs) fn(l)
    },
    emitPending: (h: `0x${string}`) => {
      for (const fn of pending) fn(h)
    },
    listenerCount: () => heads.size + logs.size + pending.size,
  }
}

const A = `0x${'a'.repeat(40)}` as const
const B = `0x${'b'.repeat(40)}` as const
const topic = (c: string) => `0x${c.repeat(64)}` as `0x${string}`
const makeLog = (address: `0x${string}`, topics: `0x${string}`[], logIndex: `0x${string}`): RpcLog => ({
  address,
  topics,
  data: '0x',
  blockNumber: '0x1',
  blockHash: topic('e'),
  transactionHash: topic('f'),
  transactionIndex: '0x0',
  logIndex,
  removed: false,
})

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn()
  cleanup = []
})

async function startServer(
  options: { methods?: MethodTable; limits?: Partial<RpcLimits>; cors?: RpcCorsOptions } = {},
) {
  const fake = fakeEvents()
  const methods: MethodTable = options.methods ?? {
    eth_chainId: () => '0x1',
    slow: async () => {
      await sleep(200)
      return 'done'
    },
    fails: () => {
      throw new BaseError('header not found')
    },
    emitHead: () => {
      fake.emitHead({ number: '0x9' })
      return true
    },
    eth_getTransactionByHash: (params) => ({ hash: params[0], nonce: '0x0' }),
  }
  const server = createRpcServer({ methods, events: fake.events, log: silent, port: 0, ...options })
  const { url, port } = await server.start()
  cleanup.push(() => server.close())
  return { server, url, port, wsUrl: url.replace('http', 'ws'), ...fake }
}

/** A WebSocket client that queues incoming JSON messages. */
async function connect(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}) {
  const ws = new WebSocket(url, options)
  const inbox: unknown[] = []
  const waiters: ((m: unknown) => void)[] = []
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString())
    const waiter = waiters.shift()
    if (waiter) waiter(msg)
    else inbox.push(msg)
  })
  await once(ws, 'open')
  cleanup.push(async () => {
    if (ws.readyState === WebSocket.OPEN) {
      ws.close()
      await once(ws, 'close')
    }
  })
  let nextId = 1
  const next = (timeoutMs = 2000) =>
    // biome-ignore lint/suspicious/noExplicitAny: received JSON, shaped by each test's assertions
    new Promise<any>((resolve, reject) => {
      if (inbox.length > 0) return resolve(inbox.shift())
      const timer = setTimeout(() => reject(new Error('no message')), timeoutMs)
      waiters.push((m) => {
        clearTimeout(timer)
        resolve(m)
      })
    })
  const request = async (method: string, params: unknown[] = []) => {
    const id = nextId++
    ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
    const msg = await next()
    expect(msg.id).toBe(id)
    return msg
  }
  /** Asserts that nothing arrives for a little while. */
  const quiet = async (ms = 100) => {
    await sleep(ms)
    expect(inbox).toEqual([])
  }
  return { ws, next, request, quiet }
}

const post = (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', body, headers })

describe('createRpcServer', () => {
  it('default', async () => {
    const { url, port } = await startServer()
    expect(url).toBe(`http://127.0.0.1:${port}`)
    const res = await post(url, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 1, result: '0x1' })
  })

  it('behavior: HTTP answers JSON-RPC errors with status 200, whatever the content type', async () => {
    const { url } = await startServer()
    const res = await post(url, '{"jsonrpc":"2.0","id":1,"method":', { 'content-type': 'text/plain' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } })
    const batch = await post(
      url,
      '[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"fails"}]',
    )
    expect(await batch.json()).toEqual([
      { jsonrpc: '2.0', id: 1, result: '0x1' },
      { jsonrpc: '2.0', id: 2, error: { code: -32000, message: 'header not found' } },
    ])
    const noContentType = await fetch(url, { method: 'POST', body: '{"jsonrpc":"2.0","id":3,"method":"eth_chainId"}' })
    expect(await noContentType.json()).toMatchObject({ id: 3, result: '0x1' })
  })

  it('behavior: a notification over HTTP gets an empty 200', async () => {
    const { url } = await startServer()
    const res = await post(url, '{"jsonrpc":"2.0","method":"eth_chainId"}')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
  })

  it('behavior: GET /health and GET / answer for probes', async () => {
    const { url } = await startServer()
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ ok: true })
    expect((await fetch(url)).status).toBe(200)
  })

  it('behavior: CORS is open to any origin by default, preflight included', async () => {
    const { url } = await startServer()
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type')
    const res = await post(url, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}', {
      origin: 'https://app.example',
      'content-type': 'application/json',
    })
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('behavior: a configured origin list is echoed for allowed origins only, on HTTP and WebSocket', async () => {
    const { url, wsUrl } = await startServer({ cors: { origins: ['https://good.example'] } })
    const good = await post(url, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}', { origin: 'https://good.example' })
    expect(good.headers.get('access-control-allow-origin')).toBe('https://good.example')
    expect(good.headers.get('vary')).toContain('Origin')
    const bad = await post(url, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}', { origin: 'https://bad.example' })
    expect(bad.headers.get('access-control-allow-origin')).toBeNull()

    const allowed = await connect(wsUrl, { origin: 'https://good.example' })
    expect((await allowed.request('eth_chainId')).result).toBe('0x1')
    await connect(wsUrl) // no Origin header: a non-browser client
    const refused = new WebSocket(wsUrl, { origin: 'https://bad.example' })
    const [err] = await once(refused, 'error')
    expect(String(err)).toContain('401')
  })

  it('behavior: WebSocket speaks the same JSON-RPC on any path', async () => {
    const { wsUrl } = await startServer()
    const client = await connect(`${wsUrl}/some/path`)
    expect(await client.request('eth_chainId')).toEqual({ jsonrpc: '2.0', id: 1, result: '0x1' })
    client.ws.send('[{"jsonrpc":"2.0","id":"x","method":"eth_chainId"},{"jsonrpc":"2.0","method":"eth_chainId"}]')
    expect(await client.next()).toEqual([{ jsonrpc: '2.0', id: 'x', result: '0x1' }])
    client.ws.send('{oops')
    expect(await client.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } })
  })

  it('behavior: newHeads subscription receives heads until unsubscribed', async () => {
    const { wsUrl, emitHead } = await startServer()
    const client = await connect(wsUrl)
    const { result: id } = await client.request('eth_subscribe', ['newHeads'])
    expect(id).toMatch(/^0x[0-9a-f]{32}$/)
    emitHead({ number: '0x1', hash: topic('1') })
    expect(await client.next()).toEqual({
      jsonrpc: '2.0',
      method: 'eth_subscription',
      params: { subscription: id, result: { number: '0x1', hash: topic('1') } },
    })
    expect(await client.request('eth_unsubscribe', [id])).toEqual({ jsonrpc: '2.0', id: 2, result: true })
    emitHead({ number: '0x2' })
    await client.quiet()
    expect((await client.request('eth_unsubscribe', [id])).error).toEqual({
      code: -32000,
      message: 'subscription not found',
    })
  })

  it('behavior: logs subscription sends one notification per matching log, in order', async () => {
    const { wsUrl, emitLogs } = await startServer()
    const client = await connect(wsUrl)
    const { result: id } = await client.request('eth_subscribe', [
      'logs',
      { address: [A], topics: [[topic('1'), topic('2')]] },
    ])
    const all = await client.request('eth_subscribe', ['logs', {}])
    const match1 = makeLog(A, [topic('1')], '0x0')
    const wrongAddress = makeLog(B, [topic('1')], '0x1')
    const wrongTopic = makeLog(A, [topic('3')], '0x2')
    const match2 = makeLog(A, [topic('2'), topic('9')], '0x3')
    emitLogs([match1, wrongAddress, wrongTopic, match2])
    const received: { subscription: string; result: RpcLog }[] = []
    for (let i = 0; i < 6; i++) received.push((await client.next()).params)
    expect(received.filter((p) => p.subscription === id).map((p) => p.result)).toEqual([match1, match2])
    expect(received.filter((p) => p.subscription === all.result).map((p) => p.result.logIndex)).toEqual([
      '0x0',
      '0x1',
      '0x2',
      '0x3',
    ])
    await client.quiet()
  })

  it('behavior: newPendingTransactions sends hashes, or full transactions when asked', async () => {
    const { wsUrl, emitPending } = await startServer()
    const client = await connect(wsUrl)
    const { result: hashesId } = await client.request('eth_subscribe', ['newPendingTransactions'])
    const { result: fullId } = await client.request('eth_subscribe', ['newPendingTransactions', true])
    emitPending(topic('7'))
    const received = [await client.next(), await client.next()].map((m) => m.params)
    expect(received).toContainEqual({ subscription: hashesId, result: topic('7') })
    expect(received).toContainEqual({ subscription: fullId, result: { hash: topic('7'), nonce: '0x0' } })
  })

  it('behavior: no notification precedes the response that announces its subscription id', async () => {
    const { wsUrl } = await startServer()
    const client = await connect(wsUrl)
    // emitHead fires a head while the batch is still being answered (slow keeps it open).
    client.ws.send(
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] },
        { jsonrpc: '2.0', id: 2, method: 'emitHead' },
        { jsonrpc: '2.0', id: 3, method: 'slow' },
      ]),
    )
    const response = await client.next()
    expect(Array.isArray(response)).toBe(true)
    const notification = await client.next()
    expect(notification).toEqual({
      jsonrpc: '2.0',
      method: 'eth_subscription',
      params: { subscription: response[0].result, result: { number: '0x9' } },
    })
  })

  it('behavior: closing a connection drops its subscriptions', async () => {
    const { wsUrl, emitHead } = await startServer()
    const first = await connect(wsUrl)
    await first.request('eth_subscribe', ['newHeads'])
    first.ws.close()
    await once(first.ws, 'close')
    await sleep(20)
    const second = await connect(wsUrl)
    const { result: id } = await second.request('eth_subscribe', ['newHeads'])
    emitHead({ number: '0x5' })
    expect((await second.next()).params).toEqual({ subscription: id, result: { number: '0x5' } })
  })

  it('behavior: clients that stop answering pings are dropped, live ones stay', async () => {
    const { wsUrl } = await startServer({ limits: { wsPingIntervalMs: 30 } })
    const live = await connect(wsUrl)
    const dead = await connect(wsUrl, { autoPong: false })
    const [code] = await once(dead.ws, 'close')
    expect(code).toBe(1006) // terminated, no close frame
    expect((await live.request('eth_chainId')).result).toBe('0x1')
  })

  it('behavior: close() finishes in-flight HTTP requests, closes WebSockets and stops listening', async () => {
    const { server, url, wsUrl, listenerCount } = await startServer()
    const client = await connect(wsUrl)
    expect(listenerCount()).toBe(3)
    const inFlight = post(url, '{"jsonrpc":"2.0","id":1,"method":"slow"}')
    await sleep(50)
    const wsClosed = once(client.ws, 'close')
    await server.close()
    expect(await (await inFlight).json()).toEqual({ jsonrpc: '2.0', id: 1, result: 'done' })
    const [code] = await wsClosed
    expect(code).toBe(1001)
    expect(listenerCount()).toBe(0)
    await expect(post(url, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}')).rejects.toThrow()
    await server.close() // idempotent
  })

  it('error: eth_subscribe over HTTP is -32601 notifications not supported (as geth)', async () => {
    const { url } = await startServer()
    const res = await post(url, '{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}')
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32601, message: 'notifications not supported' },
    })
  })

  it('error: bad subscription requests use geth codes and messages', async () => {
    const { wsUrl } = await startServer()
    const client = await connect(wsUrl)
    expect((await client.request('eth_subscribe', ['syncingX'])).error).toEqual({
      code: -32601,
      message: 'no "syncingX" subscription in eth namespace',
    })
    expect((await client.request('eth_subscribe', [])).error).toEqual({
      code: -32602,
      message: 'expected subscription name as first argument',
    })
    expect((await client.request('eth_subscribe', ['newHeads', {}])).error).toEqual({
      code: -32602,
      message: 'too many arguments, want at most 1',
    })
    expect((await client.request('eth_subscribe', ['logs', { address: 'nope' }])).error).toEqual({
      code: -32602,
      message: 'invalid argument 1: invalid address: hex string without 0x prefix',
    })
    expect((await client.request('eth_unsubscribe', [1])).error).toEqual({
      code: -32602,
      message: 'invalid argument 0: json: cannot unmarshal number into Go value of type rpc.ID',
    })
  })

  it('error: the per-connection subscription limit is -32005', async () => {
    const { wsUrl } = await startServer({ limits: { maxSubscriptionsPerConnection: 2 } })
    const client = await connect(wsUrl)
    await client.request('eth_subscribe', ['newHeads'])
    const { result: id } = await client.request('eth_subscribe', ['newHeads'])
    expect((await client.request('eth_subscribe', ['newHeads'])).error).toEqual({
      code: -32005,
      message: 'too many subscriptions on this connection (max 2)',
    })
    await client.request('eth_unsubscribe', [id])
    expect((await client.request('eth_subscribe', ['newHeads'])).result).toMatch(/^0x/)
  })

  it('error: an HTTP body over the limit is refused with 413 (as geth)', async () => {
    const { url } = await startServer({ limits: { maxBodyBytes: 100 } })
    const res = await post(
      url,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: ['x'.repeat(200)] }),
    )
    expect(res.status).toBe(413)
    expect(await res.text()).toMatch(/^content length too large \(\d+>100\)/)
    // A chunked body (no Content-Length) is cut off the same way.
    const chunked = await fetch(url, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('x'.repeat(80)))
          controller.enqueue(new TextEncoder().encode('x'.repeat(80)))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
  })

  it('error: a WebSocket message over the limit closes the connection with 1009', async () => {
    const { wsUrl } = await startServer({ limits: { maxWsMessageBytes: 100 } })
    const client = await connect(wsUrl)
    client.ws.send('x'.repeat(200))
    const [code] = await once(client.ws, 'close')
    expect(code).toBe(1009)
  })
})

/** Opens a WebSocket and resolves with the HTTP status and body of a refused upgrade (fails if it is accepted). */
async function refusedUpgrade(wsUrl: string) {
  const ws = new WebSocket(wsUrl)
  const [, res] = (await once(ws, 'unexpected-response')) as [unknown, import('node:http').IncomingMessage]
  let body = ''
  for await (const chunk of res) body += chunk
  return { status: res.statusCode, body, retryAfter: res.headers['retry-after'] }
}

describe('createRpcServer limits', () => {
  const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'eth_chainId' })
  const rateLimited = (id: number) => ({
    jsonrpc: '2.0',
    id,
    error: { code: -32005, message: 'request rate limit exceeded' },
  })

  it('behavior: without a rate limit (the default) a client may send as many calls as it likes', async () => {
    const { url } = await startServer()
    const batch = Array.from({ length: 1000 }, (_, i) => call(i))
    for (let round = 0; round < 3; round++) {
      const res = await post(url, JSON.stringify(batch))
      expect(res.status).toBe(200)
      const results = (await res.json()) as { result?: string }[]
      expect(results.every((r) => r.result === '0x1')).toBe(true)
    }
  })

  it('error: over the rate an HTTP request is refused with 429, Retry-After and -32005 for each call', async () => {
    const { url } = await startServer({ limits: { rateLimitPerSecond: 1, rateLimitBurst: 2 } })
    for (const id of [1, 2]) expect(await (await post(url, JSON.stringify(call(id)))).json()).toMatchObject({ id })
    const refused = await post(url, JSON.stringify(call(3)))
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await refused.json()).toEqual(rateLimited(3))
    // A refused batch answers every call, each with its own id.
    const batch = await post(url, JSON.stringify([call(4), call(5)]))
    expect(batch.status).toBe(429)
    expect(await batch.json()).toEqual([rateLimited(4), rateLimited(5)])
  })

  it('error: each call of a batch is counted; the calls past the budget get -32005, the rest their results', async () => {
    const { url } = await startServer({ limits: { rateLimitPerSecond: 1, rateLimitBurst: 3 } })
    const res = await post(url, JSON.stringify([1, 2, 3, 4, 5].map(call)))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([
      { jsonrpc: '2.0', id: 1, result: '0x1' },
      { jsonrpc: '2.0', id: 2, result: '0x1' },
      { jsonrpc: '2.0', id: 3, result: '0x1' },
      rateLimited(4),
      rateLimited(5),
    ])
  })

  it('error: junk bodies cost a token too, so they cannot be sent without limit', async () => {
    const { url } = await startServer({ limits: { rateLimitPerSecond: 1, rateLimitBurst: 2 } })
    expect((await post(url, '{oops')).status).toBe(200)
    expect((await post(url, '{"jsonrpc":"2.0","id":1,"method":"nope"}')).status).toBe(200)
    const refused = await post(url, '{oops')
    expect(refused.status).toBe(429)
    expect(await refused.json()).toMatchObject({ id: null, error: { code: -32700 } })
  })

  it('error: over WebSocket each call past the rate gets -32005 with its id; the connection stays open', async () => {
    const { wsUrl } = await startServer({ limits: { rateLimitPerSecond: 1, rateLimitBurst: 2 } })
    const client = await connect(wsUrl)
    expect((await client.request('eth_chainId')).result).toBe('0x1')
    expect((await client.request('eth_chainId')).result).toBe('0x1')
    expect(await client.request('eth_chainId')).toEqual(rateLimited(3))
    expect(await client.request('eth_subscribe', ['newHeads'])).toEqual(rateLimited(4))
    await sleep(1100) // one token back
    expect((await client.request('eth_chainId')).result).toBe('0x1')
  })

  it('error: WebSocket connections past the per-client cap are refused with 429 until one closes', async () => {
    const { wsUrl } = await startServer({ limits: { maxWsConnectionsPerClient: 2 } })
    const first = await connect(wsUrl)
    await connect(wsUrl)
    expect(await refusedUpgrade(wsUrl)).toEqual({
      status: 429,
      body: 'too many WebSocket connections from this address (max 2)\n',
      retryAfter: '1',
    })
    first.ws.close()
    await once(first.ws, 'close')
    await sleep(50) // the server sees the close
    expect((await (await connect(wsUrl)).request('eth_chainId')).result).toBe('0x1')
  })

  it('error: WebSocket connections past the total cap are refused with 503', async () => {
    const { wsUrl, url } = await startServer({ limits: { maxWsConnections: 1 } })
    await connect(wsUrl)
    expect(await refusedUpgrade(wsUrl)).toMatchObject({
      status: 503,
      body: 'too many WebSocket connections (max 1)\n',
    })
    // HTTP is not affected by the WebSocket caps.
    expect(await (await post(url, JSON.stringify(call(1)))).json()).toMatchObject({ result: '0x1' })
  })
})
