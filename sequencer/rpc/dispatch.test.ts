import { pino } from 'pino'
import { describe, expect, it, vi } from 'vitest'
import { BaseError } from '../../core/errors/base.ts'
import { InvalidParamsError } from '../../core/errors/rpc.ts'
import { createDispatcher } from './dispatch.ts'
import type { MethodTable, RpcLimits } from './types.ts'

const silent = pino({ level: 'silent' })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const methods: MethodTable = {
  echo: (params) => params,
  add: (params) => `0x${(BigInt(params[0] as string) + BigInt(params[1] as string)).toString(16)}`,
  slow: async (params) => {
    await sleep(Number(params[0]))
    return params[0]
  },
  nothing: () => undefined,
  bigint: () => 1n,
  fails: () => {
    throw new BaseError('header not found')
  },
  badParams: () => {
    throw new InvalidParamsError({ reason: 'invalid argument 0: hex string without 0x prefix' })
  },
}

function dispatcher(limits: Partial<RpcLimits> = {}, table: MethodTable = methods) {
  return createDispatcher({ methods: table, log: silent, limits })
}

async function call(body: unknown, limits?: Partial<RpcLimits>) {
  const text = await dispatcher(limits).handle(typeof body === 'string' ? body : JSON.stringify(body))
  return text === undefined ? undefined : JSON.parse(text)
}

const invalidRequest = (id: unknown = null) => ({
  jsonrpc: '2.0',
  id,
  error: { code: -32600, message: 'invalid request' },
})

