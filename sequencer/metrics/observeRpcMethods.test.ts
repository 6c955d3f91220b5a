import { Counter, Histogram, Registry } from 'prom-client'
import { describe, expect, test } from 'vitest'
import { InvalidParamsError } from '../../core/errors/rpc.ts'
import { observeRpcMethods } from './observeRpcMethods.ts'

const ctx = { transport: 'http', clientId: 'test' } as const

function metrics() {
  const registry = new Registry()
  return {
    registry,
    rpcDuration: new Histogram({ name: 'd', help: 'd', labelNames: ['method'], registers: [registry] }),
    rpcErrors: new Counter({ name: 'e', help: 'e', labelNames: ['method', 'code'], registers: [registry] }),
  }
}
const count = async (m: ReturnType<typeof metrics>, name: string, labels: Record<string, string>) =>
  (await m.registry.getSingleMetric(name)!.get()).values.find(
    (v) =>
      (name !== 'd' || (v as { metricName?: string }).metricName === 'd_count') &&
      Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  )?.value

describe('observeRpcMethods', () => {
  test('default: times each call by method; results unchanged', async () => {
    const m = metrics()
    const methods = observeRpcMethods({ a: () => 1, b: async (p) => p[0] }, m)
    expect(methods.a([], ctx)).toBe(1)
    expect(await methods.b(['x'], ctx)).toBe('x')
    expect(await methods.b(['y'], ctx)).toBe('y')
    expect(await count(m, 'd', { method: 'a' })).toBe(1)
    expect(await count(m, 'd', { method: 'b' })).toBe(2)
  })

  test('behavior: a synchronous handler stays synchronous (the dispatcher races only promises)', () => {
    const methods = observeRpcMethods({ a: () => 'sync' }, metrics())
    expect(methods.a([], ctx)).not.toBeInstanceOf(Promise)
  })

  test('behavior: errors are counted by JSON-RPC code and rethrown as they were', async () => {
    const m = metrics()
    const bad = new InvalidParamsError({ reason: 'nope' })
    const methods = observeRpcMethods(
      {
        sync: () => {
          throw bad
        },
        async: async () => {
          throw new TypeError('internal')
        },
      },
      m,
    )
    expect(() => methods.sync([], ctx)).toThrow(bad)
    await expect(methods.async([], ctx) as Promise<unknown>).rejects.toBeInstanceOf(TypeError)
    expect(await count(m, 'e', { method: 'sync', code: '-32602' })).toBe(1)
    expect(await count(m, 'e', { method: 'async', code: '-32603' })).toBe(1)
    expect(await count(m, 'd', { method: 'sync' })).toBe(1)
  })
})