describe('createDispatcher', () => {
  it('default', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'add', params: ['0x1', '0x2'] })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: '0x3',
    })
  })

  it('behavior: ids are echoed exactly (number, string, null, and numbers JSON.parse would round)', async () => {
    const d = dispatcher()
    expect(await d.handle('{"jsonrpc":"2.0","id":"abc","method":"nothing"}')).toBe(
      '{"jsonrpc":"2.0","id":"abc","result":null}',
    )
    expect(await d.handle('{"jsonrpc":"2.0","id":null,"method":"nothing"}')).toBe(
      '{"jsonrpc":"2.0","id":null,"result":null}',
    )
    expect(await d.handle('{"jsonrpc":"2.0","id":-7,"method":"nothing"}')).toBe(
      '{"jsonrpc":"2.0","id":-7,"result":null}',
    )
    expect(await d.handle('{"id": 18446744073709551615 ,"jsonrpc":"2.0","method":"nothing"}')).toBe(
      '{"jsonrpc":"2.0","id":18446744073709551615,"result":null}',
    )
    expect(
      await d.handle('[{"jsonrpc":"2.0","params":[{"id":1}],"id":9007199254740993,"method":"nothing"},{"x":"]\\""}]'),
    ).toBe(
      '[{"jsonrpc":"2.0","id":9007199254740993,"result":null},{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request"}}]',
    )
  })

  it('behavior: omitted or null params reach the handler as []', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'echo' })).toMatchObject({ result: [] })
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'echo', params: null })).toMatchObject({ result: [] })
  })

  it('behavior: a void handler answers null', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'nothing' })).toEqual({ jsonrpc: '2.0', id: 1, result: null })
  })

  it('behavior: a notification runs but gets no answer, even on error', async () => {
    const seen = vi.fn()
    const d = dispatcher({}, { note: seen, fails: methods.fails })
    expect(await d.handle('{"jsonrpc":"2.0","method":"note","params":[1]}')).toBeUndefined()
    expect(seen).toHaveBeenCalledWith([1], expect.objectContaining({ transport: 'http' }))
    expect(await d.handle('{"jsonrpc":"2.0","method":"fails"}')).toBeUndefined()
    expect(await d.handle('{"jsonrpc":"2.0","method":"unknown"}')).toBeUndefined()
    expect(await d.handle('{"jsonrpc":"2.0","method":"note","params":{"a":1}}')).toBeUndefined()
  })

  it('behavior: a batch is answered in request order though its calls run concurrently', async () => {
    // `wait` only returns once the later `open` has run: a sequential dispatcher would never finish.
    let open!: () => void
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const table: MethodTable = {
      ...methods,
      wait: async () => {
        await gate
        return 'waited'
      },
      open: async () => {
        await sleep(5)
        open()
        return 'opened'
      },
    }
    const text = await dispatcher({}, table).handle(
      JSON.stringify([
        { jsonrpc: '2.0', id: 'a', method: 'wait' },
        { jsonrpc: '2.0', id: 'b', method: 'open' },
        { jsonrpc: '2.0', method: 'nothing' },
        { jsonrpc: '2.0', id: 'c', method: 'fails' },
        1,
      ]),
    )
    expect(JSON.parse(text!)).toEqual([
      { jsonrpc: '2.0', id: 'a', result: 'waited' },
      { jsonrpc: '2.0', id: 'b', result: 'opened' },
      { jsonrpc: '2.0', id: 'c', error: { code: -32000, message: 'header not found' } },
      invalidRequest(),
    ])
  })

  it('behavior: batch handlers are invoked in request order', async () => {
    const order: number[] = []
    const d = dispatcher({}, { record: (params) => order.push(params[0] as number) })
    await d.handle(JSON.stringify([0, 1, 2, 3].map((i) => ({ jsonrpc: '2.0', id: i, method: 'record', params: [i] }))))
    expect(order).toEqual([0, 1, 2, 3])
  })

  it('behavior: a batch of notifications only gets no body', async () => {
    expect(
      await call([
        { jsonrpc: '2.0', method: 'nothing' },
        { jsonrpc: '2.0', method: 'nothing' },
      ]),
    ).toBeUndefined()
  })

  it('behavior: the call context is handed to handlers', async () => {
    const seen = vi.fn()
    await dispatcher({}, { m: seen }).handle('{"jsonrpc":"2.0","id":1,"method":"m"}', {
      transport: 'ws',
      clientId: '1.2.3.4:5',
    })
    expect(seen).toHaveBeenCalledWith([], { transport: 'ws', clientId: '1.2.3.4:5' })
  })

  it('behavior: each call is logged at debug with method, duration and error code', async () => {
    const lines: Record<string, unknown>[] = []
    const log = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l)) })
    const d = createDispatcher({ methods, log })
    await d.handle(
      '[{"jsonrpc":"2.0","id":1,"method":"add","params":["0x1","0x1"]},{"jsonrpc":"2.0","id":2,"method":"x"}]',
    )
    expect(lines).toHaveLength(2)
    const add = lines.find((l) => l.method === 'add')
    expect(add).toMatchObject({ level: 20, msg: 'rpc call' })
    expect(add?.code).toBeUndefined()
    expect(typeof add?.durationMs).toBe('number')
    expect(lines.find((l) => l.method === 'x')).toMatchObject({ level: 20, msg: 'rpc call', code: -32601 })
  })

  it('error: malformed JSON is -32700 with id null, for single and batch bodies', async () => {
    const parseError = { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }
    expect(await call('{"jsonrpc":"2.0","id":1,"method":')).toEqual(parseError)
    expect(await call('[{"jsonrpc":"2.0","id":1,"method":"nothing"},')).toEqual(parseError)
    expect(await call('')).toEqual(parseError)
  })

  it('error: an invalid request object is -32600, echoing its id when the id itself is valid', async () => {
    expect(await call(1)).toEqual(invalidRequest())
    expect(await call('"eth_blockNumber"')).toEqual(invalidRequest())
    expect(await call({ id: 1, method: 'nothing' })).toEqual(invalidRequest(1))
    expect(await call({ jsonrpc: '1.0', id: 1, method: 'nothing' })).toEqual(invalidRequest(1))
    expect(await call({ jsonrpc: '2.0', id: 1, method: 5 })).toEqual(invalidRequest(1))
    expect(await call({ jsonrpc: '2.0', id: 1 })).toEqual(invalidRequest(1))
    expect(await call({ jsonrpc: '2.0', id: 1, result: '0x1' })).toEqual(invalidRequest(1))
    expect(await call({ jsonrpc: '2.0', id: true, method: 'nothing' })).toEqual(invalidRequest())
    expect(await call({ jsonrpc: '2.0', id: { a: 1 }, method: 'nothing' })).toEqual(invalidRequest())
    expect(await call({ jsonrpc: '2.0', id: [1], method: 'nothing' })).toEqual(invalidRequest())
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'echo', params: 5 })).toEqual(invalidRequest(1))
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'echo', params: 'x' })).toEqual(invalidRequest(1))
    // A malformed message without an id is still answered (it is not a valid notification).
    expect(await call({ jsonrpc: '1.0', method: 'nothing' })).toEqual(invalidRequest())
  })

  it('error: an empty batch is one -32600 error object, not an array', async () => {
    expect(await call([])).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'empty batch' } })
  })

  it('error: each invalid batch element gets its own -32600', async () => {
    expect(await call([1, 2])).toEqual([invalidRequest(), invalidRequest()])
  })

  it('error: a batch over the size limit is one -32600 in an array, with the first call id (as geth)', async () => {
    const batch = [
      { jsonrpc: '2.0', method: 'nothing' },
      { jsonrpc: '2.0', id: 7, method: 'nothing' },
      { jsonrpc: '2.0', id: 8, method: 'nothing' },
    ]
    expect(await call(batch, { maxBatchSize: 2 })).toEqual([
      { jsonrpc: '2.0', id: 7, error: { code: -32600, message: 'batch too large' } },
    ])
    expect(await call(batch, { maxBatchSize: 3 })).toHaveLength(2)
  })

  it('error: calls past the batch response size limit get -32003 (as geth)', async () => {
    const big = 'x'.repeat(100)
    const batch = [0, 1, 2].map((id) => ({ jsonrpc: '2.0', id, method: 'echo', params: [big] }))
    expect(await call(batch, { maxBatchResponseBytes: 150 })).toEqual([
      { jsonrpc: '2.0', id: 0, result: [big] },
      { jsonrpc: '2.0', id: 1, result: [big] },
      { jsonrpc: '2.0', id: 2, error: { code: -32003, message: 'response too large' } },
    ])
  })

  it('error: an unknown method is -32601, including Object.prototype names', async () => {
    for (const method of ['eth_nope', 'toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      expect(await call({ jsonrpc: '2.0', id: 1, method })).toEqual({
        jsonrpc: '2.0',
        id: 1,
        error: { code: -32601, message: `the method ${method} does not exist/is not available` },
      })
    }
  })

  it('error: named (object) params are -32602 non-array args, as geth', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'echo', params: { a: 1 } })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32602, message: 'non-array args' },
    })
  })

  it('error: handler errors map through toRpcError', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'badParams' })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32602, message: 'invalid argument 0: hex string without 0x prefix' },
    })
  })

  it('error: a result that cannot be serialized is -32603', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'bigint' })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32603, message: 'internal error' },
    })
  })

  it('error: a call running past the timeout is -32002', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'slow', params: [200] }, { callTimeoutMs: 20 })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32002, message: 'request timed out' },
    })
  })
})
